/**
 * The ledger's write-behind queue: records are written in order, in batches, and never lost or
 * written twice: through the router (with a store the test can watch) and on the queue itself.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryStore, createRouter, type SharedStore } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';
import { WRITE_BEHIND_MAX, WRITE_BEHIND_MS, WriteBehind } from '../../src/accounting/ledger/write-behind.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A MemoryStore whose log appends are counted (what a Redis store would be sent). */
function watchedStore(): { store: SharedStore; appended: () => number } {
  const inner = memoryStore();
  let appended = 0;
  const store = new Proxy(inner, {
    get(target, name) {
      const value: unknown = Reflect.get(target, name, target);
      if (name === 'append') {
        return async (k: string, s: number, v: string) => {
          appended++;
          await inner.append(k, s, v);
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as SharedStore;
  return { store, appended: () => appended };
}

describe('ledger write-behind, through the router', () => {
  it('writes records after the response, together, and a report sees every one at once', async () => {
    const { store, appended } = watchedStore();
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
    // Without a report, the batch is written on its own within the window.
    await router.chat({ messages: [{ role: 'user', content: 'hi' }] });
    await new Promise((resolve) => setTimeout(resolve, WRITE_BEHIND_MS * 3));
    expect(appended()).toBe(6);
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
            async (n) => {
              if (slow && n % 3 === 0) await new Promise((r) => setImmediate(r));
              written.push(n);
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

  it('starts writing at once when the queue reaches its limit, and reports a failed write without stopping', async () => {
    vi.useFakeTimers();
    const written: number[] = [];
    const failed: number[] = [];
    const q = new WriteBehind<number>(
      async (n) => {
        if (n === 1) throw new Error('store down');
        written.push(n);
      },
      (_e, n) => failed.push(n),
    );
    for (let i = 0; i < WRITE_BEHIND_MAX - 1; i++) q.push(i);
    await Promise.resolve();
    expect(written).toEqual([]);
    q.push(WRITE_BEHIND_MAX - 1);
    await vi.advanceTimersByTimeAsync(0);
    expect(written.length).toBe(WRITE_BEHIND_MAX - 1);
    expect(failed).toEqual([1]);
    q.push(1_000);
    await vi.advanceTimersByTimeAsync(WRITE_BEHIND_MS);
    expect(written.at(-1)).toBe(1_000);
  });
});
