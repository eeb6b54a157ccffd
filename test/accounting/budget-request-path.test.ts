import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBudgetEngine } from '../../src/accounting/budgets/engine.js';
import { HoldRenewer } from '../../src/accounting/budgets/renewal.js';
import { BudgetExceededError, ConfigError, createRouter, memoryStore, type SharedStore } from '../../src/index.js';
import { StoreUnavailableError } from '../../src/state/index.js';
import { mockProvider } from '../../src/testing.js';

/**
 * What a budget costs on the request path, counted in store calls: one `reserveHold` before the
 * vendor call when the request fits, the settle sent after it and not waited for, one renewal loop
 * per router (a request starts no timer of its own).
 */

/** While `closed` is set, calls of the `methods` wait for it. */
type Gate = { closed: Promise<void> | undefined; methods: string[] };

/** `inner`, with every call's method name logged (when it is sent); calls of the gate's methods wait while it is closed. */
function logged(inner: SharedStore, log: string[], gate: Gate = { closed: undefined, methods: [] }): SharedStore {
  return new Proxy(inner, {
    get(target, name) {
      const value: unknown = Reflect.get(target, name, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        log.push(String(name));
        const call = () => (value as (...a: unknown[]) => unknown).apply(target, args);
        const wait = gate.closed;
        return wait && gate.methods.includes(String(name)) ? wait.then(call) : call();
      };
    },
  });
}

// $1 / $100 per 1M tokens: `maxTokens: 300` reserves 30,000 µ$ of output (plus the prompt).
const PRICING = { input: 1, output: 100 };
const ask = (maxTokens: number) => ({ messages: [{ role: 'user' as const, content: 'hello' }], tenant: 'acme', params: { maxTokens } });

function router(store: SharedStore, log: string[], extra: { latencyMs?: number; leaseMs?: number; onExceed?: 'block' | 'downgrade' } = {}) {
  const reply = () => {
    log.push('vendor');
    return {
      text: 'ok',
      usage: { inputTokens: 10, outputTokens: 300 },
      ...(extra.latencyMs !== undefined && { latencyMs: extra.latencyMs }),
    };
  };
  return createRouter({
    providers: { m: mockProvider({ reply }) },
    models: {
      premium: { provider: 'm', model: 'p', pricing: PRICING },
      economy: { provider: 'm', model: 'e', pricing: { input: 0.1, output: 0.1 } },
    },
    routes: [{ when: {}, use: ['premium'] }],
    budgets: [
      {
        id: 'acme-daily',
        scope: { tenant: 'acme' },
        period: 'day',
        limitUsd: 0.05,
        onExceed: extra.onExceed ?? 'block',
        ...(extra.onExceed === 'downgrade' && { degradeTo: 'economy' }),
      },
    ],
    store,
    ...(extra.leaseMs !== undefined && { budgetHoldLeaseMs: extra.leaseMs }),
  });
}

const beforeVendor = (log: string[]) => log.slice(0, log.indexOf('vendor'));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('budgets on the request path', () => {
  it('one store call before the vendor call (the reserve); the response does not wait for the settle, flush does', async () => {
    const log: string[] = [];
    const gate: Gate = { closed: undefined, methods: ['settleHold', 'releaseHold'] };
    let open!: () => void;
    gate.closed = new Promise<void>((resolve) => (open = resolve));
    const r = router(logged(memoryStore(), log, gate), log);
    log.length = 0;
    const res = await r.chat(ask(300));
    expect(beforeVendor(log)).toEqual(['reserveHold']);
    // Answered although the store has not taken the settle yet: it was sent, and the hold still counts.
    expect(log.filter((m) => m === 'settleHold')).toEqual(['settleHold']);
    const [pending] = await r.budgets.status({ tenant: 'acme' });
    expect(pending).toMatchObject({ spentMicros: 0 });
    expect(pending!.heldMicros).toBeGreaterThanOrEqual(30_000);
    open();
    gate.closed = undefined;
    await r.close();
    const [settled] = await r.budgets.status({ tenant: 'acme' });
    expect(settled).toMatchObject({ spentMicros: res.cost.totalMicros, heldMicros: 0 });
    expect(res.cost.totalMicros).toBe(30_010);
  });

  it('a request that no longer fits: the refusal says what is used, so downgrading costs one more reserve and blocking none', async () => {
    const log: string[] = [];
    // The refusal's alerts (a counter per threshold, then the spend) are sent, but the request does not wait for them.
    let open!: () => void;
    const gate: Gate = { closed: new Promise<void>((resolve) => (open = resolve)), methods: ['increment', 'budgetUsage'] };
    const down = router(logged(memoryStore(), log, gate), log, { onExceed: 'downgrade' });
    const alerts: unknown[] = [];
    down.on('budget-alert', (a) => alerts.push(a));
    expect((await down.chat(ask(300))).route.model).toBe('premium');
    log.length = 0;
    // 30,010 µ$ spent of 50,000: premium's 30,000+ no longer fits, economy does.
    const second = await down.chat(ask(300));
    expect(second.route.model).toBe('economy');
    expect(beforeVendor(log).filter((m) => m !== 'increment')).toEqual(['reserveHold', 'reserveHold']);
    expect(alerts).toEqual([]);
    open();
    gate.closed = undefined;
    await down.close();
    expect(alerts).toMatchObject([
      { budgetId: 'acme-daily', reason: 'refused', threshold: 0.9, spentMicros: 30_010 },
      { budgetId: 'acme-daily', reason: 'refused', threshold: 1, spentMicros: 30_010 },
    ]);

    const blockLog: string[] = [];
    const block = router(logged(memoryStore(), blockLog), blockLog);
    await block.chat(ask(300));
    blockLog.length = 0;
    const refused = await block.chat(ask(300)).catch((e: unknown) => e);
    expect(BudgetExceededError.isInstance(refused)).toBe(true);
    expect(refused).toMatchObject({ remainingMicros: 50_000 - 30_010 });
    expect(blockLog.includes('vendor')).toBe(false);
    expect(blockLog.filter((m) => m === 'reserveHold' || m === 'budgetUsage')).toEqual(['reserveHold']);
    await block.close();
  });

  it('short requests start no timer of their own and are never renewed; a long one is renewed past its lease by the one loop', async () => {
    const log: string[] = [];
    const store = memoryStore();
    const short = router(logged(store, log), log, { leaseMs: 1_000 });
    const intervals = vi.spyOn(globalThis, 'setInterval');
    for (let i = 0; i < 20; i++) await short.chat({ ...ask(1), tenant: `t${i}` });
    expect(intervals).not.toHaveBeenCalled();
    expect(log.filter((m) => m === 'renewHold')).toEqual([]);
    await short.close();

    const longLog: string[] = [];
    const long = router(logged(memoryStore(), longLog), longLog, { leaseMs: 1_000, latencyMs: 2_600 });
    const served = long.chat(ask(300));
    // Past the 1 s lease: still held, because the loop renewed it.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const [during] = await long.budgets.status({ tenant: 'acme' });
    expect(during!.heldMicros).toBeGreaterThanOrEqual(30_000);
    const res = await served;
    await long.close();
    expect(longLog.filter((m) => m === 'renewHold').length).toBeGreaterThanOrEqual(2);
    expect(intervals).not.toHaveBeenCalled();
    const [after] = await long.budgets.status({ tenant: 'acme' });
    expect(after).toMatchObject({ spentMicros: res.cost.totalMicros, heldMicros: 0 });
  }, 30_000);

  it('a settle the store could not take is sent again (idempotent) and counted once', async () => {
    const inner = memoryStore();
    let failures = 2;
    const flaky = new Proxy(inner, {
      get(target, name) {
        const value: unknown = Reflect.get(target, name, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (name === 'settleHold' && failures-- > 0)
            return Promise.reject(new StoreUnavailableError({ store: 'redis', operation: 'settleHold', reason: 'timeout' }));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const errors: unknown[] = [];
    const r = router(flaky, []);
    r.on('ledger-error', (e) => errors.push(e));
    const res = await r.chat(ask(300));
    await r.costs.summary({});
    const [s] = await r.budgets.status({ tenant: 'acme' });
    expect(s).toMatchObject({ spentMicros: res.cost.totalMicros, heldMicros: 0 });
    expect(errors).toEqual([]);
    await r.close();
  }, 30_000);

  it('budgetHoldLeaseMs is checked: an integer from 1,000 to 86,400,000 ms', () => {
    for (const bad of [10, 1_500.5, 86_400_001, -1]) {
      const error = (() => {
        try {
          router(memoryStore(), [], { leaseMs: bad });
        } catch (e) {
          return e;
        }
      })();
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).issues.map((i) => i.path)).toEqual(['budgetHoldLeaseMs']);
    }
  });
});

describe('HoldRenewer: one loop for every live hold', () => {
  it('one timer whatever the number of holds; renews only those close to their end; stops when none is left', async () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const store = memoryStore();
      const renewed: string[] = [];
      const spy = new Proxy(store, {
        get(target, name) {
          const value: unknown = Reflect.get(target, name, target);
          if (name === 'renewHold')
            return (ref: { id: string }, leaseMs: number) => {
              renewed.push(ref.id);
              return store.renewHold(ref as never, leaseMs);
            };
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      // Lease 4 s: a tick every second, renewing the holds with 2 s or less left.
      const renewer = new HoldRenewer(spy, 4_000);
      const item = (key: string) => [{ key, amount: 1, limit: 1_000 }];
      for (let i = 0; i < 100; i++) {
        const r = await store.reserveHold({ id: `h${i}`, owner: 'p', leaseMs: 4_000, items: item(`k${i}`) });
        if (!r.ok) throw new Error('reserve failed');
        renewer.add(r.hold, Date.now());
      }
      expect(vi.getTimerCount()).toBe(1);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(renewed).toEqual([]);
      const late = await store.reserveHold({ id: 'late', owner: 'p', leaseMs: 4_000, items: item('late') });
      if (!late.ok) throw new Error('reserve failed');
      renewer.add(late.hold, Date.now());
      // 2 s: the first hundred have half their lease left (renewed), the late one 3 s (not yet).
      await vi.advanceTimersByTimeAsync(1_000);
      expect(renewed).toHaveLength(100);
      expect(renewed.includes('late')).toBe(false);
      renewed.length = 0;
      await vi.advanceTimersByTimeAsync(1_000);
      expect(renewed).toEqual(['late']);
      expect(vi.getTimerCount()).toBe(1);
      for (let i = 0; i < 100; i++) renewer.end(`h${i}`);
      renewer.end('late');
      await vi.advanceTimersByTimeAsync(1_000);
      expect(renewer.size).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
      expect((await store.budgetUsage(['k0']))[0]).toMatchObject({ held: 1 });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('admission without a read first (property)', () => {
  it('decides as if it had read the spend, with one reserve when the request fits and at most two when it downgrades', async () => {
    // $0 in, $2 / $1 per 1M output tokens: premium holds 2 µ$ a token, economy 1 µ$.
    const premium = { model: 'premium', provider: 'p', pricing: { input: 0, output: 2 } };
    const economy = { model: 'economy', provider: 'p', pricing: { input: 0, output: 1 } };
    const filler = { model: 'filler', provider: 'p', pricing: { input: 0, output: 1 } };
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 6_000 }),
        async (limit, spentWanted, maxTokens) => {
          const log: string[] = [];
          const engine = createBudgetEngine({
            budgets: [{ id: 'b', scope: {}, period: 'total', limitUsd: limit / 1_000_000, onExceed: 'downgrade', degradeTo: 'economy' }],
            store: logged(memoryStore(), log),
          });
          const spent = Math.min(spentWanted, limit);
          if (spent > 0) {
            const pre = await engine.admit({ context: {}, candidates: [filler], estimate: { inputTokens: 0, maxTokens: spent } });
            await engine.settle(pre.reservation, spent);
          }
          log.length = 0;
          const a = await engine.admit({
            context: {},
            candidates: [premium],
            estimate: { inputTokens: 0, maxTokens },
            resolveCandidate: (alias) => (alias === 'economy' ? economy : undefined),
          });
          // What a decision on the spend read first gives.
          const expected = spent + 2 * maxTokens <= limit ? ['premium'] : spent + maxTokens <= limit ? ['economy'] : [];
          expect(a.allowed).toEqual(expected);
          const reserves = log.filter((m) => m === 'reserveHold').length;
          expect(log.filter((m) => m === 'budgetUsage')).toEqual([]);
          if (expected[0] === 'premium') expect(reserves).toBe(1);
          expect(reserves).toBeLessThanOrEqual(2);
          await engine.settle(a.reservation, 0);
          const [s] = await engine.status({});
          expect(s).toMatchObject({ spentMicros: spent, reservedMicros: 0 });
        },
      ),
      { numRuns: 200 },
    );
  });
});
