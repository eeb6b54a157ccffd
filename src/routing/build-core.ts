import type { ErrorCode } from '../core/errors.js';
import type { EventBus } from '../observability/events.js';
import type { LimitsView } from '../resilience/rate-limit.js';
import { resolveRetry } from '../resilience/retry.js';
import type { RouterAccounting } from './accounting.js';
import { compileRouting } from './compile.js';
import type { Controls } from './controls.js';
import type { RouterCore } from './core.js';
import { TargetGuards } from './guard.js';
import type { RouterOptions } from './options.js';
import { SessionPins } from './sessions.js';
import { RouterStats } from './stats.js';

/** What every scope (the default one and each tenant's) shares. */
export interface SharedParts {
  events: EventBus;
  controls: Controls;
  accounting: RouterAccounting;
  now: () => number;
}

/**
 * One routing scope: compiled routes and models plus its own per-request state (breakers,
 * learned stats, cooldowns, session pins, round-robin counters). The default scope and each
 * tenant get one, so no tenant's state leaks into another's.
 */
export function buildCore(options: RouterOptions, shared: SharedParts, limits: LimitsView, allowed?: (alias: string) => boolean): RouterCore {
  const stats = new RouterStats(options.latencyAlpha ?? 0.2);
  const cooldowns = new Map<string, number>();
  const guards = new TargetGuards(options.circuitBreaker ?? {}, limits, stats, cooldowns, shared.events, shared.now);
  const compiled = compileRouting(options);
  const recovery = options.streamRecovery ?? 'error';
  return {
    options,
    providers: { ...options.providers },
    events: shared.events,
    retry: resolveRetry(options.retry),
    fallbackOn: new Set<ErrorCode>(options.fallback?.on ?? []),
    guards,
    streamRecovery: recovery === 'error' ? { mode: 'error' } : recovery,
    accounting: shared.accounting,
    plan: {
      compiled,
      controls: shared.controls,
      breakerAllows: (c) => guards.breakerAllows(c),
      breakersAllClosed: () => guards.breakersAllClosed(),
      cooldowns,
      stats,
      sessions: options.sessions === false ? undefined : new SessionPins(options.sessions?.ttlMs, options.sessions?.maxSessions, shared.now),
      sequences: new Map(),
      random: options.random ?? Math.random,
      now: shared.now,
      degradeTo: options.degradeTo,
      ...(allowed && { allowed }),
    },
  };
}
