import type { BreakerStateName } from '../../resilience/breaker/types.js';
import type { Controls } from './controls.js';
import type { TargetGuards } from '../dispatch/guards.js';
import type { RouterOptions } from '../config/options.js';
import type { FleetModelStats } from './shared-stats.js';

export interface ModelHealth {
  provider: string;
  /** Breaker state (`closed` when breakers are off). */
  state: BreakerStateName;
  disabled: boolean;
  /**
   * EWMA of successful call latency, ms: what the `latency` strategy reads. On a shared store
   * (SQLite, Redis), this process's EWMA while it has a fresh sample, else the fleet's mean (`fleet.latencyMs`).
   */
  latencyMs?: number;
  /** EWMA of stream time to first token, ms (on a shared store chosen like `latencyMs`). */
  ttftMs?: number;
  /** Share of the last 100 calls that failed; on a shared store, the fleet's share over its window (`fleet.errorRate`) once it has calls. */
  errorRate: number;
  /** Calls this process ended for this model (in this scope) since the router was created. */
  requests: number;
  /** On a shared store: what every process on it measured for this model over the last 5 minutes (absent until someone has). */
  fleet?: FleetModelStats;
  inFlight: number;
  /** Until when a vendor 429 cools this model (epoch ms), when it does. */
  coolingUntil?: number;
  lastError?: string;
}

export interface ProviderHealth {
  /** `open` when every model of the provider is open, `degraded` when some are not closed, else `closed`. */
  state: 'closed' | 'degraded' | 'open';
  disabled: boolean;
  models: string[];
}

export interface RouterHealth {
  models: Record<string, ModelHealth>;
  providers: Record<string, ProviderHealth>;
}

export function healthOf(options: RouterOptions, guards: TargetGuards, controls: Controls): RouterHealth {
  const models: Record<string, ModelHealth> = {};
  const now = Date.now();
  for (const [alias, m] of Object.entries(options.models)) {
    const snap = guards.stats.snapshot(alias);
    const h: ModelHealth = {
      provider: m.provider,
      state: guards.breakerState({ model: alias, provider: m.provider, providerModel: m.model }),
      disabled: controls.isDisabled(alias, m.provider),
      errorRate: snap.errorRate,
      requests: snap.requests,
      inFlight: snap.inFlight,
    };
    if (snap.latencyMs !== undefined) h.latencyMs = snap.latencyMs;
    if (snap.ttftMs !== undefined) h.ttftMs = snap.ttftMs;
    if (snap.lastError !== undefined) h.lastError = snap.lastError;
    if (snap.fleet !== undefined) h.fleet = snap.fleet;
    const until = guards.cooldowns.get(alias);
    if (until !== undefined && until > now) h.coolingUntil = until;
    models[alias] = h;
  }
  const providers: Record<string, ProviderHealth> = {};
  for (const name of Object.keys(options.providers)) {
    const own = Object.entries(models).filter(([, h]) => h.provider === name);
    const open = own.filter(([, h]) => h.state === 'open').length;
    const notClosed = own.filter(([, h]) => h.state !== 'closed').length;
    providers[name] = {
      state: own.length > 0 && open === own.length ? 'open' : notClosed > 0 ? 'degraded' : 'closed',
      disabled: controls.isDisabled('', name),
      models: own.map(([alias]) => alias),
    };
  }
  return { models, providers };
}
