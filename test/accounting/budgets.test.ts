import { describe, expect, it } from 'vitest';
import { createBudgetEngine } from '../../src/accounting/budgets/engine.js';
import { budgetsSchema, parseBudgets } from '../../src/accounting/budgets/schema.js';
import type { BudgetAlert, BudgetCandidate } from '../../src/accounting/budgets/types.js';
import { ConfigError } from '../../src/core/errors.js';
import { memoryStore } from '../../src/state/index.js';

const premium: BudgetCandidate = {
  model: 'opus',
  provider: 'claude',
  providerModel: 'claude-opus-4-1',
  pricing: { input: 15, output: 75 },
  maxOutputTokens: 32_000,
};
const cheap: BudgetCandidate = {
  model: 'mini',
  provider: 'gpt',
  providerModel: 'gpt-4o-mini',
  pricing: { input: 0.15, output: 0.6 },
  maxOutputTokens: 16_384,
};
const local: BudgetCandidate = { model: 'llama', provider: 'local', pricing: { input: 0, output: 0 } };
const unpriced: BudgetCandidate = { model: 'mystery', provider: 'compat' };
const estimate = { inputTokens: 1_000, maxTokens: 1_000 };

function issuesOf(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (e) {
    expect(ConfigError.isInstance(e)).toBe(true);
    return [...(e as ConfigError).issues];
  }
  throw new Error('expected a ConfigError');
}

describe('budget config', () => {
  it('rejects a negative limit, a missing limit, an unknown period, a bad time zone, each with its path', () => {
    const issues = issuesOf(() =>
      parseBudgets([
        { scope: { tenant: 'a' }, period: 'day', limitUsd: -1, onExceed: 'block' },
        { scope: { tenant: 'b' }, period: 'day', onExceed: 'block' },
        { scope: { tenant: 'c' }, period: 'week', limitUsd: 1, onExceed: 'block' },
        { scope: { tenant: 'd' }, period: 'day', limitUsd: 1, onExceed: 'block', timeZone: 'Mars/Olympus' },
        { scope: { tenant: 'e' }, period: 'day', limitUsd: 1, onExceed: 'explode' },
        { scope: { tenant: 'f' }, period: 'day', limitUsd: 1, onExceed: 'block', degradeTo: 'mini' },
        { scope: { tenant: 'g', colour: 'red' }, period: 'day', limitUsd: 1, onExceed: 'block' },
      ]),
    );
    expect(issues.map((i) => i.path)).toEqual([
      'budgets[0].limitUsd',
      'budgets[1].limitUsd',
      'budgets[2].period',
      'budgets[3].timeZone',
      'budgets[4].onExceed',
      'budgets[5].degradeTo',
      'budgets[6].scope.colour',
    ]);
    expect(issues[0]!.message).toMatch(/negative/);
    expect(issues[1]!.message).toMatch(/required/);
    expect(issues[2]!.message).toMatch(/week/);
  });

  it('rejects duplicate ids and fills defaults', () => {
    expect(
      issuesOf(() =>
        parseBudgets([
          { period: 'day', limitUsd: 1, onExceed: 'alert' },
          { period: 'day', limitUsd: 2, onExceed: 'block' },
        ]),
      )[0]!.path,
    ).toBe('budgets[1].id');
    const [b] = parseBudgets([{ scope: { tenant: 'acme' }, period: 'day', limitUsd: 10, onExceed: 'downgrade' }]);
    expect(b).toEqual({
      id: 'day:tenant=acme',
      scope: { tenant: 'acme' },
      period: 'day',
      timeZone: 'UTC',
      limitUsd: 10,
      limitMicros: 10_000_000,
      alertAt: [0.9, 1],
      onExceed: 'downgrade',
    });
    expect(budgetsSchema.safeParse([{ period: 'total', limitUsd: 0.5, onExceed: 'alert', alertAt: [0.5] }]).success).toBe(true);
  });

  it('the engine validates at construction', () => {
    expect(() => createBudgetEngine({ budgets: [{ period: 'day', limitUsd: -3, onExceed: 'block' }] })).toThrow(/budgets\[0\]\.limitUsd/);
  });
});

describe('budget decisions', () => {
  it('downgrade: an expensive candidate that no longer fits gives way to degradeTo', async () => {
    const engine = createBudgetEngine({
      budgets: [{ scope: { tenant: 'acme' }, period: 'day', limitUsd: 0.1, onExceed: 'downgrade', degradeTo: 'llama' }],
    });
    // opus worst case: 1,200 x 15 + 1,000 x 75 = 93,000 micros: fits once in $0.10.
    const first = await engine.admit({
      context: { tenant: 'acme' },
      candidates: [premium, cheap],
      estimate,
      resolveCandidate: (a) => (a === 'llama' ? local : undefined),
    });
    expect(first.allowed).toEqual(['opus', 'mini']);
    await engine.settle(first.reservation, [{ model: 'opus', provider: 'claude', costMicros: 90_000 }]);
    const second = await engine.admit({
      context: { tenant: 'acme' },
      candidates: [premium, cheap],
      estimate,
      resolveCandidate: (a) => (a === 'llama' ? local : undefined),
    });
    expect(second.decisions.map((d) => [d.model, d.decision])).toEqual([
      ['opus', 'downgrade'],
      ['llama', 'allow'],
      ['mini', 'allow'],
    ]);
    expect(second.allowed).toEqual(['llama', 'mini']);
    expect(second.decisions[1]).toMatchObject({ replaces: 'opus' });
    // Another tenant is not affected.
    expect((await engine.admit({ context: { tenant: 'other' }, candidates: [premium], estimate })).allowed).toEqual(['opus']);
  });

  it('block: nothing fits -> blockedBy names the budget; unpriced models are refused under block, allowed under alert', async () => {
    const engine = createBudgetEngine({ budgets: [{ id: 'tiny', period: 'day', limitUsd: 0.001, onExceed: 'block' }] });
    const adm = await engine.admit({ context: {}, candidates: [premium, unpriced], estimate });
    expect(adm.allowed).toEqual([]);
    expect(adm.blockedBy).toMatchObject({ budgetId: 'tiny', onExceed: 'block' });
    expect(adm.decisions[1]).toMatchObject({ model: 'mystery', decision: 'block', reason: 'unpriced' });
    expect((await engine.admit({ context: {}, candidates: [local], estimate })).allowed).toEqual(['llama']);
    const alertOnly = createBudgetEngine({ budgets: [{ period: 'day', limitUsd: 0.001, onExceed: 'alert' }] });
    expect((await alertOnly.admit({ context: {}, candidates: [premium, unpriced], estimate })).allowed).toEqual(['opus', 'mystery']);
  });

  it('a counter shared by several allowed candidates holds the largest of their worst cases, once', async () => {
    const engine = createBudgetEngine({
      now: () => Date.UTC(2025, 9, 15),
      budgets: [
        { id: 'all', period: 'month', limitUsd: 5, onExceed: 'block' },
        { id: 'per-model', scope: { model: '*' }, period: 'month', limitUsd: 5, onExceed: 'block' },
      ],
    });
    // Worst cases: mini 1,200 x 0.15 + 1,000 x 0.6 = 780; opus 93,000; llama 0.
    const adm = await engine.admit({ context: {}, candidates: [cheap, premium, local], estimate });
    expect(adm.reservation.holds.map((h) => [h.budgetId, h.key.split(':').pop(), h.amountMicros])).toEqual([
      ['all', '2025-10', 93_000],
      ['per-model', 'model=mini', 780],
      ['per-model', 'model=opus', 93_000],
      ['per-model', 'model=llama', 0],
    ]);
  });

  it('provider-scoped budgets count only their provider; charges go to the model that billed', async () => {
    const engine = createBudgetEngine({
      budgets: [
        { id: 'claude', scope: { provider: 'claude' }, period: 'month', limitUsd: 1, onExceed: 'block' },
        { id: 'all', period: 'month', limitUsd: 5, onExceed: 'block' },
      ],
    });
    const adm = await engine.admit({ context: {}, candidates: [premium, cheap], estimate });
    expect(adm.reservation.holds.map((h) => h.budgetId).sort()).toEqual(['all', 'claude']);
    // Served after fallback by mini; opus failed but was billed 500 micros.
    await engine.settle(adm.reservation, [
      { model: 'opus', provider: 'claude', costMicros: 500 },
      { model: 'mini', provider: 'gpt', costMicros: 700 },
    ]);
    const status = await engine.status({});
    expect(status.find((s) => s.budget.budgetId === 'claude')).toMatchObject({ spentMicros: 500, reservedMicros: 0 });
    expect(status.find((s) => s.budget.budgetId === 'all')).toMatchObject({ spentMicros: 1_200, reservedMicros: 0 });
    await engine.settle(adm.reservation, 10_000); // settling twice is a no-op
    expect((await engine.status({})).find((s) => s.budget.budgetId === 'all')!.spentMicros).toBe(1_200);
  });

  it('one charge lands only on the counters of the model that served: per-model, per-provider, fixed-model and shared budgets; every hold released', async () => {
    const budgets = [
      { id: 'per-model', scope: { tenant: '*', model: '*' }, period: 'day' as const, limitUsd: 10, onExceed: 'block' as const },
      { id: 'per-provider', scope: { provider: '*' }, period: 'day' as const, limitUsd: 10, onExceed: 'alert' as const },
      { id: 'opus-only', scope: { model: 'opus' }, period: 'day' as const, limitUsd: 10, onExceed: 'block' as const },
      { id: 'tenant', scope: { tenant: '初创公司' }, period: 'day' as const, limitUsd: 10, onExceed: 'downgrade' as const },
    ];
    const context = { tenant: '初创公司' };
    // The same admission settled with one charge (the router's success path) and with the same
    // charge plus a zero one (the general path): the counters must end equal.
    const run = async (charges: Array<{ model: string; provider: string; costMicros: number }>) => {
      const engine = createBudgetEngine({ budgets });
      const adm = await engine.admit({ context, candidates: [premium, cheap, local], estimate });
      expect(adm.allowed).toEqual(['opus', 'mini', 'llama']);
      await engine.settle(adm.reservation, charges);
      const rows = [];
      for (const m of [premium, cheap, local])
        for (const st of await engine.status(context, m))
          rows.push([m.model, st.budget.budgetId, st.instance ?? '', st.spentMicros, st.reservedMicros]);
      return rows;
    };
    const served = { model: 'mini', provider: 'gpt', costMicros: 700 };
    const one = await run([served]);
    expect(one).toEqual(await run([served, { model: 'opus', provider: 'claude', costMicros: 0 }]));
    expect(one).toEqual([
      ['opus', 'per-model', 'tenant=初创公司,model=opus', 0, 0],
      ['opus', 'per-provider', 'provider=claude', 0, 0],
      ['opus', 'opus-only', '', 0, 0],
      ['opus', 'tenant', '', 700, 0],
      ['mini', 'per-model', 'tenant=初创公司,model=mini', 700, 0],
      ['mini', 'per-provider', 'provider=gpt', 700, 0],
      ['mini', 'tenant', '', 700, 0],
      ['llama', 'per-model', 'tenant=初创公司,model=llama', 0, 0],
      ['llama', 'per-provider', 'provider=local', 0, 0],
      ['llama', 'tenant', '', 700, 0],
    ]);
  });

  it("'*' scopes keep one counter per tenant", async () => {
    const engine = createBudgetEngine({ budgets: [{ scope: { tenant: '*' }, period: 'total', limitUsd: 0.1, onExceed: 'block' }] });
    const a = await engine.admit({ context: { tenant: 'a' }, candidates: [premium], estimate });
    await engine.settle(a.reservation, 95_000);
    expect((await engine.admit({ context: { tenant: 'a' }, candidates: [premium], estimate })).allowed).toEqual([]);
    expect((await engine.admit({ context: { tenant: 'b' }, candidates: [premium], estimate })).allowed).toEqual(['opus']);
    expect((await engine.status({ tenant: 'a' }))[0]).toMatchObject({ instance: 'tenant=a', spentMicros: 95_000 });
    // A request without a tenant is not counted by a per-tenant budget.
    expect((await engine.admit({ context: {}, candidates: [premium], estimate })).reservation.holds).toEqual([]);
  });

  it('days start in the budget time zone', async () => {
    let now = Date.UTC(2025, 9, 1, 15, 30); // 23:30 in Shanghai
    const store = memoryStore();
    const engine = createBudgetEngine({
      store,
      now: () => now,
      budgets: [{ id: 'sh', period: 'day', timeZone: 'Asia/Shanghai', limitUsd: 0.1, onExceed: 'block' }],
    });
    const a = await engine.admit({ context: {}, candidates: [premium], estimate });
    expect(a.reservation.holds[0]!.key).toContain(':sh:2025-10-01');
    await engine.settle(a.reservation, 95_000);
    expect((await engine.admit({ context: {}, candidates: [premium], estimate })).allowed).toEqual([]);
    now = Date.UTC(2025, 9, 1, 16, 1); // 00:01 on Oct 2nd in Shanghai, still Oct 1st in UTC
    const b = await engine.admit({ context: {}, candidates: [premium], estimate });
    expect(b.allowed).toEqual(['opus']);
    expect(b.reservation.holds[0]!.key).toContain(':sh:2025-10-02');
  });

  it('settle(): alerts fire lowest threshold first, hold by hold, and every hold is charged exactly once', async () => {
    // Three budgets count the request; the first two cross thresholds on this spend.
    const alerts: BudgetAlert[] = [];
    const engine = createBudgetEngine({
      budgets: [
        { id: 'all', period: 'day', limitUsd: 0.2, onExceed: 'block', alertAt: [0.25, 0.5] },
        { id: 'acme', scope: { tenant: 'acme' }, period: 'day', limitUsd: 0.3, onExceed: 'alert', alertAt: [0.5] },
        { id: 'quiet', scope: { tenant: 'acme' }, period: 'day', limitUsd: 100, onExceed: 'block' },
      ],
      onAlert: (a) => alerts.push(a),
    });
    const input = { context: { tenant: 'acme' }, candidates: [premium], estimate };
    const { reservation } = await engine.admit(input);
    expect(reservation.holds.map((h) => [h.budgetId, h.amountMicros])).toEqual([
      ['all', 93_000],
      ['acme', 93_000],
      ['quiet', 93_000],
    ]);
    await engine.settle(reservation, [{ model: 'opus', provider: 'claude', providerModel: 'claude-opus-4-1', costMicros: 160_000 }]);
    expect(alerts.map((a) => [a.budgetId, a.threshold, a.spentMicros])).toEqual([
      ['all', 0.25, 160_000],
      ['all', 0.5, 160_000],
      ['acme', 0.5, 160_000],
    ]);
    const status = await engine.status({ tenant: 'acme' });
    expect(status.map((s) => [s.budget.budgetId, s.spentMicros, s.reservedMicros])).toEqual([
      ['all', 160_000, 0],
      ['acme', 160_000, 0],
      ['quiet', 160_000, 0],
    ]);
    // Settled once: a second settlement changes nothing.
    await engine.settle(reservation, 999_999);
    expect((await engine.status({ tenant: 'acme' })).map((s) => s.spentMicros)).toEqual([160_000, 160_000, 160_000]);
    // Without a threshold crossed, no alert.
    const next = await engine.admit(input);
    await engine.settle(next.reservation, [{ model: 'opus', provider: 'claude', costMicros: 1 }]);
    expect(alerts).toHaveLength(3);
    expect((await engine.status({ tenant: 'acme' })).map((s) => [s.spentMicros, s.reservedMicros])).toEqual([
      [160_001, 0],
      [160_001, 0],
      [160_001, 0],
    ]);
  });

  it('check(): a stream past its reservation extends it while the budget allows, then says stop', async () => {
    const alerts: BudgetAlert[] = [];
    const engine = createBudgetEngine({
      budgets: [{ id: 'b', period: 'day', limitUsd: 0.2, onExceed: 'block' }],
      onAlert: (a) => alerts.push(a),
    });
    const adm = await engine.admit({ context: {}, candidates: [premium], estimate }); // holds 93,000
    expect(await engine.check(adm.reservation, 50_000)).toEqual({ ok: true });
    expect(await engine.check(adm.reservation, 150_000)).toEqual({ ok: true }); // extended to 150,000
    expect((await engine.status({}))[0]!.reservedMicros).toBe(150_000);
    expect(await engine.check(adm.reservation, 250_000)).toMatchObject({ ok: false, budget: { budgetId: 'b' } });
    await engine.settle(adm.reservation, 190_000);
    expect((await engine.status({}))[0]).toMatchObject({ spentMicros: 190_000, reservedMicros: 0 });
    expect(alerts.map((a) => [a.threshold, a.reason])).toEqual([[0.9, 'threshold']]);
  });
});
