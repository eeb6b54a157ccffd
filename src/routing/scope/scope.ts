import type { ErrorCode } from '../../core/errors.js';
import type { LLMProvider } from '../../core/provider.js';
import type { EventBus } from '../../observability/events.js';
import type { LimitsView } from '../../resilience/rate-limit.js';
import { resolveRetry, type RetryPolicy } from '../../resilience/retry.js';
import type { RequestAccounting } from '../../accounting/request-accounting.js';
import type { RouterOptions, StreamRecovery } from '../config/options.js';
import { compileRouting, type CompiledRouting } from '../plan/compile.js';
import { TargetGuards } from '../dispatch/guards.js';
import type { BreakerPool } from '../../resilience/breaker/pool.js';
import type { Controls } from './controls.js';
import { SessionPins, type SharedPins } from './sessions.js';
import { RouterStats } from './stats.js';
import type { SharedStats } from './shared-stats.js';

/** What every scope (the default one and each tenant's) shares. */
export interface SharedParts {
  events: EventBus;
  /** Breakers per model target, shared by every scope (undefined: `circuitBreaker: false`). */
  breakers: BreakerPool | undefined;
  controls: Controls;
  accounting: RequestAccounting;
  /** Session pins in the router's store when it is a shared one (SQLite, Redis); undefined for the memory store. */
  pins: SharedPins | undefined;
  /** Latency / error statistics counted in the router's store when it is a shared one; undefined for the memory store. */
  stats?: SharedStats | undefined;
  now: () => number;
}

/**
 * One routing scope: compiled routes and models plus its own state between requests (breakers,
 * learned stats, cooldowns, session pins, round-robin counters). The default scope and each
 * tenant get one, so no tenant's state leaks into another's. Every stage reads it.
 */
export interface RouterScope {
  options: RouterOptions;
  providers: Readonly<Record<string, LLMProvider>>;
  routing: CompiledRouting;
  events: EventBus;
  controls: Controls;
  accounting: RequestAccounting;
  guards: TargetGuards;
  sessions: SessionPins | undefined;
  /** Per group: how many requests it has ordered (round-robin). */
  sequences: Map<string, number>;
  retry: RetryPolicy;
  fallbackOn: ReadonlySet<ErrorCode>;
  streamRecovery: Exclude<StreamRecovery, 'error'>;
  degradeTo: string | undefined;
  /** A tenant's allow/deny lists; undefined: every model may serve. */
  allowed: ((alias: string) => boolean) | undefined;
  random: () => number;
  now: () => number;
}

export function buildScope(
  options: RouterOptions,
  shared: SharedParts,
  limits: LimitsView,
  allowed?: (alias: string) => boolean,
  /** The tenant this scope serves (undefined: the router's default scope); names its shared statistics. */
  tenant?: string,
): RouterScope {
  const random = options.random ?? Math.random;
  const recovery = options.streamRecovery ?? 'error';
  const providers = { ...options.providers };
  return {
    options,
    providers,
    routing: compileRouting(options),
    events: shared.events,
    controls: shared.controls,
    accounting: shared.accounting,
    guards: new TargetGuards(
      shared.breakers,
      providers,
      limits,
      new RouterStats(options.latencyAlpha ?? 0.2, shared.stats?.link(tenant), shared.now),
      shared.events,
      shared.now,
    ),
    sessions:
      options.sessions === false
        ? undefined
        : new SessionPins(options.sessions?.ttlMs, options.sessions?.maxSessions, shared.now, shared.pins),
    sequences: new Map(),
    retry: resolveRetry(options.retry, random),
    fallbackOn: new Set<ErrorCode>(options.fallback?.on ?? []),
    streamRecovery: recovery === 'error' ? { mode: 'error' } : recovery,
    degradeTo: options.degradeTo,
    allowed,
    random,
    now: shared.now,
  };
}
