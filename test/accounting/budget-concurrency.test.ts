import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBudgetEngine } from '../../src/accounting/budgets/engine.js';
import type { BudgetAlert } from '../../src/accounting/budgets/types.js';
import { worstCaseCostMicros } from '../../src/accounting/cost.js';

const PRICING = { input: 1, output: 2 }; // $1 / $2 per 1M tokens
const CANDIDATE = { model: 'm', provider: 'p', pricing: PRICING };
const ESTIMATE = { inputTokens: 1_000, maxTokens: 5_000 };
// 1,000 x 1.2 margin = 1,200 in x $1 + 5,000 out x $2 = 11,200 micros per request.
const WORST = worstCaseCostMicros(PRICING, 1_200, 5_000);
const LIMIT = 1_000_000;

const yieldTimes = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('budget: 200 concurrent admissions against a $1 tenant budget (block)', () => {
  it('never overshoots; alerts fire exactly once at 90% and once at 100%', async () => {
    expect(WORST).toBe(11_200);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ share: fc.integer({ min: 50, max: 100 }), delay: fc.integer({ min: 0, max: 5 }) }), {
          minLength: 200,
          maxLength: 200,
        }),
        async (tasks) => {
          const alerts: BudgetAlert[] = [];
          const engine = createBudgetEngine({
            budgets: [{ scope: { tenant: 'acme' }, period: 'day', limitUsd: 1, onExceed: 'block' }],
            onAlert: (a) => alerts.push(a),
          });
          const context = { tenant: 'acme' };
          let maxUsed = 0;
          let admitted = 0;
          let settledMicros = 0;
          const observe = async () => {
            const [s] = await engine.status(context);
            maxUsed = Math.max(maxUsed, s!.spentMicros + s!.reservedMicros);
            expect(s!.spentMicros).toBeLessThanOrEqual(LIMIT);
          };
          await Promise.all(
            tasks.map(async (task) => {
              for (;;) {
                const adm = await engine.admit({ context, candidates: [CANDIDATE], estimate: ESTIMATE });
                if (adm.allowed.length > 0) {
                  admitted++;
                  await observe();
                  await yieldTimes(task.delay);
                  // The actual cost: a random share (50..100%) of the reservation, never more.
                  const actual = Math.floor((adm.reservation.holds[0]!.amountMicros * task.share) / 100);
                  settledMicros += actual;
                  await engine.settle(adm.reservation, [{ model: 'm', provider: 'p', costMicros: actual }]);
                  await observe();
                  return;
                }
                expect(adm.blockedBy).toMatchObject({ budgetId: 'day:tenant=acme', onExceed: 'block', limitMicros: LIMIT });
                // Retry while requests in flight may still release headroom; give up when spend alone fills it.
                const [s] = await engine.status(context);
                if (s!.reservedMicros === 0) return;
                await yieldTimes(1);
              }
            }),
          );
          const [final] = await engine.status(context);
          expect(final!.spentMicros).toBe(settledMicros);
          expect(final!.reservedMicros).toBe(0);
          expect(final!.spentMicros).toBeLessThanOrEqual(LIMIT);
          expect(maxUsed).toBeLessThanOrEqual(LIMIT);
          expect(final!.spentMicros).toBeGreaterThan(LIMIT - WORST);
          expect(admitted).toBeLessThan(200);
          expect(alerts.filter((a) => a.threshold === 0.9)).toHaveLength(1);
          expect(alerts.filter((a) => a.threshold === 1)).toHaveLength(1);
          expect(alerts).toHaveLength(2);
          const ninety = alerts.find((a) => a.threshold === 0.9)!;
          expect(ninety).toMatchObject({ budgetId: 'day:tenant=acme', limitMicros: LIMIT, scope: { tenant: 'acme' } });
          // Either spend crossed 90%, or a refusal (spend + holds used up) came first and fired it.
          if (ninety.reason === 'threshold') expect(ninety.spentMicros).toBeGreaterThanOrEqual(900_000);
          else expect(ninety.reason).toBe('refused');
        },
      ),
      { numRuns: 20 },
    );
  }, 60_000);

  it('without settling, 200 concurrent admissions reserve at most the limit', async () => {
    const engine = createBudgetEngine({ budgets: [{ scope: { tenant: 'acme' }, period: 'day', limitUsd: 1, onExceed: 'block' }] });
    const results = await Promise.all(
      Array.from({ length: 200 }, () => engine.admit({ context: { tenant: 'acme' }, candidates: [CANDIDATE], estimate: ESTIMATE })),
    );
    const ok = results.filter((r) => r.allowed.length > 0).length;
    expect(ok).toBe(Math.floor(LIMIT / WORST)); // 89
    const [s] = await engine.status({ tenant: 'acme' });
    expect(s!.reservedMicros).toBe(ok * WORST);
    // Releasing (a failed request, nothing billed) frees the headroom again.
    await Promise.all(results.map((r) => engine.settle(r.reservation, 0)));
    expect((await engine.status({ tenant: 'acme' }))[0]).toMatchObject({ spentMicros: 0, reservedMicros: 0, remainingMicros: LIMIT });
  });
});
