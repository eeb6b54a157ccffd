import type { AssistantContentPart, ProviderMetadata, ToolCallPart } from './messages.js';
import type { RoutingContext } from './request.js';
import type { Cost, FinishReason, Usage } from './usage.js';
import type { SwitchyardError } from './errors.js';

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

/** One try at one model. Retries of the same model are separate attempts. */
export interface AttemptRecord {
  model: string;
  provider: string;
  /** 1-based index of this try at this model. */
  try: number;
  ok: boolean;
  latencyMs: number;
  /** The typed error of a failed attempt. */
  error?: SwitchyardError;
  /** Class name of the error, e.g. `RateLimitError`. */
  errorClass?: string;
}

/** Why a candidate was not tried. */
export type SkipReason =
  | 'disabled'
  | 'circuit-open'
  | 'lacks-capability'
  | 'context-too-small'
  | 'rate-limited'
  | 'over-budget'
  | 'dropped-by-strategy';

export interface SkippedCandidateInfo {
  model: string;
  reason: SkipReason;
  /** Details, e.g. which capability is missing. */
  detail?: string;
}

export interface RouteInfo {
  /** The model alias that served the request. */
  model: string;
  /** The provider instance name. */
  provider: string;
  /** The vendor's model id. */
  providerModel: string;
  strategy: string;
  /** Index of the matching entry of `routes`, or undefined when the default applied. */
  routeIndex?: number;
  /** Candidate aliases in the order they were to be tried. */
  candidates: string[];
  fallbackUsed: boolean;
  /** True when the serving model is the configured `degradeTo` model. */
  degraded?: boolean;
  /** True when the session's pinned model was put first. */
  pinned?: boolean;
  attempts: AttemptRecord[];
  /** Candidates that were considered and not tried, with the reason. */
  skipped: SkippedCandidateInfo[];
  context: RoutingContext;
}

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
