import type { AuditHeads } from '../../observability/audit/types.js';
import type { ErrorCode } from '../../core/errors.js';
import type { ModelCapabilities, ModelPricing, ModelTier } from '../../core/model.js';
import type { LLMProvider } from '../../core/provider.js';
import type { ChatRequest, GenerationParams, RoutingContext } from '../../core/request.js';
import type { BreakerOptions } from '../../resilience/breaker/types.js';
import type { RateLimitOptions } from '../../resilience/rate-limit.js';
import type { RetryOptions } from '../../resilience/retry.js';
export type { RetryOptions } from '../../resilience/retry.js';
import type { Classification, Complexity } from '../plan/classify/index.js';
import type { BudgetConfig } from '../../accounting/budgets/schema.js';
import type { SharedStore } from '../../state/shared.js';
import type { AuditContentPolicy } from '../../observability/audit/content.js';
import type { AuditSinkOption } from '../../observability/audit/sinks/types.js';

/** A routable target: a model alias bound to a provider instance and the vendor's model id. */
export interface ModelConfig<Provider extends string = string> {
  /** Name of an entry of `providers`. */
  provider: Provider;
  /** The vendor's model id, e.g. `gpt-4o-mini`. */
  model: string;
  /** USD per 1M tokens. Without it, cost is reported as unpriced (`cost.priced: false`). */
  pricing?: ModelPricing;
  /** What the model can do. An unset capability is not filtered on. */
  capabilities?: Partial<ModelCapabilities>;
  contextWindow?: number;
  maxOutputTokens?: number;
  tier?: ModelTier;
  /** What the model is good at, for the capability strategy's `task` ranking (e.g. `chinese`, `reasoning`, `fast`). */
  strengths?: string[];
  /** Weight for weighted load-balancing (default 1). */
  weight?: number;
  /** Defaults merged under each request's `params` for this model. */
  params?: GenerationParams;
}

/** A candidate as strategies see it. For a nested group, its first candidate stands for it. */
export interface Candidate {
  /** The model alias (key of `models`), or the group name for a nested group. */
  model: string;
  /** The provider instance name. */
  provider: string;
  /** The vendor's model id. */
  providerModel: string;
  config: Readonly<ModelConfig>;
  /** Load-balancing weight (model `weight`, or the group's in its parent). */
  weight: number;
}

/** Learned statistics a strategy may read. */
export interface StatsView {
  /** EWMA of whole-call latency in ms, or undefined before the first sample. */
  latencyMs(model: string): number | undefined;
  /** EWMA of time to first token of streams in ms. */
  ttftMs(model: string): number | undefined;
  /** Calls to this model in flight now. */
  inFlight(model: string): number;
}

export interface StrategyInput {
  request: Readonly<ChatRequest>;
  context: Readonly<RoutingContext>;
  classification: Readonly<Classification>;
  kind: 'chat' | 'stream';
  /** Estimated input tokens of the request. */
  inputTokens: number;
  stats: StatsView;
  /** Uniform in [0, 1): the router's injectable RNG. */
  random: () => number;
  /** How many requests this route (or group) has ordered before this one: for round-robin. */
  sequence: number;
}

/** A strategy: returns the candidates in the order to try them (it may drop some). */
export type StrategyFunction = (candidates: ReadonlyArray<Candidate>, input: StrategyInput) => Candidate[];

export type StrategyName = 'fallback' | 'cost' | 'capability' | 'load-balance' | 'latency';

export type StrategySpec =
  | StrategyName
  | StrategyFunction
  | { type: 'fallback' }
  | { type: 'cost'; /** Output tokens assumed when the request sets no `maxTokens` (default 500). */ expectedOutputTokens?: number }
  | { type: 'capability'; /** Task hint used when the request gives none. */ task?: string }
  | { type: 'load-balance'; mode?: 'weighted' | 'round-robin' | 'least-in-flight' }
  | {
      type: 'latency';
      /** `auto` (default) ranks streams by time to first token, others by latency. */ metric?: 'auto' | 'latency' | 'ttft';
    };

/** A named group of models or other groups, ordered by its own strategy (strategies nest). */
export interface GroupConfig<Name extends string = string> {
  /** Model aliases or group names. */
  use: Name[];
  strategy?: StrategySpec;
  /** Weight of this group when its parent load-balances. Default 1. */
  weight?: number;
}

export type LanguageCondition = 'zh' | 'zh-Hans' | 'zh-Hant' | 'ja' | 'ko' | 'en' | 'other';

export interface RouteCondition {
  /** Matches when the request's agent is this one (or one of these). */
  agent?: string | string[];
  tenant?: string | string[];
  user?: string | string[];
  /** Matches when the request carries every one of these tags. */
  tags?: string[];
  /** Detected language of the latest user turn. `zh` is any Chinese; `zh-Hans` / `zh-Hant` a script. */
  language?: LanguageCondition | LanguageCondition[];
  complexity?: Complexity | Complexity[];
  /** The request's `task` hint. */
  task?: string | string[];
}

export interface RouteRule<Name extends string = string> {
  /** Optional label, shown in route traces. */
  name?: string;
  /** A condition object (all given fields must match) or a predicate on the request. */
  when: RouteCondition | ((request: Readonly<ChatRequest>, classification: Readonly<Classification>) => boolean);
  /** Model aliases or group names, in order of preference. */
  use: Name[];
  strategy?: StrategySpec;
}

export interface FallbackOptions {
  /** Error codes that move to the next candidate in addition to every error whose `fallbackable` is true. */
  on?: ErrorCode[];
}

export interface SessionOptions {
  /** How long a pin lives after its last use. Default 30 minutes. */
  ttlMs?: number;
  /** Most sessions remembered (least recently used dropped first). Default 10,000. */
  maxSessions?: number;
}

/** What happens when a stream fails after deltas were delivered. */
export type StreamRecovery =
  | 'error'
  | { mode: 'error' }
  /** Hold output for the first `ms` or `chars` (whichever ends first) so a failure inside the window falls back invisibly. */
  | { mode: 'buffer'; ms?: number; chars?: number };

/**
 * The router's options. `createRouter` checks the names written in them at compile time (see
 * `TypedRouterOptions`); options typed as plain `RouterOptions` are checked when the router is built.
 */
export interface RouterOptions {
  providers: Record<string, LLMProvider>;
  models: Record<string, ModelConfig>;
  /** Named groups usable in `use` lists; names share one namespace with models. */
  groups?: Record<string, GroupConfig>;
  /** How candidates are ordered when a route gives no strategy. Default `fallback`. */
  strategy?: StrategySpec;
  /** First match wins; when none matches, every model in declaration order under `strategy`. */
  routes?: RouteRule[];
  retry?: RetryOptions;
  fallback?: FallbackOptions;
  /** Per model alias; `false` turns breakers off. */
  circuitBreaker?: BreakerOptions | false;
  /** Keyed by provider name or model alias. */
  rateLimits?: Record<string, RateLimitOptions>;
  /** Session pinning (on by default when a request carries `session`); `false` turns it off. */
  sessions?: SessionOptions | false;
  /** Default `error`. */
  streamRecovery?: StreamRecovery;
  /** A (cheaper) model alias tried when every candidate failed or was skipped. */
  degradeTo?: string;
  /** Default request deadline in ms when a request gives no `timeoutMs`. */
  timeoutMs?: number;
  /** RNG for weighted load-balancing and jitter (inject a seeded one in tests). Default Math.random. */
  random?: () => number;
  /** Smoothing of latency EWMAs (0..1, weight of the newest sample). Default 0.2. */
  latencyAlpha?: number;
  /** Spending limits per scope and period; checked (and reserved) before any provider call. */
  budgets?: BudgetConfig[];
  /** Stop a stream with BudgetExceededError when its running cost would cross a blocking budget. */
  stopStreamOnBudget?: boolean;
  /**
   * The lease of a budget hold, in ms (1,000 to 86,400,000; default 60,000): how long a hold keeps
   * counting after its process stopped renewing it. While a request runs, the router's one renewal
   * loop renews its holds (it ticks every quarter of the lease and renews those with half or less
   * left), so a request keeps its hold however long it runs; a process killed with `kill -9` leaves
   * holds that stop counting at most one lease after the kill. Shorter frees a dead process's budget sooner.
   */
  budgetHoldLeaseMs?: number;
  /**
   * On a shared store (SQLite, Redis): how often, in ms, this router sends the latency and error
   * counts of its calls to the store and reads the fleet's back (100 to 60,000; default 2,000). One
   * loop per router, never on the request path. Ignored with the memory store.
   */
  statsSyncMs?: number;
  /**
   * Put content on the events: the request's `system` and `messages` on `request`, the answer's
   * `text` and `toolCalls` on `response`, for instrumentation that records content (OpenTelemetry
   * with `content: true`). Default false: no event carries a prompt or a completion.
   */
  eventContent?: boolean;
  /** Usage ledger retention (aggregates are never dropped). */
  ledger?: { maxRecords?: number; maxAgeMs?: number };
  /**
   * Where everything the router remembers lives: ledger, budget spend and holds. One store per router
   * (re-creating a router or changing its tenants on the same store keeps every counter and record).
   * Default: `memoryStore()`, created once per router; `sqliteStore()` (switchyard/sqlite) or
   * `redisStore()` (switchyard/redis) to share it and keep it across restarts.
   */
  store?: SharedStore;
  /** Per-tenant providers (own keys), models, routes, strategy, budgets and allow/deny lists, merged over these defaults. */
  tenants?: Record<string, TenantConfig>;
  /**
   * With a shared store (SQLite, Redis): builds, in this process, the own providers (BYOK keys) of a
   * tenant that `router.tenants.set()` added in any process. The store keeps a tenant's data and its
   * providers' names only, never a key or a client; give every process the same function (reading
   * the keys from your secret manager; an `apiKey` resolver may be async). Without it, a runtime
   * tenant with its own providers cannot be set on a shared store (ConfigError) nor served by a
   * process that did not set it (its requests get a ConfigError).
   */
  tenantProviders?: TenantProvidersOption;
  /** A hash-chained audit log of every request and control action. */
  audit?: AuditOptions;
}

export interface AuditOptions {
  /** A function, a sink object (e.g. `jsonlFileSink(path)`), or several. */
  sink: AuditSinkOption | AuditSinkOption[];
  /** Prompt and completion text: `exclude` (default), `include`, `hash`, or a redaction function. */
  content?: AuditContentPolicy;
  /** Chain with HMAC-SHA-256 under this key. */
  hmacKey?: Uint8Array | string;
  /** Continue the chains of an existing log after a restart: `auditHeads(await readAuditFile(path))`. */
  resume?: AuditHeads;
  /**
   * Longest `router.close()` waits for the sinks to finish writing (default 10,000 ms). A sink still
   * busy then is reported by an `audit-error` event (kind `close-timeout`) and `close()` resolves.
   */
  closeTimeoutMs?: number;
}

/** `{}` when every name in `Used` is one of `Known` (or `Used` is plain `string`); else an object that lacks the unknown names. */
type Covers<Used extends string, Known extends string> = string extends Used
  ? unknown
  : [Exclude<Used, Known>] extends [never]
    ? unknown
    : Record<Exclude<Used, Known>, unknown>;

/**
 * `RouterOptions` with the names written in it inferred (providers `P`, models `M`, groups `G`,
 * and the names used by `models[].provider` (`MP`), `use` lists and `degradeTo` (`U`), and by
 * tenants' models (`TM`)), so that a misspelt name is a compile error: the `providers` or `models`
 * object is then reported as lacking it. What `createRouter` takes; names typed as plain `string`
 * (options built at runtime) are checked when the router is built.
 */
export type TypedRouterOptions<
  P extends string,
  M extends string,
  G extends string,
  MP extends string,
  U extends string,
  TM extends string,
> = Omit<RouterOptions, 'providers' | 'models' | 'groups' | 'routes' | 'degradeTo' | 'tenants'> & {
  providers: { [K in P]?: LLMProvider } & Covers<MP, P>;
  models: { [K in M]?: ModelConfig<MP> } & Covers<Exclude<U, G>, M>;
  groups?: { [K in G]?: GroupConfig<U> };
  routes?: Array<RouteRule<U>>;
  degradeTo?: U;
  tenants?: Record<string, TenantConfig<TM>>;
};

/** What a tenant may bring or change; merged over the router's defaults (see docs/tenants.md). */
export interface TenantConfig<Model extends string = string> {
  /** The tenant's own provider instances (its own keys). Same name as a default: replaces it for this tenant only. */
  providers?: Record<string, LLMProvider>;
  /** Added models; same alias as a default: replaces it for this tenant. */
  models?: Record<Model, ModelConfig>;
  /** Tried before the default routes. */
  routes?: RouteRule[];
  /** Replaces the default strategy. */
  strategy?: StrategySpec;
  /** The tenant's budgets (their scope is always this tenant). */
  budgets?: BudgetConfig[];
  /** Only these model aliases may serve this tenant. */
  allowModels?: string[];
  /** These model aliases never serve this tenant. */
  denyModels?: string[];
}

/**
 * Builds, in each process, the provider instances (with the tenant's own keys) of a tenant that was
 * set at runtime in another process: the store holds only their names. Called once per change of
 * that tenant; it must return every name asked for.
 */
export type TenantProvidersOption = (tenant: string, names: string[]) => Record<string, LLMProvider>;
