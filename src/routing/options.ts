import type { ModelCapabilities, ModelPricing, ModelTier } from '../core/model.js';
import type { LLMProvider } from '../core/provider.js';
import type { ChatRequest, GenerationParams, RoutingContext } from '../core/request.js';
import type { ErrorCode } from '../core/errors.js';

/** A routable target: a model alias bound to a provider instance and the vendor's model id. */
export interface ModelConfig {
  /** Name of an entry of `providers`. */
  provider: string;
  /** The vendor's model id, e.g. `gpt-4o-mini`. */
  model: string;
  /** USD per 1M tokens. Without it, cost is reported as unpriced (`cost.priced: false`). */
  pricing?: ModelPricing;
  capabilities?: Partial<ModelCapabilities>;
  contextWindow?: number;
  maxOutputTokens?: number;
  tier?: ModelTier;
  /** Defaults merged under each request's `params` for this model. */
  params?: GenerationParams;
}

/** A candidate as strategies see it. */
export interface Candidate {
  /** The model alias (key of `models`). */
  model: string;
  /** The provider instance name. */
  provider: string;
  /** The vendor's model id. */
  providerModel: string;
  config: Readonly<ModelConfig>;
}

export interface StrategyInput {
  request: Readonly<ChatRequest>;
  context: Readonly<RoutingContext>;
}

/** A custom strategy: returns the candidates in the order to try them (it may drop some). */
export type StrategyFunction = (candidates: ReadonlyArray<Candidate>, input: StrategyInput) => Candidate[];

export type StrategyName = 'fallback';
export type Strategy = StrategyName | StrategyFunction;

export interface RouteCondition {
  /** Matches when the request's agent is this one (or one of these). */
  agent?: string | string[];
  tenant?: string | string[];
  user?: string | string[];
  /** Matches when the request carries every one of these tags. */
  tags?: string[];
}

export interface RouteRule {
  /** Optional label, shown in route traces. */
  name?: string;
  /** A condition object (all given fields must match) or a predicate on the request. */
  when: RouteCondition | ((request: Readonly<ChatRequest>) => boolean);
  /** Model aliases, in order of preference. */
  use: string[];
  strategy?: Strategy;
}

export interface RetryOptions {
  /** Retries per model after the first try (0 = no retry). Default 1. */
  retries?: number;
  /** First backoff delay. Default 200 ms. */
  minDelayMs?: number;
  /** Longest backoff delay. Default 5,000 ms. */
  maxDelayMs?: number;
  /** Backoff growth factor. Default 2. */
  factor?: number;
  /** Multiply each delay by a random factor in [1, 2). Default true. */
  jitter?: boolean;
  /**
   * A vendor `retry-after` longer than this skips the retry and moves to the next candidate at once.
   * Shorter ones are waited for. Default 10,000 ms.
   */
  maxRetryAfterMs?: number;
}

export interface FallbackOptions {
  /**
   * Error codes that move to the next candidate in addition to the defaults (every error whose
   * `fallbackable` is true). E.g. `['invalid-request', 'content-filter']`.
   */
  on?: ErrorCode[];
}

export interface RouterOptions {
  providers: Record<string, LLMProvider>;
  models: Record<string, ModelConfig>;
  /** How candidates are ordered when a route gives no strategy. Default `fallback`. */
  strategy?: Strategy;
  /** First match wins; when none matches, every model in declaration order under `strategy`. */
  routes?: RouteRule[];
  retry?: RetryOptions;
  fallback?: FallbackOptions;
  /** Default request deadline in ms when a request gives no `timeoutMs`. */
  timeoutMs?: number;
}
