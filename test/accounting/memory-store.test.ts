import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/state/index.js';
import { InvalidRequestError } from '../../src/core/errors.js';

describe('MemoryStore', () => {
  it('counters, sets and values', async () => {
    let now = 0;
    const s = memoryStore({ now: () => now });
    expect(await s.increment('k', { a: 2, b: -1 })).toEqual({ a: 2, b: -1 });
    expect(await s.increment('k', { a: 3 })).toEqual({ a: 5 });
    expect(await s.counters('k')).toEqual({ a: 5, b: -1 });
    await expect(s.increment('k', { a: 0.5 })).rejects.toThrow(InvalidRequestError);
    await s.addToSet('set', ['x', 'y', 'x']);
    expect((await s.members('set')).sort()).toEqual(['x', 'y']);
    await s.set('v', 'hello', { ttlMs: 10 });
    expect(await s.get('v')).toBe('hello');
    now = 10;
    expect(await s.get('v')).toBeUndefined();
  });

  it('remembers a finished hold for finishedHoldTtlMs (default 60 s), then forgets it', async () => {
    let now = 0;
    const s = memoryStore({ now: () => now });
    const hold = async (id: string) => {
      const r = await s.reserveHold({ id, owner: 'p', leaseMs: 1_000, items: [{ key: 'b', amount: 5, limit: 100 }] });
      if (!r.ok) throw new Error('not held');
      return r.hold;
    };
    const a = await hold('a');
    expect(await s.settleHold(a, [3])).toMatchObject({ status: 'settled', spent: [3] });
    now = 59_999;
    expect(await s.settleHold(a, [3])).toEqual({ status: 'duplicate', state: 'settled' });
    expect(await s.reserveHold({ id: 'a', owner: 'p', leaseMs: 1, items: [{ key: 'b', amount: 1, limit: 100 }] })).toMatchObject({
      ok: false,
      reason: 'finished',
    });
    // Ids finished later are still remembered while the oldest are forgotten.
    const b = await hold('b');
    await s.releaseHold(b);
    now = 60_001;
    await s.releaseHold(await hold('c'));
    expect(await s.settleHold(b, [1])).toEqual({ status: 'duplicate', state: 'released' });
    expect((await s.reserveHold({ id: 'a', owner: 'p', leaseMs: 1, items: [{ key: 'b', amount: 1, limit: 100 }] })).ok).toBe(true);
  });

  it('increment is all or nothing: a bad delta adds none of the others', async () => {
    const s = memoryStore();
    await s.increment('k', { a: 1 });
    await expect(s.increment('k', { a: 5, b: Number.NaN })).rejects.toMatchObject({ path: 'deltas.b' });
    expect(await s.counters('k')).toEqual({ a: 1 });
  });

  it('increment adds the own fields of its deltas only, and answers with their new values', async () => {
    const s = memoryStore();
    const deltas = Object.assign(Object.create({ inherited: 7 }) as Record<string, number>, { a: 2, 计数: 3 });
    expect(await s.increment('k', deltas)).toEqual({ a: 2, 计数: 3 });
    expect(await s.increment('k', { a: -1 })).toEqual({ a: 1 });
    expect(await s.counters('k')).toEqual({ a: 1, 计数: 3 });
  });

  it('reserve is all or nothing', async () => {
    const s = memoryStore();
    await s.increment('a', { used: 90 });
    expect(
      await s.reserve([
        { key: 'b', field: 'used', amount: 5, limit: 10 },
        { key: 'a', field: 'used', amount: 20, limit: 100 },
      ]),
    ).toEqual({ ok: false, index: 1, current: 90 });
    expect(await s.counters('b')).toEqual({});
    expect(
      await s.reserve([
        { key: 'b', field: 'used', amount: 5, limit: 10 },
        { key: 'a', field: 'used', amount: 10, limit: 100 },
      ]),
    ).toEqual({ ok: true, values: [5, 100] });
  });

  it('logs stay in score order, range is [min, max), prune tracks what it dropped', async () => {
    const s = memoryStore();
    for (const t of [5, 1, 3, 3, 9]) await s.append('log', t, `v${t}`);
    expect((await s.range('log', 3, 9)).map((e) => e.value)).toEqual(['v3', 'v3', 'v5']);
    expect(await s.prune('log', { maxCount: 3 })).toBe(2);
    expect(await s.logInfo('log')).toEqual({ length: 3, prunedThrough: 3 });
    expect(await s.prune('log', { minScore: 6 })).toBe(2);
    expect(await s.logInfo('log')).toEqual({ length: 1, prunedThrough: 5 });
  });

  it('a log behaves like a sorted list under any mix of appends, prunes and reads (property)', async () => {
    const op = fc.oneof(
      { weight: 6, arbitrary: fc.record({ append: fc.integer({ min: 0, max: 200 }), count: fc.integer({ min: 1, max: 40 }) }) },
      {
        weight: 2,
        arbitrary: fc.record({
          maxCount: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
          minScore: fc.option(fc.integer({ min: -5, max: 210 }), { nil: undefined }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ min: fc.integer({ min: -5, max: 210 }), max: fc.integer({ min: -5, max: 210 }) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 80 }), async (ops) => {
        const s = memoryStore();
        // The model: a stable sort by score, oldest dropped first.
        let model: Array<{ score: number; value: string }> = [];
        let prunedThrough: number | undefined;
        let n = 0;
        for (const o of ops) {
          if ('append' in o) {
            for (let i = 0; i < o.count; i++) {
              const score = (o.append + i * 7) % 201;
              const value = `v${n++}`;
              await s.append('log', score, value);
              const at = model.findIndex((e) => e.score > score);
              model.splice(at < 0 ? model.length : at, 0, { score, value });
            }
          } else if ('min' in o) {
            expect(await s.range('log', o.min, o.max)).toEqual(model.filter((e) => e.score >= o.min && e.score < o.max));
          } else {
            let drop = o.minScore === undefined ? 0 : model.filter((e) => e.score < o.minScore!).length;
            if (o.maxCount !== undefined) drop = Math.max(drop, model.length - o.maxCount);
            expect(await s.prune('log', o)).toBe(Math.max(0, drop));
            if (drop > 0) prunedThrough = Math.max(prunedThrough ?? -Infinity, model[drop - 1]!.score);
            model = model.slice(Math.max(0, drop));
          }
          expect(await s.logInfo('log')).toEqual(
            prunedThrough === undefined ? { length: model.length } : { length: model.length, prunedThrough },
          );
        }
        expect(await s.range('log', -Infinity, Infinity)).toEqual(model);
      }),
      { numRuns: 300 },
    );
  });
});
