/**
 * Micro-benchmarks of router components that exist at run time: circuit breaker check, cost
 * ledger record, budget admission + settlement. They are internal modules whose API may still
 * change, so they are called through small local shapes and any failure becomes a note.
 */
import type { Switchyard } from './lib/sy.js';

export interface ComponentResult {
  name: string;
  meanUs: number;
}

type Ctor<T> = new (...args: unknown[]) => T;
interface BreakerLike {
  tryAcquire(): unknown;
  record(permit: unknown, outcome: 'success'): void;
}
interface LedgerLike {
  record(input: Record<string, unknown>): Promise<unknown>;
}
interface BudgetLike {
  admit(input: Record<string, unknown>): Promise<{ reservation: unknown; allowed: string[] }>;
  settle(reservation: unknown, spendMicros: number): Promise<void>;
}

async function timeAsync(fn: () => Promise<unknown>, n: number): Promise<number> {
  for (let i = 0; i < Math.min(n, 5_000); i++) await fn();
  const per: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await fn();
    per.push(((performance.now() - t0) * 1000) / n);
  }
  return per.sort((a, b) => a - b)[2]!;
}

export async function componentMicro(sy: Switchyard, scale: number): Promise<{ results: ComponentResult[]; notes: string[] }> {
  const results: ComponentResult[] = [];
  const notes: string[] = [];
  const n = Math.max(2_000, Math.round(50_000 * scale));

  const breakerMod = await sy.optional('breaker');
  const CircuitBreaker = breakerMod?.CircuitBreaker as Ctor<BreakerLike> | undefined;
  if (CircuitBreaker) {
    try {
      const b = new CircuitBreaker({ failureThreshold: 5, cooldownMs: 30_000 });
      results.push({
        name: 'circuit breaker: tryAcquire() + record(success)',
        meanUs: await timeAsync(async () => b.record(b.tryAcquire(), 'success'), n * 4),
      });
    } catch (e) {
      notes.push(`breaker micro-benchmark failed: ${String(e)}`);
    }
  } else notes.push('circuit breaker module not found: not measured');

  const acc = await sy.optional('accounting');
  const createLedger = acc?.createLedger as ((o?: Record<string, unknown>) => LedgerLike) | undefined;
  const createBudgetEngine = acc?.createBudgetEngine as ((o: Record<string, unknown>) => BudgetLike) | undefined;
  const usage = { inputTokens: 1234, outputTokens: 567, totalTokens: 1801 };
  const computeCost = sy.cost.computeCost;
  const cost = computeCost(usage, { input: 0.15, output: 0.6 });
  if (createLedger) {
    try {
      const ledger = createLedger();
      let i = 0;
      results.push({
        name: 'cost ledger: record(one response) (in-memory store)',
        meanUs: await timeAsync(
          () =>
            ledger.record({
              requestId: `r-${i++}`,
              context: { tenant: 'acme', user: 'u-7', agent: 'product-expert' },
              model: 'gpt-mini',
              provider: 'gpt',
              providerModel: 'gpt-4o-mini',
              usage,
              cost,
              latencyMs: 1.2,
              outcome: 'ok',
              fallbackUsed: false,
              attempts: 1,
            }),
          n,
        ),
      });
    } catch (e) {
      notes.push(`ledger micro-benchmark failed: ${String(e)}`);
    }
  } else notes.push('cost ledger (createLedger) not found: not measured');
  if (createBudgetEngine) {
    try {
      const engine = createBudgetEngine({
        budgets: [{ scope: { tenant: 'acme' }, period: 'day', limitUsd: 1_000_000_000, onExceed: 'downgrade' }],
      });
      const candidates = [
        { model: 'gpt-mini', provider: 'gpt', providerModel: 'gpt-4o-mini', pricing: { input: 0.15, output: 0.6 }, maxOutputTokens: 4096 },
      ];
      results.push({
        name: 'budget: admit(1 budget, 1 candidate) + settle() (in-memory store)',
        meanUs: await timeAsync(async () => {
          const a = await engine.admit({ context: { tenant: 'acme', user: 'u-7' }, candidates, estimate: { inputTokens: 20 } });
          await engine.settle(a.reservation, cost.totalMicros);
        }, n),
      });
    } catch (e) {
      notes.push(`budget micro-benchmark failed: ${String(e)}`);
    }
  } else notes.push('budget engine (createBudgetEngine) not found: not measured');
  return { results, notes };
}
