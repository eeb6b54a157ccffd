import type { Message } from './messages.js';
import type { JSONSchema, NormalizedTool, ToolChoice, ToolDefinition, ToolParameters } from './tools.js';

/** Sampling and length parameters. A parameter a provider does not support becomes a warning. */
export interface GenerationParams {
  /** 0..2 */
  temperature?: number;
  /** 0..1 */
  topP?: number;
  topK?: number;
  maxTokens?: number;
  stop?: string[];
  /** -2..2 */
  frequencyPenalty?: number;
  /** -2..2 */
  presencePenalty?: number;
  seed?: number;
}

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json' }
  | { type: 'json-schema'; schema: ToolParameters; name?: string; description?: string; strict?: boolean };

/** Who is asking. Flows into the route, events, cost records and (later) budgets and audit. */
export interface RoutingContext {
  tenant?: string;
  user?: string;
  agent?: string;
  session?: string;
  tags?: string[];
}

/** Options passed through to one provider kind, e.g. `{ gemini: { safetySettings: [...] } }`. */
export type ProviderOptions = Partial<Record<string, Record<string, unknown>>>;

/** A request; `Model` is the router's model aliases (inferred by `createRouter`), so that `model` is checked. */
export interface ChatRequest<Model extends string = string> extends RoutingContext {
  messages: Message[];
  /** A system prompt; placed before any system messages in `messages`. */
  system?: string;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
  params?: GenerationParams;
  providerOptions?: ProviderOptions;
  /** Force one model alias; routing rules and strategy are skipped. */
  model?: Model;
  /** A hint of what the request is for (`reasoning`, `creative`, `chinese`, `fast`...): matched by routes, ranked by the capability strategy. */
  task?: string;
  signal?: AbortSignal;
  /** Deadline for the whole request, all attempts included. */
  timeoutMs?: number;
}

/** What an adapter receives: validated, zod schemas converted, routing fields removed. */
export interface ProviderRequest {
  messages: Message[];
  system?: string;
  tools?: NormalizedTool[];
  toolChoice?: ToolChoice;
  responseFormat?:
    | { type: 'text' }
    | { type: 'json' }
    | { type: 'json-schema'; schema: JSONSchema; name?: string; description?: string; strict?: boolean };
  params: GenerationParams;
  providerOptions?: ProviderOptions;
}

/** Per-call options for an adapter. */
export interface ProviderCallOptions {
  /** The vendor's model id. */
  model: string;
  signal?: AbortSignal;
  /** Extra HTTP headers for this call. */
  headers?: Record<string, string>;
}
