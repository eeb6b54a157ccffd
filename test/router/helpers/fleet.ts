import type { LLMProvider, RouterOptions, SharedStore } from '../../../src/index.js';

export type FleetStoreConfig = { kind: 'redis'; url: string; prefix: string } | { kind: 'sqlite'; path: string };
export interface FleetConfig {
  store: FleetStoreConfig;
  name: string;
  requests: number;
}

/** $0.1 a day for acme; a request (~1,000 prompt tokens, 100 output at $1/$1 per M) costs about $0.0011. */
export const FLEET_LIMIT_MICROS = 100_000;

export function fleetOptions(provider: LLMProvider, store: SharedStore): RouterOptions {
  return {
    providers: { m: provider },
    models: { gpt: { provider: 'm', model: 'x', pricing: { input: 1, output: 1 }, maxOutputTokens: 100 } },
    budgets: [{ id: 'fleet', scope: { tenant: 'acme' }, period: 'day', limitUsd: FLEET_LIMIT_MICROS / 1_000_000, onExceed: 'block' }],
    store,
  };
}
