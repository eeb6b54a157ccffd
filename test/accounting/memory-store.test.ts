import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/state/index.js';

describe('MemoryStore', () => {
  it('counters, sets and values', async () => {
    let now = 0;
    const s = createMemoryStore({ now: () => now });
    expect(await s.increment('k', { a: 2, b: -1 })).toEqual({ a: 2, b: -1 });
    expect(await s.increment('k', { a: 3 })).toEqual({ a: 5 });
    expect(await s.counters('k')).toEqual({ a: 5, b: -1 });
    await expect(s.increment('k', { a: 0.5 })).rejects.toThrow(RangeError);
    await s.addToSet('set', ['x', 'y', 'x']);
    expect((await s.members('set')).sort()).toEqual(['x', 'y']);
    await s.set('v', 'hello', { ttlMs: 10 });
    expect(await s.get('v')).toBe('hello');
    now = 10;
    expect(await s.get('v')).toBeUndefined();
  });

  it('immediate answers like the async methods, at once', async () => {
    const s = createMemoryStore();
    const now = s.immediate!;
    expect(now.increment('k', { used: 7, spent: 2 })).toEqual({ used: 7, spent: 2 });
    expect(now.counter('k', 'used')).toBe(7);
    expect(now.counter('k', 'nothing')).toBe(0);
    expect(now.counter('absent', 'used')).toBe(0);
    expect(await s.counters('k')).toEqual({ used: 7, spent: 2 });
    expect(now.reserve([{ key: 'k', field: 'used', amount: 3, limit: 10 }])).toEqual({ ok: true, values: [10] });
    expect(now.reserve([{ key: 'k', field: 'used', amount: 1, limit: 10 }])).toEqual({ ok: false, index: 0, current: 10 });
    now.addToSet('set', ['x']);
    expect(await s.members('set')).toEqual(['x']);
  });

  it('increment is all or nothing: a bad delta adds none of the others', async () => {
    const s = createMemoryStore();
    await s.increment('k', { a: 1 });
    await expect(s.increment('k', { a: 5, b: Number.NaN })).rejects.toThrow(/"b" got NaN/);
    expect(await s.counters('k')).toEqual({ a: 1 });
  });

  it('reserve is all or nothing', async () => {
    const s = createMemoryStore();
    await s.increment('a', { used: 90 });
    expect(await s.reserve([{ key: 'b', field: 'used', amount: 5, limit: 10 }, { key: 'a', field: 'used', amount: 20, limit: 100 }])).toEqual({ ok: false, index: 1, current: 90 });
    expect(await s.counters('b')).toEqual({});
    expect(await s.reserve([{ key: 'b', field: 'used', amount: 5, limit: 10 }, { key: 'a', field: 'used', amount: 10, limit: 100 }])).toEqual({ ok: true, values: [5, 100] });
  });

  it('logs stay in score order, range is [min, max), prune tracks what it dropped', async () => {
    const s = createMemoryStore();
    for (const t of [5, 1, 3, 3, 9]) await s.append('log', t, `v${t}`);
    expect((await s.range('log', 3, 9)).map((e) => e.value)).toEqual(['v3', 'v3', 'v5']);
    expect(await s.prune('log', { maxCount: 3 })).toBe(2);
    expect(await s.logInfo('log')).toEqual({ length: 3, prunedThrough: 3 });
    expect(await s.prune('log', { minScore: 6 })).toBe(2);
    expect(await s.logInfo('log')).toEqual({ length: 1, prunedThrough: 5 });
  });
});
