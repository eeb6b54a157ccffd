/**
 * The ledger's write-behind queue: records are written in order, in batches, and never lost or
 * written twice: through the router (with a store the test can watch) and on the queue itself.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryStore, createRouter, type SharedStore } from '../../src/index.js';
import type { StoreWrite } from '../../src/provider.js';
import { mockProvider } from '../../src/testing.js';
import { WRITE_BEHIND_MAX, WRITE_BEHIND_MS, WriteBehind } from '../../src/accounting/ledger/write-behind.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A MemoryStore whose log appends and store calls are counted (what a Redis store would be sent). */
function watchedStore(): { store: SharedStore; appended: () => number; calls: string[] } {
  const inner = memoryStore();
  let appended = 0;
  const calls: string[] = [];
  const store = new Proxy(inner, {
    get(target, name) {
      const value: unknown = Reflect.get(target, name, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(name));
        if (name === 'append') appended++;
        if (name === 'write') appended += (args[0] as StoreWrite[]).filter((w) => w.op === 'append').length;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as SharedStore;
  return { store, appended: () => appended, calls };
}

describe('ledger write-behind, through the router', () => {
  it('writes records after the response, together, and a report sees every one at once', async () => {
    const { store, appended, calls } = watchedStore();
    const router = createRouter({
      providers: { p: mockProvider({ name: 'p' }) },
      models: { m: { provider: 'p', model: 'x', pricing: { input: 1, output: 2 } } },
      store,
    });
    for (let i = 0; i < 5; i++) await router.chat({ messages: [{ role: 'user', content: `第${i}个问题` }], tenant: 'acme' });
    // Five responses returned, none written yet: they wait for the batch (at most WRITE_BEHIND_MS).
    expect(appended()).toBe(0);
    const records = await router.costs.records({});
    expect(records.map((r) => r.outcome)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(appended()).toBe(5);
    // All five in one store call: each record's aggregates and log entry together.
    expect(calls.filter((c) => ['write', 'append', 'increment', 'addToSet'].includes(c))).toEqual(['write']);
    // Without a report, the batch is written on its own within the window.
    await router.chat({ messages: [{ role: 'user', content: 'hi' }] });
    await new Promise((resolve) => setTimeout(resolve, WRITE_BEHIND_MS * 3));
    expect(appended()).toBe(6);
    expect(calls.filter((c) => c === 'write')).toHaveLength(2);
    await router.close();
  });

  it('a report under fake timers does not wait for the timer', async () => {
    vi.useFakeTimers();
    const router = createRouter({ providers: { p: mockProvider({ name: 'p' }) }, models: { m: { provider: 'p', model: 'x' } } });
    await router.chat({ messages: [{ role: 'user', content: 'hi' }], tenant: 'acme' });
    const summary = await router.costs.summary({ by: ['tenant'] });
    expect(summary.rows).toEqual([expect.objectContaining({ group: { tenant: 'acme' }, requests: 1, ok: 1 })]);
    await router.close();
  });
});

describe('WriteBehind', () => {
  it('writes every item once, in order, whatever the mix of pushes, flushes and slow writes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({ push: fc.integer({ min: 1, max: 40 }) }),
            fc.constant({ flush: true as const }),
            fc.record({ wait: fc.integer({ min: 0, max: 3 }) }),
          ),
          { maxLength: 30 },
        ),
        fc.boolean(),
        async (steps, slow) => {
          const written: number[] = [];
          const q = new WriteBehind<number>(
            async (batch) => {
              expect(batch.length).toBeGreaterThan(0);
              expect(batch.length).toBeLessThanOrEqual(WRITE_BEHIND_MAX);
              if (slow && batch[0]! % 3 === 0) await new Promise((r) => setImmediate(r));
              written.push(...batch);
            },
            () => undefined,
          );
          let next = 0;
          for (const s of steps) {
            if ('push' in s) for (let i = 0; i < s.push; i++) q.push(next++);
            else if ('flush' in s) {
              const before = next;
              await q.flush();
              expect(written.length).toBeGreaterThanOrEqual(before);
            } else for (let i = 0; i < s.wait; i++) await new Promise((r) => setImmediate(r));
          }
          await q.flush();
          expect(written).toEqual(Array.from({ length: next }, (_, i) => i));
          expect(q.size).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('starts writing at once when the queue reaches its limit, and reports every item of a failed batch without stopping', async () => {
    vi.useFakeTimers();
    const written: number[] = [];
    const failed: number[] = [];
    const batches: number[] = [];
    const q = new WriteBehind<number>(
      async (batch) => {
        batches.push(batch.length);
        if (batch.includes(1)) throw new Error('store down');
        written.push(...batch);
      },
      (_e, n) => failed.push(n),
    );
    for (let i = 0; i < WRITE_BEHIND_MAX - 1; i++) q.push(i);
    await Promise.resolve();
    expect(written).toEqual([]);
    q.push(WRITE_BEHIND_MAX - 1);
    await vi.advanceTimersByTimeAsync(0);
    // One call for the whole batch; it failed, so each of its items was reported.
    expect(batches).toEqual([WRITE_BEHIND_MAX]);
    expect(written).toEqual([]);
    expect(failed).toEqual(Array.from({ length: WRITE_BEHIND_MAX }, (_, i) => i));
    q.push(1_000);
    await vi.advanceTimersByTimeAsync(WRITE_BEHIND_MS);
    expect(written.at(-1)).toBe(1_000);
  });
});
