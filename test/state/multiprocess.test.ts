import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backends, workers } from './helpers/workers.js';
import { redisForTests } from './helpers/redis-server.js';
import { waitFor } from './helpers/stores.js';
import type { Task } from './helpers/worker.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-mp-'));

const fleet = workers();
const worker = fleet.start;

afterAll(async () => {
  fleet.killAll();
  rmSync(dir, { recursive: true, force: true });
  (await redisForTests().catch(() => undefined))?.stop?.();
}, 30_000);

const BACKENDS = backends(dir, 'mp');

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`4 processes on one ${backend.name} store`, () => {
    it('4 x 50 concurrent reservations against one limit: spend never exceeds it, to the micro-dollar', async () => {
      const config = await backend.config();
      // $0.12 allows 120 reservations of $0.001; 200 are attempted; each costs 50-100 % of its estimate.
      const task: Task = { type: 'budget', key: 'acme:day', requests: 50, amount: 1_000, limit: 120_000 };
      const results = await fleet.runAll(config, [task, task, task, task]);
      const store = backend.open(config);
      const [usage] = await store.budgetUsage(['acme:day']);
      await store.close();
      const admitted = results.reduce((n, r) => n + Number(r.admitted), 0);
      const charged = results.reduce((n, r) => n + Number(r.charged), 0);
      console.log(`${backend.name}: ${admitted} of 200 reservations admitted, spent ${usage!.spent} of 120000 micro-dollars`);
      expect(usage!.held).toBe(0);
      expect(usage!.spent).toBe(charged);
      expect(usage!.spent).toBeLessThanOrEqual(120_000);
      expect(admitted).toBeGreaterThanOrEqual(120);
    }, 180_000);

    it('an rpm limit of 600 shared by 4 processes admits exactly 600 of 1,000 calls in the window', async () => {
      const config = await backend.config();
      const task: Task = { type: 'rate', key: 'gpt:rpm', calls: 250, limit: 600, windowMs: 60_000 };
      const results = await fleet.runAll(config, [task, task, task, task]);
      const admitted = results.map((r) => Number(r.admitted));
      console.log(`${backend.name}: admitted per process ${admitted.join(', ')}`);
      expect(admitted.reduce((a, b) => a + b, 0)).toBe(600);
    }, 180_000);

    it('a breaker opened in one process is seen by the 3 others within 1 s, by notification', async () => {
      const config = await backend.config();
      const target = 'gpt-4o@openai:key-1';
      const listeners = [0, 1, 2].map((i) => worker(config, { type: 'breaker-listen', target }, `listener${i}`));
      await Promise.all(listeners.map((l) => l.next('ready')));
      const opener = worker(config, { type: 'breaker-open', target }, 'opener');
      await opener.next('ready');
      opener.go();
      const opened = await opener.next('done');
      expect(opened.ok).toBe(true);
      const seen = await Promise.all(listeners.map((l) => l.next('seen', 10_000)));
      const delays = seen.map((s) => Number(s.at) - Number(opened.at));
      console.log(`${backend.name}: breaker seen by the other processes after ${delays.join(', ')} ms`);
      for (const s of seen) expect(s.version).toBe(1);
      // Generous for a loaded machine: Redis delivers in about a millisecond, SQLite within one 200 ms poll.
      for (const d of delays) expect(d).toBeLessThan(1_000);
      for (const l of listeners) l.child.kill('SIGTERM');
    }, 120_000);

    it('kill -9 of a process holding reservations and slots: all are free once the lease ends', async () => {
      const config = await backend.config();
      const leaseMs = 2_000;
      const holder = worker(
        config,
        { type: 'hold-and-wait', key: 'acme:day', holds: 5, amount: 20_000, limit: 100_000, leaseMs, slots: 3 },
        'holder',
      );
      await holder.next('ready');
      holder.go();
      await holder.next('held');
      holder.child.kill('SIGKILL');
      const killedAt = Date.now();
      const store = backend.open(config);
      try {
        // Right after the kill the budget is still held in full: nothing else may take it before the lease ends.
        const item = (amount: number) => [{ key: 'acme:day', amount, limit: 100_000 }];
        const before = await store.reserveHold({ id: 'after-kill-early', owner: 'test', leaseMs: 60_000, items: item(20_000) });
        const usage = (await store.budgetUsage(['acme:day']))[0]!;
        expect(await waitFor(async () => (await store.budgetUsage(['acme:day']))[0]!.held === 0, leaseMs + 10_000)).toBe(true);
        const releasedAfter = Date.now() - killedAt;
        const full = await store.reserveHold({ id: 'after-kill', owner: 'test', leaseMs: 60_000, items: item(100_000) });
        // The slots were taken a few ms after the holds: their leases end a few ms later. Taking one again with the same id renews it.
        const slotsFree = await waitFor(async () => {
          const slots = await Promise.all(
            [0, 1, 2].map((i) => store.acquireSlot({ key: 'acme:day', id: `after-kill-${i}`, limit: 3, leaseMs: 60_000 })),
          );
          return slots.every((s) => s.ok);
        }, leaseMs + 10_000);
        const slotsAfter = Date.now() - killedAt;
        console.log(
          `${backend.name}: after kill -9, holds free after ${releasedAfter} ms and slots after ${slotsAfter} ms (lease ${leaseMs} ms)`,
        );
        expect(usage.held).toBe(100_000);
        expect(before.ok).toBe(false);
        expect(full.ok).toBe(true);
        expect(slotsFree).toBe(true);
      } finally {
        await store.close();
      }
    }, 120_000);
  });
}
