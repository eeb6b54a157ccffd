import type { BreakerStateName } from '../../resilience/breaker/types.js';
import type { Controls } from './controls.js';
import type { TargetGuards } from '../dispatch/guards.js';
import type { RouterOptions } from '../config/options.js';

export interface ModelHealth {
  provider: string;
  /** Breaker state (`closed` when breakers are off). */
  state: BreakerStateName;
  disabled: boolean;
  /** EWMA of successful call latency, ms. */
  latencyMs?: number;
  /** EWMA of stream time to first token, ms. */
  ttftMs?: number;
  /** Share of the last 100 calls that failed. */
  errorRate: number;
  requests: number;
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
