import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backends, workers } from './helpers/workers.js';
import { redisForTests } from './helpers/redis-server.js';
import type { Task } from './helpers/worker.js';

/**
 * Four Node processes, each with its own router on one store (Redis, SQLite): a breaker opened in one
 * and a provider disabled in one stop the calls of the other three; a process started later starts
 * with the controls in force. What is asserted is how many calls reached the failing target after the
 * decision, bounded by what the caller sends in one second, never a wall-clock time.
 */
const dir = mkdtempSync(join(tmpdir(), 'switchyard-fleet-'));

const fleet = workers();
const worker = fleet.start;

afterAll(async () => {
  fleet.killAll();
  rmSync(dir, { recursive: true, force: true });
  (await redisForTests().catch(() => undefined))?.stop?.();
}, 30_000);

const BACKENDS = backends(dir, 'fleet');

/** Callers of the failing target; they run well past the decision so that "stopped" is observed, not assumed. */
const caller: Task = { type: 'router-caller', failureThreshold: 1_000_000, intervalMs: 10, durationMs: 5_000 };

/** Calls made after `at`, and the calls made in the second before it (what one second of delay would let through). */
function around(calls: number[], at: number) {
  return { after: calls.filter((t) => t >= at).length, lastSecond: calls.filter((t) => t < at && t >= at - 1_000).length };
}

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`4 routers in 4 processes on one ${backend.name} store`, () => {
    it('a breaker opened in one process: the 3 others stop calling its target, learning it by notification', async () => {
      const config = await backend.config();
      const callers = [0, 1, 2].map((i) => worker(config, caller, `caller${i}`));
      const opener = worker(config, { type: 'router-opener', failureThreshold: 3 }, 'opener');
      await Promise.all([...callers, opener].map((w) => w.next('ready')));
      for (const c of callers) c.go();
      await Promise.all(callers.map((c) => c.next('calling')));
      await new Promise((r) => setTimeout(r, 1_000));
      opener.go();
      const opened = await opener.next('done');
      const openedAt = Number(opened.at);
      const results = await Promise.all(callers.map((c) => c.next('done')));
      const figures = results.map((r) => {
        const calls = r.calls as number[];
        const learnedAt = r.learnedAt as number | undefined;
        return {
          ...around(calls, openedAt),
          learnedAt,
          startedAfterLearning: calls.filter((t) => learnedAt !== undefined && t > learnedAt).length,
        };
      });
      console.log(
        `${backend.name}: breaker opened in one process; the others learned it after ${figures.map((f) => Number(f.learnedAt) - openedAt).join(', ')} ms; ` +
          `calls that reached the failing target after the open: ${figures.map((f) => f.after).join(', ')} ` +
          `(in the second before it: ${figures.map((f) => f.lastSecond).join(', ')})`,
      );
      expect((opened.calls as number[]).length).toBe(3);
      for (const f of figures) {
        expect(f.learnedAt).toBeDefined();
        expect(f.lastSecond).toBeGreaterThan(0); // It was calling the target right up to the open.
        expect(f.startedAfterLearning).toBe(0);
        // Stopped within what it sends in one second (plus the call in flight): "within 1 s", counted in calls.
        expect(f.after).toBeLessThanOrEqual(f.lastSecond + 1);
      }
    }, 180_000);

    it('a provider disabled in one process: the 3 others stop calling it; a process started later starts with it disabled', async () => {
      const config = await backend.config();
      const callers = [0, 1, 2].map((i) => worker(config, caller, `caller${i}`));
      const disabler = worker(config, { type: 'router-disabler' }, 'disabler');
      await Promise.all([...callers, disabler].map((w) => w.next('ready')));
      for (const c of callers) c.go();
      await Promise.all(callers.map((c) => c.next('calling')));
      await new Promise((r) => setTimeout(r, 1_000));
      disabler.go();
      const disabledAt = Number((await disabler.next('done')).at);
      const results = await Promise.all(callers.map((c) => c.next('done')));
      const figures = results.map((r) => {
        const calls = r.calls as number[];
        const seenAt = r.disabledSeenAt as number | undefined;
        return { ...around(calls, disabledAt), seenAt, afterSeen: calls.filter((t) => seenAt !== undefined && t > seenAt).length };
      });
      console.log(
        `${backend.name}: provider disabled in one process; the others saw it after ${figures.map((f) => Number(f.seenAt) - disabledAt).join(', ')} ms ` +
          `(checked between their requests); calls after the disable: ${figures.map((f) => f.after).join(', ')} ` +
          `(in the second before it: ${figures.map((f) => f.lastSecond).join(', ')})`,
      );
      for (const f of figures) {
        expect(f.seenAt).toBeDefined();
        expect(f.lastSecond).toBeGreaterThan(0);
        expect(f.afterSeen).toBe(0);
        expect(f.after).toBeLessThanOrEqual(f.lastSecond + 1);
      }
      // A restart: a new process on the same store; its very first request already avoids the disabled provider.
      const restarted = worker(config, { type: 'router-restarted' }, 'restarted');
      await restarted.next('ready');
      restarted.go();
      const first = await restarted.next('done');
      expect(first).toMatchObject({ model: 'backup', calls: 0, disabled: true });
    }, 180_000);

    it('kill -9 of the process holding the half-open probe: another process takes it over when the lease ends, and closes the breaker', async () => {
      const config = await backend.config();
      const cooldownMs = 3_000;
      const prober = worker(config, { type: 'router-prober', cooldownMs }, 'prober');
      // Started first: a process that takes seconds to start on a loaded machine must not start after the lease ended.
      const taker = worker(config, { type: 'router-taker', cooldownMs, intervalMs: 20 }, 'taker');
      await Promise.all([prober.next('ready'), taker.next('ready')]);
      prober.go();
      const probing = await prober.next('probing');
      // The taker calls before the kill, so it sees the probe held elsewhere however slowly it runs.
      taker.go();
      await taker.next('calling');
      prober.child.kill('SIGKILL');
      const killedAt = Date.now();
      const done = await taker.next('done');
      console.log(
        `${backend.name}: probe holder killed; another process served by the target ${Number(done.servedAt) - killedAt} ms later (lease ${cooldownMs} ms); states ${String(done.states)}; first ${Number(done.firstAt) - Number(probing.claimFrom)} ms after the claim`,
      );
      expect(done.servedAt).toBeDefined();
      // One call to the target: its probe, made only once the dead process's lease had ended.
      expect((done.calls as number[]).length).toBe(1);
      expect((done.calls as number[])[0]).toBeGreaterThanOrEqual(Number(probing.claimFrom) + cooldownMs);
      // A taker that called while the lease lasted saw the probe held elsewhere (on a loaded machine its
      // first call may come after the lease, and then there was nothing to see).
      if (Number(done.firstAt) < Number(probing.at) + cooldownMs - 500) expect(done.states).toContain('half-open');
    }, 180_000);
  });
}
