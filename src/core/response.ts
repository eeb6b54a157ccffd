import type { AssistantContentPart, ProviderMetadata, ToolCallPart } from './messages.js';
import type { Cost, FinishReason, Usage } from './usage.js';
import type { RouteInfo } from './errors.js';

/** Something the provider could not honour exactly (e.g. an unsupported parameter). */
export interface Warning {
  type: 'unsupported-parameter' | 'unsupported-content' | 'other';
  /** Dotted path of what was affected, e.g. `params.seed`. */
  path?: string;
  message: string;
}

/** What an adapter returns for a non-streaming call. */
export interface ProviderResponse {
  id?: string;
  /** The vendor's model id as it answered (may be a dated snapshot). */
  modelId?: string;
  content: AssistantContentPart[];
  finishReason: FinishReason;
  rawFinishReason?: string;
  usage: Usage;
  warnings: Warning[];
  providerMetadata?: ProviderMetadata;
  raw?: unknown;
}

// The route types live beside the errors that carry them (errors.ts), so that core has no import cycle.
export type { AttemptRecord, SkipReason, SkippedCandidate, RouteInfo } from './errors.js';

export interface ChatResponse {
  /** Our request id (also on every event of this request). */
  id: string;
  /** The vendor's response id, when it gives one. */
  providerResponseId?: string;
  text: string;
  content: AssistantContentPart[];
  toolCalls: ToolCallPart[];
  /** Concatenated reasoning text, when the model returned any. */
  reasoning?: string;
  finishReason: FinishReason;
  rawFinishReason?: string;
  usage: Usage;
  cost: Cost;
  route: RouteInfo;
  warnings: Warning[];
  latencyMs: number;
  providerMetadata?: ProviderMetadata;
  raw?: unknown;
}
