import { type ErrorCode, InvalidRequestError } from '../core/errors.js';
import type { ChatRequest } from '../core/request.js';
import type { ChatResponse, SkippedCandidateInfo } from '../core/response.js';
import { validateRequest } from '../core/request-schema.js';
import { EventBus, type Listener, type RouterEventName, type RouterEvents, type Unsubscribe } from '../observability/events.js';
import { RateLimits } from '../resilience/rate-limit.js';
import { resolveRetry } from '../resilience/retry.js';
import { runChat } from './chat.js';
import { classify, type Classification } from './classify/index.js';
import { compileRouting } from './compile.js';
import { assertValidConfig } from './config-schema.js';
import { Controls } from './controls.js';
import { planFor, type RouterCore } from './core.js';
import { TargetGuards } from './guard.js';
import { healthOf, type RouterHealth } from './health.js';
import type { RouterOptions } from './options.js';
import { SessionPins } from './sessions.js';
import { RouterStats } from './stats.js';
import { runStream, type ChatStream } from './stream.js';
import { RouterAccounting } from './accounting.js';
import type { CostsApi } from '../accounting/reports/costs-api.js';

/** The routing decision for a request, as a value: nothing is called to compute it. */
export interface RouteDecision {
  /** Model aliases in the order they would be tried. */
  candidates: string[];
  strategy: string;
  routeIndex?: number;
  routeName?: string;
  /** Candidates passed over, with why. */
  skipped: SkippedCandidateInfo[];
  /** The session's pinned model, when it leads the list. */
  pinned?: string;
  /** The `degradeTo` model, when it was added as the last resort. */
  degradeTo?: string;
  classification: Classification;
}

/** Who did it, for the `control` event (and the audit log). */
export interface ControlOptions {
  actor?: string;
}

export interface Router {
  /** Usage and cost reports: `summary`, `records`, `export`, `compare`, `forecast`. */
  readonly costs: CostsApi;
  /** One completion, routed, retried and fallen back as configured. */
  chat(request: ChatRequest): Promise<ChatResponse>;
  /** A streamed completion: `for await (const ev of router.stream(req))`. A bad request throws here, at once. */
  stream(request: ChatRequest): ChatStream;
  /** The routing decision for a request, without calling any provider. */
  explain(request: ChatRequest, kind?: 'chat' | 'stream'): RouteDecision;
  /** Language (Chinese Simplified/Traditional...) and complexity of a request. */
  classify(request: Pick<ChatRequest, 'messages' | 'tools' | 'system'>): Classification;
  /** Per model and per provider: breaker state, latency, error rate, in-flight calls, controls. */
  health(): RouterHealth;
  /** Takes a model alias or a provider name out of rotation at once. */
  disable(target: string, options?: ControlOptions): void;
  enable(target: string, options?: ControlOptions): void;
  /** Sends every request (of `tenant`, or of everyone) to one model until `unforce`. */
  force(model: string, options?: ControlOptions & { tenant?: string }): void;
  unforce(options?: ControlOptions & { tenant?: string }): void;
  /** Closes a model's circuit breaker by hand. */
  resetBreaker(model: string, options?: ControlOptions): void;
  /** Subscribes to a typed event; returns the function that unsubscribes. */
  on<K extends RouterEventName>(name: K, listener: Listener<K>): Unsubscribe;
  /** Stops rate-limiter timers and removes listeners. Requests in flight finish. */
  close(): Promise<void>;
}

function knownTarget(options: RouterOptions, target: string, what: string): void {
  if (!(target in options.models) && !(target in options.providers)) {
    throw new InvalidRequestError({ path: 'target', message: `${what}: unknown model or provider "${target}"` });
  }
}

/**
 * Builds a router. The whole options object is validated first: every problem is reported at
 * once in a ConfigError with its path, never later at request time.
 */
export function createRouter(options: RouterOptions): Router {
  assertValidConfig(options);
  const now = () => Date.now();
  const events = new EventBus();
  const stats = new RouterStats(options.latencyAlpha ?? 0.2);
  const cooldowns = new Map<string, number>();
  const guards = new TargetGuards(options.circuitBreaker ?? {}, new RateLimits(options.rateLimits), stats, cooldowns, events, now);
  const controls = new Controls();
  const compiled = compileRouting(options);
  const recovery = options.streamRecovery ?? 'error';
  const accounting = new RouterAccounting(options, options.store, events, compiled.candidates);
  const core: RouterCore = {
    options,
    providers: { ...options.providers },
    events,
    retry: resolveRetry(options.retry),
    fallbackOn: new Set<ErrorCode>(options.fallback?.on ?? []),
    guards,
    streamRecovery: recovery === 'error' ? { mode: 'error' } : recovery,
    accounting,
    plan: {
      compiled,
      controls,
      breakerOf: (model) => {
        const c = compiled.candidates.get(model);
        return c ? guards.breakerOf(c) : undefined;
      },
      cooldowns,
      stats,
      sessions: options.sessions === false ? undefined : new SessionPins(options.sessions?.ttlMs, options.sessions?.maxSessions, now),
      sequences: new Map(),
      random: options.random ?? Math.random,
      now,
      degradeTo: options.degradeTo,
    },
  };
  const control = (payload: Omit<RouterEvents['control'], 'at'>) => events.emit('control', { ...payload, at: now() });
  return {
    costs: accounting.costs,
    chat: (request) => runChat(core, request),
    stream: (request) => runStream(core, request),
    explain(request, kind = 'chat') {
      const { plan } = planFor(core, validateRequest(request), kind);
      const { language, complexity } = plan.classification;
      const out: RouteDecision = { candidates: plan.candidates.map((c) => c.model), strategy: plan.strategy, skipped: plan.skipped, classification: { language, complexity } };
      if (plan.routeIndex !== undefined) out.routeIndex = plan.routeIndex;
      if (plan.routeName !== undefined) out.routeName = plan.routeName;
      if (plan.pinned !== undefined) out.pinned = plan.pinned;
      if (plan.degradeTo !== undefined) out.degradeTo = plan.degradeTo;
      return out;
    },
    classify: (request) => classify(request),
    health: () => healthOf(options, guards, controls),
    disable(target, o = {}) {
      knownTarget(options, target, 'disable');
      controls.disable(target);
      control({ action: 'disable', target, ...(o.actor !== undefined && { actor: o.actor }) });
    },
    enable(target, o = {}) {
      knownTarget(options, target, 'enable');
      controls.enable(target);
      control({ action: 'enable', target, ...(o.actor !== undefined && { actor: o.actor }) });
    },
    force(model, o = {}) {
      if (!(model in options.models)) throw new InvalidRequestError({ path: 'model', message: `force: unknown model "${model}"` });
      controls.force(model, o.tenant);
      control({ action: 'force', target: model, ...(o.tenant !== undefined && { tenant: o.tenant }), ...(o.actor !== undefined && { actor: o.actor }) });
    },
    unforce(o = {}) {
      controls.unforce(o.tenant);
      control({ action: 'unforce', target: o.tenant ?? '*', ...(o.tenant !== undefined && { tenant: o.tenant }), ...(o.actor !== undefined && { actor: o.actor }) });
    },
    resetBreaker(model, o = {}) {
      const c = compiled.candidates.get(model);
      if (!c) throw new InvalidRequestError({ path: 'model', message: `resetBreaker: unknown model "${model}"` });
      guards.breakerOf(c)?.reset();
      control({ action: 'reset-breaker', target: model, ...(o.actor !== undefined && { actor: o.actor }) });
    },
    on: (name, listener) => events.on(name, listener),
    async close() {
      await guards.limits.close();
      events.clear();
    },
  };
}
