/** What a model can do. Used by routing filters and reported by `listModels()`. */
export interface ModelCapabilities {
  tools: boolean;
  vision: boolean;
  /** JSON mode / JSON Schema structured output. */
  json: boolean;
  reasoning: boolean;
  streaming: boolean;
}

/** Prices in USD per 1M tokens. */
export interface ModelPricing {
  input: number;
  output: number;
  /** Cached input (cache read). Defaults to `input` when absent. */
  cachedInput?: number;
  /** Cache write (Anthropic prompt caching). Defaults to `input` when absent. */
  cacheWrite?: number;
}

export type ModelTier = 'economy' | 'standard' | 'premium';

export interface ModelInfo {
  /** The vendor's model id. Open string: new models need no library release. */
  id: string;
  provider?: string;
  displayName?: string;
  contextWindow?: number;
  maxOutputTokens?: number;
  capabilities?: Partial<ModelCapabilities>;
  pricing?: ModelPricing;
  tier?: ModelTier;
}

export const DEFAULT_CAPABILITIES: ModelCapabilities = {
  tools: true,
  vision: false,
  json: true,
  reasoning: false,
  streaming: true,
};
