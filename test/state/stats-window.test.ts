/**
 * The statistics loop on its own (src/routing/scope/shared-stats.ts), with a clock of the test's:
 * a failed flush keeps its deltas, deltas older than the window are dropped rather than kept for ever,
 * and what reaches the store is exactly what was counted, once.
 */
import { describe, expect, it } from 'vitest';
import { memoryStore, StoreUnavailableError, type SharedStore } from '../../src/index.js';
import { SharedStats, STATS_WINDOW_MS } from '../../src/routing/scope/shared-stats.js';

/** A memory store whose `increment` and `counters` fail while `down` (like a store that cannot be reached). */
function outageStore() {
  const inner = memoryStore();
  const state = { down: false, increments: 0 };
  const store = new Proxy(inner, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (name === 'increment' || name === 'counters') {
          if (state.down)
            return Promise.reject(new StoreUnavailableError({ store: 'redis', operation: String(name), reason: 'disconnected' }));
          if (name === 'increment') state.increments++;
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as SharedStore;
  return { store, inner, state };
}

const MINUTE = 60_000;

describe('shared statistics: flushes, outages and the window', () => {
  it('a failed flush keeps its deltas; deltas older than the window are dropped; the store gets each call once', async () => {
    const { store, inner, state } = outageStore();
    let now = 100 * MINUTE;
    const stats = new SharedStats(store, 60_000, () => now);
    await stats.settled();
    const scope = stats.link(undefined);
    const tenant = stats.link('acme');
    for (let i = 0; i < 3; i++) scope.record('m', { ok: true, latencyMs: 10 + i });
    scope.record('m', { ok: false });
    tenant.record('m', { ok: false });
    scope.firstToken('m', 7);

    state.down = true;
    await stats.sync();
    // Not in the store, still counted here (and nothing rejected).
    expect(scope.view('m')).toMatchObject({ requests: 4, failures: 1, latencyMs: 11, ttftMs: 7 });
    expect(tenant.view('m')).toMatchObject({ requests: 1, failures: 1 });

    // The store comes back: one increment for the minute's bucket, with every count.
    state.down = false;
    await stats.sync();
    expect(state.increments).toBe(1);
    expect(await inner.counters(`stats:${100}`)).toEqual({
      ':m:calls': 4,
      ':m:failures': 1,
      ':m:latencySum': 33,
      ':m:latencyCount': 3,
      ':m:ttftSum': 7,
      ':m:ttftCount': 1,
      '~acme:m:calls': 1,
      '~acme:m:failures': 1,
    });
    // Read back, not counted twice.
    expect(scope.view('m')).toMatchObject({ requests: 4, failures: 1 });

    // An outage longer than the window: what was counted before it is too old to be read, so it is dropped.
    state.down = true;
    scope.record('m', { ok: false });
    now += STATS_WINDOW_MS + MINUTE;
    scope.record('m', { ok: true, latencyMs: 5 });
    await stats.sync();
    state.down = false;
    await stats.sync();
    expect(await inner.counters(`stats:${100}`)).toMatchObject({ ':m:calls': 4 });
    expect(await inner.counters(`stats:${100 + 6}`)).toEqual({ ':m:calls': 1, ':m:latencySum': 5, ':m:latencyCount': 1 });
    expect(scope.view('m')).toMatchObject({ requests: 1, failures: 0, latencyMs: 5 });

    // close() sends the last deltas.
    scope.record('m', { ok: false });
    await stats.close();
    expect(await inner.counters(`stats:${100 + 6}`)).toMatchObject({ ':m:calls': 2, ':m:failures': 1 });
  });
});
