import type { ModelCapabilities, ModelPricing, ModelTier } from '../core/model.js';

/** Vendors whose public price lists the catalog carries. */
export type CatalogVendor = 'openai' | 'anthropic' | 'google' | 'deepseek' | 'ollama';

/** What a model is good at; used by routing strategies and shown in reports. */
export type ModelStrength = 'chinese' | 'reasoning' | 'vision' | 'fast' | 'creative' | 'code' | 'long-context' | 'local';

/**
 * A price list in USD per 1M tokens, with an optional higher tier for long prompts
 * (Gemini 2.5 Pro and Claude Sonnet 4/4.5 charge more once the prompt passes 200k tokens).
 */
export interface CatalogPricing extends ModelPricing {
  longContext?: {
    /** The higher prices apply when the request's input tokens exceed this. */
    aboveInputTokens: number;
    pricing: ModelPricing;
  };
}

/** One model as the vendor lists it. Figures are the vendor's public list prices. */
export interface CatalogEntry {
  /** The vendor's undated model id, e.g. `gpt-4o`, `claude-sonnet-4-5`. */
  id: string;
  vendor: CatalogVendor;
  displayName: string;
  /** Other ids the vendor accepts for this model (e.g. `llama3.1` for `llama3.1:8b`). */
  aliases?: string[];
  contextWindow: number;
  maxOutputTokens?: number;
  pricing: CatalogPricing;
  /** Every vendor listed bills reasoning (thinking) tokens as output tokens. */
  reasoningBilledAs: 'output';
  capabilities: ModelCapabilities;
  tier: ModelTier;
  strengths: ModelStrength[];
  /** Caveats about the figures (e.g. prices that changed during the year). */
  notes?: string;
}

/** The dated table. */
export interface ModelCatalog {
  /** ISO date (YYYY-MM-DD) on which the figures were read from the vendors' pricing pages. */
  updatedAt: string;
  entries: ReadonlyArray<CatalogEntry>;
}
