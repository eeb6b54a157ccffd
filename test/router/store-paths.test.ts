import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/state/index.js';
import { BudgetExceededError, createRouter, type BudgetAlert, type SharedStore } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';

/**
 * A store answering every call a turn of the event loop later, like a remote store: concurrent
 * requests interleave between a budget read and its reservation.
 */
function remoteLike(inner: MemoryStore): SharedStore {
  const later = <T>(f: () => Promise<T>): Promise<T> => new Promise((resolve, reject) => setImmediate(() => f().then(resolve, reject)));
  return new Proxy(inner, {
    get(target, name) {
      const value: unknown = Reflect.get(target, name, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => later(() => Promise.resolve((value as (...a: unknown[]) => unknown).apply(target, args)));
    },
  }) as SharedStore;
}

const STORES: Array<[string, () => SharedStore]> = [
  ['in-process store', () => new MemoryStore()],
  ['remote-like store', () => remoteLike(new MemoryStore())],
];

// A ~10,000-token prompt and 1,000 output tokens at $2.5/$10 per M: $0.035 a request.
const prompt = (tenant: string) => ({
  messages: [{ role: 'user' as const, content: 'x'.repeat(40_000) }],
  tenant,
  params: { maxTokens: 1_000 },
});

function budgetRouter(store: SharedStore) {
  const router = createRouter({
    providers: { m: mockProvider({ latencyMs: { min: 0, max: 2 }, reply: { text: '好的', usage: { outputTokens: 1_000 } } }) },
    models: { gpt: { provider: 'm', model: 'x', pricing: { input: 2.5, output: 10 }, maxOutputTokens: 1_000 } },
    budgets: [{ id: 'daily', scope: { tenant: '*' }, period: 'day', limitUsd: 1, onExceed: 'block', alertAt: [0.5, 0.9, 1] }],
    store,
  });
  const alerts: BudgetAlert[] = [];
  router.on('budget-alert', (a) => alerts.push(a));
  return { router, alerts };
}

describe('ledger and budgets on an in-process store and on a remote-like one', () => {
  for (const [name, make] of STORES) {
    it(`${name}: 150 concurrent requests per tenant never overspend a $1 block budget; each alert fires once; the ledger has every request`, async () => {
      const { router, alerts } = budgetRouter(make());
      const tenants = ['acme', '初创公司'];
      const outcomes = await Promise.allSettled(tenants.flatMap((t) => Array.from({ length: 150 }, () => router.chat(prompt(t)))));
      const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(rejected.every((o) => BudgetExceededError.isInstance(o.reason))).toBe(true);
      for (const t of tenants) {
        const rows = (await router.costs.summary({ tenant: t })).rows;
        const spent = rows.reduce((s, r) => s + r.costMicros, 0);
        expect(spent).toBeLessThanOrEqual(1_000_000);
        const served = outcomes.flatMap((o) => (o.status === 'fulfilled' && o.value.route.context.tenant === t ? [o.value] : []));
        expect(served.length).toBeGreaterThan(0);
        expect(spent).toBe(served.reduce((s, r) => s + r.cost.totalMicros, 0));
        expect(rows.reduce((s, r) => s + r.requests, 0)).toBe(150);
        const mine = alerts.filter((a) => a.instance === `tenant=${t}`);
        expect(mine.map((a) => a.threshold).sort()).toEqual([0.5, 0.9, 1]);
      }
      const records = await router.costs.records({});
      expect(records).toHaveLength(300);
      expect(records.filter((r) => r.outcome === 'ok')).toHaveLength(outcomes.length - rejected.length);
    });
  }

  it('one sequence of requests gives the same records, summaries and alerts on both stores', async () => {
    const runs = [];
    for (const [, make] of STORES) {
      const { router, alerts } = budgetRouter(make());
      const seen: string[] = [];
      for (let i = 0; i < 90; i++) {
        const r = await router.chat(prompt(i % 3 === 0 ? '初创公司' : 'acme')).then(
          (res) => `ok ${res.cost.totalMicros}`,
          (e: unknown) => (BudgetExceededError.isInstance(e) ? 'blocked' : 'other'),
        );
        seen.push(r);
      }
      const records = (await router.costs.records({})).map(({ id: _id, requestId: _r, timestamp: _t, latencyMs: _l, ...rest }) => rest);
      runs.push({
        seen,
        records,
        summary: (await router.costs.summary({ by: ['tenant', 'model'] })).rows.map(({ avgLatencyMs: _l, ...row }) => row),
        alerts: alerts.map((a) => [a.instance, a.threshold, a.reason, a.spentMicros]),
      });
    }
    expect(runs[0]!.seen.filter((s) => s === 'blocked').length).toBeGreaterThan(0);
    expect(runs[1]).toEqual(runs[0]);
  });
});
