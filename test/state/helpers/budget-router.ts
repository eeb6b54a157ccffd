import { createRouter, type SharedStore } from '../../../src/index.js';
import { mockProvider } from '../../../src/testing.js';

/**
 * The router of the budget kill test, the same in the process that is killed and in the one that
 * looks afterwards: one $1 daily block budget for acme, a fast model and a slow one (a vendor call
 * that takes `slowMs`). At $1 / $100 per 1M tokens, `maxTokens: 2_000` holds a little over $0.2, so
 * four slow requests in flight hold ~$0.8 and leave no room for a fifth.
 */
export const KILL_LIMIT_MICROS = 1_000_000;
export const BIG = { maxTokens: 2_000 };

export function budgetRouter(store: SharedStore, leaseMs: number, slowMs = 600_000) {
  const reply = { text: 'ok', usage: { inputTokens: 10, outputTokens: 10 } };
  return createRouter({
    providers: { fast: mockProvider({ reply }), slow: mockProvider({ reply, latencyMs: slowMs }) },
    models: {
      quick: { provider: 'fast', model: 'q', pricing: { input: 1, output: 100 } },
      lengthy: { provider: 'slow', model: 's', pricing: { input: 1, output: 100 } },
    },
    budgets: [{ id: 'acme-daily', scope: { tenant: 'acme' }, period: 'day', limitUsd: KILL_LIMIT_MICROS / 1_000_000, onExceed: 'block' }],
    store,
    budgetHoldLeaseMs: leaseMs,
    timeoutMs: 3_600_000,
    retry: { retries: 0 },
  });
}

export const ask = (model: 'quick' | 'lengthy', maxTokens: number, i = 0) => ({
  model,
  tenant: 'acme',
  messages: [{ role: 'user' as const, content: `request ${i}` }],
  params: { maxTokens },
});
