import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../src/core/errors.js';
import { breakerRegister, type SharedStore, type StoreChange } from '../../src/state/index.js';
import { closeAll, KITS, sleep, waitFor } from './helpers/stores.js';

afterAll(closeAll, 30_000);

// One contract, three stores: every test below runs against memory, SQLite (where node:sqlite exists)
// and Redis (a real redis-server). Leases and windows are real time, kept short.
for (const kit of KITS) {
  describe.skipIf(!kit.available)(`${kit.name} store`, () => {
    const fresh = () => kit.make();

    it('values: set, get, TTL, setIfAbsent (first writer wins), delete', async () => {
      const s = await fresh();
      expect(await s.get('v')).toBeUndefined();
      await s.set('v', 'hello');
      expect(await s.get('v')).toBe('hello');
      await s.set('short', 'x', { ttlMs: 60 });
      expect(await s.setIfAbsent('pin', 'model-a', { ttlMs: 1_000 })).toEqual({ created: true, value: 'model-a' });
      expect(await s.setIfAbsent('pin', 'model-b', { ttlMs: 1_000 })).toEqual({ created: false, value: 'model-a' });
      expect(await waitFor(async () => (await s.get('short')) === undefined)).toBe(true);
      expect(await waitFor(async () => (await s.get('pin')) === undefined)).toBe(true);
      expect(await s.setIfAbsent('pin', 'model-b')).toEqual({ created: true, value: 'model-b' });
      await s.delete('v');
      expect(await s.get('v')).toBeUndefined();
    });

    it('counters: exact under concurrent increments (property), integers only, all or nothing, TTL', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ a: fc.integer({ min: -1e9, max: 1e9 }), b: fc.integer({ min: 0, max: 1e6 }) }), {
            minLength: 1,
            maxLength: 30,
          }),
          async (deltas) => {
            const s = await fresh();
            await Promise.all(deltas.map((d) => s.increment('k', d)));
            const sum = deltas.reduce((acc, d) => ({ a: acc.a + d.a, b: acc.b + d.b }), { a: 0, b: 0 });
            expect(await s.counters('k')).toEqual(sum);
          },
        ),
        { numRuns: kit.runs },
      );
      const s = await fresh();
      await s.increment('k', { a: 1 });
      await expect(s.increment('k', { a: 5, b: 0.5 })).rejects.toThrow(InvalidRequestError);
      expect(await s.counters('k')).toEqual({ a: 1 });
      expect(await s.increment('stats', { n: 2 }, { ttlMs: 80 })).toEqual({ n: 2 });
      expect(await waitFor(async () => Object.keys(await s.counters('stats')).length === 0)).toBe(true);
    });

    it('reserve (counter check-and-add) is all or nothing', async () => {
      const s = await fresh();
      await s.increment('a', { used: 90 });
      const b5 = { key: 'b', field: 'used', amount: 5, limit: 10 };
      expect(await s.reserve([b5, { key: 'a', field: 'used', amount: 20, limit: 100 }])).toEqual({ ok: false, index: 1, current: 90 });
      expect(await s.counters('b')).toEqual({});
      expect(await s.reserve([b5, { key: 'a', field: 'used', amount: 10, limit: 100 }])).toEqual({ ok: true, values: [5, 100] });
    });

    it('sets and score-ordered logs: range is [min, max), equal scores keep their order, prune tracks what it dropped', async () => {
      const s = await fresh();
      await s.addToSet('set', ['x', 'y', 'x', '键']);
      expect((await s.members('set')).sort()).toEqual(['x', 'y', '键'].sort());
      for (const t of [5, 1, 3, 3, 9]) await s.append('log', t, `v${t}:${'|'.repeat(t % 2)}`);
      await s.append('log', 3, 'v3-last');
      expect((await s.range('log', 3, 9)).map((e) => e.value)).toEqual(['v3:|', 'v3:|', 'v3-last', 'v5:|']);
      expect(await s.prune('log', { maxCount: 4 })).toBe(2);
      expect(await s.logInfo('log')).toEqual({ length: 4, prunedThrough: 3 });
      expect(await s.prune('log', { minScore: 6 })).toBe(3);
      expect(await s.logInfo('log')).toEqual({ length: 1, prunedThrough: 5 });
      expect(await s.logInfo('none')).toEqual({ length: 0 });
    });

    it('write: several writes in order in one step, the same effect as the methods; bad input changes nothing', async () => {
      const s = await fresh();
      await s.write([]);
      await s.write([
        { op: 'increment', key: 'agg', deltas: { n: 1, cost: 250 } },
        { op: 'addToSet', key: 'idx', members: ['agg', '桶'] },
        { op: 'append', key: 'log', score: 5, value: 'first' },
        { op: 'increment', key: 'agg', deltas: { n: 1, cost: 100 } },
        { op: 'append', key: 'log', score: 5, value: 'second' },
        { op: 'append', key: 'log', score: 1, value: 'earlier' },
        { op: 'increment', key: 'stats', deltas: { n: 2 }, ttlMs: 80 },
      ]);
      expect(await s.counters('agg')).toEqual({ n: 2, cost: 350 });
      expect((await s.members('idx')).sort()).toEqual(['agg', '桶'].sort());
      expect((await s.range('log', 0, 10)).map((e) => e.value)).toEqual(['earlier', 'first', 'second']);
      await s.append('log', 5, 'third');
      expect((await s.range('log', 5, 6)).map((e) => e.value)).toEqual(['first', 'second', 'third']);
      expect(await waitFor(async () => Object.keys(await s.counters('stats')).length === 0)).toBe(true);
      // A bad write anywhere in the batch: an InvalidRequestError naming it, and none of the batch is written.
      const bad = s.write([
        { op: 'increment', key: 'agg', deltas: { n: 1 } },
        { op: 'append', key: 'log', score: 7, value: 'never' },
        { op: 'increment', key: 'agg', deltas: { n: 0.5 } },
      ]);
      await expect(bad).rejects.toThrow(InvalidRequestError);
      await expect(bad).rejects.toMatchObject({ path: 'writes.2.deltas.n' });
      await expect(s.write([{ op: 'drop', key: 'agg' } as never])).rejects.toMatchObject({ path: 'writes.0.op' });
      expect(await s.counters('agg')).toEqual({ n: 2, cost: 350 });
      expect(await s.range('log', 7, 8)).toEqual([]);
    });

    it('budget holds: live holds count, a refusal says what is spent and held, settle charges the real cost once', async () => {
      const s = await fresh();
      const items = (amount: number) => [
        { key: 'tenant:acme:day', amount, limit: 1_000 },
        { key: 'global:day', amount, limit: 5_000 },
      ];
      const a = await s.reserveHold({ id: 'r1', owner: 'p1', leaseMs: 60_000, items: items(600) });
      expect(a).toMatchObject({ ok: true, existing: false, values: [600, 600] });
      const refused = await s.reserveHold({ id: 'r2', owner: 'p1', leaseMs: 60_000, items: items(500) });
      expect(refused).toEqual({ ok: false, reason: 'limit', index: 0, spent: 0, held: 600, limit: 1_000, used: [600, 600] });
      // A refusal answers every item's spend and holds (`used`), not only the one that did not fit: a caller decides again without a read.
      const second = [items(100)[0]!, { key: 'other:day', amount: 50, limit: 40 }];
      expect(await s.reserveHold({ id: 'r2b', owner: 'p1', leaseMs: 60_000, items: second })).toEqual({
        ok: false,
        reason: 'limit',
        index: 1,
        spent: 0,
        held: 0,
        limit: 40,
        used: [600, 0],
      });
      // A retry of the same id holds nothing more.
      const retried = await s.reserveHold({ id: 'r1', owner: 'p1', leaseMs: 60_000, items: items(600) });
      expect(retried).toMatchObject({ ok: true, existing: true, values: [600, 600] });
      if (!a.ok) throw new Error('unreachable');
      expect(await s.settleHold(a.hold, [250, 250])).toEqual({ status: 'settled', expired: false, spent: [250, 250] });
      expect(await s.settleHold(a.hold, [250, 250])).toEqual({ status: 'duplicate', state: 'settled' });
      expect(await s.releaseHold(a.hold)).toEqual({ status: 'duplicate', state: 'settled' });
      expect(await s.reserveHold({ id: 'r1', owner: 'p1', leaseMs: 60_000, items: items(1) })).toEqual({
        ok: false,
        reason: 'finished',
        state: 'settled',
      });
      expect(await s.budgetUsage(['tenant:acme:day', 'global:day', 'unknown'])).toEqual([
        { key: 'tenant:acme:day', spent: 250, held: 0, holds: 0 },
        { key: 'global:day', spent: 250, held: 0, holds: 0 },
        { key: 'unknown', spent: 0, held: 0, holds: 0 },
      ]);
      const b = await s.reserveHold({ id: 'r3', owner: 'p1', leaseMs: 60_000, items: items(750) });
      expect(b).toMatchObject({ ok: true, values: [1_000, 1_000] });
      if (!b.ok) throw new Error('unreachable');
      expect(await s.releaseHold(b.hold)).toEqual({ status: 'released', expired: false, spent: [250, 250] });
      expect(await s.settleHold(b.hold, [9, 9])).toEqual({ status: 'duplicate', state: 'released' });
      expect((await s.budgetUsage(['tenant:acme:day']))[0]).toMatchObject({ spent: 250, held: 0 });
    });

    it('leases: an expired hold stops counting; renew keeps a live one; a late settle still charges, once', async () => {
      const s = await fresh();
      const item = { key: 'k', amount: 100, limit: 100 };
      const short = await s.reserveHold({ id: 'dies', owner: 'p-dead', leaseMs: 1_000, items: [item] });
      const kept = await s.reserveHold({ id: 'lives', owner: 'p', leaseMs: 3_000, items: [{ key: 'k2', amount: 50, limit: 100 }] });
      if (!short.ok || !kept.ok) throw new Error('reservations failed');
      expect(await s.reserveHold({ id: 'next', owner: 'p', leaseMs: 60_000, items: [item] })).toMatchObject({
        ok: false,
        reason: 'limit',
        held: 100,
      });
      expect(await s.renewHold(kept.hold, 60_000)).toBe(true);
      expect(await waitFor(async () => (await s.budgetUsage(['k']))[0]!.held === 0)).toBe(true);
      expect((await s.budgetUsage(['k2']))[0]).toMatchObject({ held: 50, holds: 1 });
      expect(await s.renewHold(short.hold, 60_000)).toBe(false);
      const next = await s.reserveHold({ id: 'next', owner: 'p', leaseMs: 60_000, items: [item] });
      expect(next.ok).toBe(true);
      // The dead process's request did cost money: a late settle charges it (over the limit), and only once.
      expect(await s.settleHold(short.hold, [80])).toEqual({ status: 'settled', expired: true, spent: [80] });
      expect(await s.settleHold(short.hold, [80])).toEqual({ status: 'duplicate', state: 'settled' });
      expect((await s.budgetUsage(['k']))[0]).toMatchObject({ spent: 80, held: 100 });
    });

    it('a budget key with a TTL (a period) expires with its holds', async () => {
      const s = await fresh();
      const r = await s.reserveHold({
        id: 'p1',
        owner: 'p',
        leaseMs: 60_000,
        items: [{ key: 'day:1', amount: 10, limit: 10, ttlMs: 1_000 }],
      });
      if (!r.ok) throw new Error('refused');
      await s.settleHold(r.hold, [10]);
      expect((await s.budgetUsage(['day:1']))[0]).toMatchObject({ spent: 10 });
      expect(await waitFor(async () => (await s.budgetUsage(['day:1']))[0]!.spent === 0)).toBe(true);
    });

    it('property: concurrent reserve/settle/release never exceed a limit when costs are honestly estimated; spend is exact', async () => {
      const op = fc.record({
        amount: fc.integer({ min: 0, max: 400 }),
        /** Fraction of the reservation actually spent (0..100 %); -1: released. */
        used: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constant(-1)),
        keys: fc.subarray(['t1', 't2', 'g'], { minLength: 1 }),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), fc.integer({ min: 200, max: 2_000 }), async (ops, limit) => {
          const s = await fresh();
          const charged: Record<string, number> = { t1: 0, t2: 0, g: 0 };
          await Promise.all(
            ops.map(async (o, i) => {
              const r = await s.reserveHold({
                id: `h${i}`,
                owner: 'p',
                leaseMs: 60_000,
                items: o.keys.map((key) => ({ key, amount: o.amount, limit })),
              });
              if (!r.ok) return;
              for (const v of r.values) expect(v).toBeLessThanOrEqual(limit);
              if (o.used < 0) return void (await s.releaseHold(r.hold));
              const cost = Math.floor((o.amount * o.used) / 100);
              const settled = await s.settleHold(
                r.hold,
                r.hold.keys.map(() => cost),
              );
              expect(settled.status).toBe('settled');
              for (const key of o.keys) charged[key]! += cost;
            }),
          );
          const usage = await s.budgetUsage(['t1', 't2', 'g']);
          for (const u of usage) {
            expect(u.held).toBe(0);
            expect(u.spent).toBe(charged[u.key]);
            expect(u.spent).toBeLessThanOrEqual(limit);
          }
        }),
        { numRuns: kit.runs },
      );
    }, 120_000);

    it('rate windows: at most `limit` per window across callers; weights count; the window slides', async () => {
      const s = await fresh();
      const results = await Promise.all(
        Array.from({ length: 25 }, (_, i) => s.admitRate({ key: 'gpt:rpm', id: `c${i}`, limit: 10, windowMs: 2_000 })),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(10);
      const refused = results.find((r) => !r.ok);
      expect(refused).toMatchObject({ ok: false, used: 10, limit: 10 });
      if (refused && !refused.ok) expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(
        await waitFor(async () => (await s.admitRate({ key: 'gpt:rpm', id: `late-${Date.now()}`, limit: 10, windowMs: 2_000 })).ok),
      ).toBe(true);
      expect(await s.admitRate({ key: 'tpm', id: 'a', limit: 1_000, windowMs: 60_000, weight: 700 })).toEqual({
        ok: true,
        used: 700,
        limit: 1_000,
      });
      expect(await s.admitRate({ key: 'tpm', id: 'b', limit: 1_000, windowMs: 60_000, weight: 400 })).toMatchObject({
        ok: false,
        used: 700,
      });
      expect(await s.admitRate({ key: 'tpm', id: 'c', limit: 1_000, windowMs: 60_000, weight: 300 })).toEqual({
        ok: true,
        used: 1_000,
        limit: 1_000,
      });
    });

    it('property: concurrent admissions never pass a rate or slot limit, and fill it exactly', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 30 }),
          fc.integer({ min: 1, max: 60 }),
          fc.integer({ min: 1, max: 5 }),
          async (limit, calls, weight) => {
            const s = await fresh();
            const rates = await Promise.all(
              Array.from({ length: calls }, (_, i) => s.admitRate({ key: 'w', id: `r${i}`, limit, windowMs: 60_000, weight })),
            );
            const admitted = rates.filter((r) => r.ok).length;
            expect(admitted).toBe(Math.min(calls, Math.floor(limit / weight)));
            for (const r of rates) expect(r.used).toBeLessThanOrEqual(limit);
            const slots = await Promise.all(
              Array.from({ length: calls }, (_, i) => s.acquireSlot({ key: 's', id: `s${i}`, limit, leaseMs: 60_000 })),
            );
            expect(slots.filter((r) => r.ok).length).toBe(Math.min(calls, limit));
          },
        ),
        { numRuns: kit.runs },
      );
    }, 120_000);

    it('concurrency slots: limited, renewable by id, given back, freed when the lease ends', async () => {
      const s = await fresh();
      expect(await s.acquireSlot({ key: 'gpt', id: 'keep', limit: 4, leaseMs: 60_000 })).toMatchObject({ ok: true, inUse: 1 });
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) => s.acquireSlot({ key: 'gpt', id: `s${i}`, limit: 4, leaseMs: 1_000 })),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(3);
      // Taking a slot again with the same id renews it, it does not take a second one.
      expect(await s.acquireSlot({ key: 'gpt', id: 'keep', limit: 4, leaseMs: 60_000 })).toMatchObject({ ok: true, inUse: 4 });
      const full = await s.acquireSlot({ key: 'gpt', id: 'x', limit: 4, leaseMs: 60_000 });
      expect(full).toMatchObject({ ok: false, inUse: 4, limit: 4 });
      // The three short leases end by themselves; 'keep' stays until it is given back.
      expect(await waitFor(async () => (await s.acquireSlot({ key: 'gpt', id: 'x', limit: 2, leaseMs: 60_000 })).ok)).toBe(true);
      expect(await s.acquireSlot({ key: 'gpt', id: 'y', limit: 2, leaseMs: 60_000 })).toMatchObject({ ok: false, inUse: 2 });
      await s.releaseSlot('gpt', 'keep');
      expect(await s.acquireSlot({ key: 'gpt', id: 'y', limit: 2, leaseMs: 60_000 })).toMatchObject({ ok: true, inUse: 2 });
    });

    it('admitLimits: windows and a slot in one step, all or nothing; a refusal says by what and for how long', async () => {
      const s = await fresh();
      const rpm = { key: 'm:rpm', limit: 2, windowMs: 60_000 };
      const tpm = (weight: number) => ({ key: 'm:tpm', limit: 100, windowMs: 60_000, weight });
      const slot = { key: 'm:slots', limit: 1, leaseMs: 60_000 };
      const first = await s.admitLimits({ id: 'a', windows: [rpm, tpm(60)], slot });
      expect(first).toMatchObject({ ok: true, used: [1, 60], inUse: 1 });
      // The slot is taken: refused by it, and neither window counts the refused call.
      expect(await s.admitLimits({ id: 'b', windows: [rpm, tpm(10)], slot })).toMatchObject({
        ok: false,
        by: 'slot',
        used: [1, 60],
        inUse: 1,
      });
      await s.releaseSlot('m:slots', 'a');
      // tpm has no room for 50: refused by that window (index 1), the rpm window is untouched.
      const refused = await s.admitLimits({ id: 'c', windows: [rpm, tpm(50)], slot });
      expect(refused).toMatchObject({ ok: false, by: 'window', index: 1, used: [1, 60] });
      expect(refused.ok === false && refused.retryAfterMs > 0 && refused.retryAfterMs <= 60_000).toBe(true);
      expect(await s.admitLimits({ id: 'd', windows: [rpm, tpm(40)], slot })).toMatchObject({ ok: true, used: [2, 100], inUse: 1 });
      // rpm is full now: refused by window 0 even though the tpm call would fit.
      await s.releaseSlot('m:slots', 'd');
      expect(await s.admitLimits({ id: 'e', windows: [rpm, tpm(1)] })).toMatchObject({ ok: false, by: 'window' });
      // The one-window and one-slot forms are the same step.
      expect(await s.admitRate({ key: 'm:rpm', id: 'f', limit: 3, windowMs: 60_000 })).toMatchObject({ ok: true, used: 3, limit: 3 });
      expect(await s.acquireSlot({ key: 'm:slots', id: 'g', limit: 1, leaseMs: 60_000 })).toMatchObject({ ok: true, inUse: 1 });
      for (const bad of [{ id: 'x' }, { id: 'x', windows: [rpm, rpm] }, { id: '', slot }, { id: 'x', slot: { ...slot, limit: -1 } }]) {
        await expect(s.admitLimits(bad)).rejects.toThrow(InvalidRequestError);
      }
    });

    it('versioned registers: compare-and-set from version 0, the loser learns the winner, TTL, notification', async () => {
      const s = await fresh();
      const seen: StoreChange[] = [];
      const stop = await s.subscribe('controls', (c) => seen.push(c));
      expect(await s.getVersioned('ctl')).toBeUndefined();
      const wins = await Promise.all([
        s.compareAndSet('ctl', 0, 'a', { notify: 'controls' }),
        s.compareAndSet('ctl', 0, 'b', { notify: 'controls' }),
      ]);
      expect(wins.filter((w) => w.ok)).toEqual([{ ok: true, version: 1 }]);
      const current = await s.getVersioned('ctl');
      expect(wins.find((w) => !w.ok)).toEqual({ ok: false, current });
      expect(await s.compareAndSet('ctl', 1, 'c', { notify: 'controls' })).toEqual({ ok: true, version: 2 });
      expect(await s.getVersioned('ctl')).toEqual({ version: 2, value: 'c' });
      expect(await waitFor(() => seen.length === 2)).toBe(true);
      expect(seen.map((c) => (c.type === 'message' ? JSON.parse(c.message) : c))).toEqual([
        { key: 'ctl', version: 1 },
        { key: 'ctl', version: 2 },
      ]);
      await stop();
      await s.compareAndSet('tmp', 0, 'x', { ttlMs: 100 });
      expect(await waitFor(async () => (await s.getVersioned('tmp')) === undefined)).toBe(true);
      expect(await s.compareAndSet('tmp', 0, 'y')).toEqual({ ok: true, version: 1 });
      await sleep(50);
      expect(seen).toHaveLength(2);
    });

    it('publish/subscribe: every subscriber gets each message; unsubscribe stops delivery', async () => {
      const s = await fresh();
      const a: string[] = [];
      const b: string[] = [];
      const stopA = await s.subscribe('ch', (c) => c.type === 'message' && a.push(c.message));
      const stopB = await s.subscribe('ch', (c) => c.type === 'message' && b.push(c.message));
      await s.publish('ch', 'one');
      await s.publish('other', 'not for us');
      expect(await waitFor(() => a.length === 1 && b.length === 1)).toBe(true);
      await stopA();
      await s.publish('ch', 'two');
      expect(await waitFor(() => b.length === 2)).toBe(true);
      expect(a).toEqual(['one']);
      expect(b).toEqual(['one', 'two']);
      await stopB();
    });

    it('breaker register: typed transitions with versions, a lost race answers the winner, every subscriber hears it', async () => {
      const s = await fresh();
      const breakers = breakerRegister(s);
      const heard: unknown[] = [];
      const stop = await breakers.subscribe((c) => heard.push(c));
      const now = Date.now();
      expect(await breakers.get('gpt-4o@openai:key1')).toBeUndefined();
      const open = { state: 'open' as const, openedAt: now, retryAt: now + 30_000, failures: 5 };
      expect(await breakers.transition('gpt-4o@openai:key1', 0, open)).toEqual({ ok: true, version: 1 });
      const stale = await breakers.transition('gpt-4o@openai:key1', 0, { state: 'closed', since: now });
      expect(stale).toEqual({ ok: false, current: { version: 1, breaker: open } });
      expect(await waitFor(() => heard.length === 1)).toBe(true);
      expect(heard).toEqual([{ type: 'transition', target: 'gpt-4o@openai:key1', version: 1 }]);
      await stop();
    });

    it('bad input is an InvalidRequestError with the path of the field', async () => {
      const s = await fresh();
      const err = await s
        .reserveHold({ id: 'x', owner: 'p', leaseMs: 1_000, items: [{ key: 'k', amount: 1.5, limit: 10 }] })
        .catch((e: unknown) => e);
      expect(InvalidRequestError.isInstance(err)).toBe(true);
      expect((err as InvalidRequestError).path).toBe('items.0.amount');
      await expect(s.admitRate({ key: 'k', id: 'i', limit: 1, windowMs: 0 })).rejects.toMatchObject({ path: 'windowMs' });
      await expect(s.settleHold({ id: 'x', keys: ['k'] }, [1, 2])).rejects.toMatchObject({ path: 'charges' });
      await expect(s.acquireSlot({ key: 'k', id: '', limit: 1, leaseMs: 10 })).rejects.toMatchObject({ path: 'id' });
    });
  });
}

// The stores are interchangeable: a fresh store of each kind is a SharedStore with its kind.
describe('store kinds', () => {
  it.each(KITS.filter((k) => k.available))('$name reports its kind', async (kit) => {
    const s: SharedStore = await kit.make();
    expect(s.kind).toBe(kit.name);
  });
});
