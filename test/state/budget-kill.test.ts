import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BudgetExceededError } from '../../src/index.js';
import { ask, BIG, budgetRouter, KILL_LIMIT_MICROS } from './helpers/budget-router.js';
import { backends, workers } from './helpers/workers.js';
import { redisForTests } from './helpers/redis-server.js';
import { waitFor } from './helpers/stores.js';
import type { Task, WorkerConfig } from './helpers/worker.js';

/**
 * `kill -9` of a router process with budget holds in flight: another router on the same store must
 * see the holds counted until their lease ends and gone right after, admit again, and find every
 * record and every settled micro-dollar the killed process had acknowledged.
 */
const dir = mkdtempSync(join(tmpdir(), 'switchyard-budget-kill-'));
const LEASE_MS = 2_000;

const fleet = workers();
const worker = (store: WorkerConfig['store'], task: Task) => fleet.start(store, task, 'killed');

afterAll(async () => {
  fleet.killAll();
  rmSync(dir, { recursive: true, force: true });
  (await redisForTests().catch(() => undefined))?.stop?.();
}, 30_000);

const BACKENDS = backends(dir, 'kill');

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`kill -9 of a router with budget holds in flight (${backend.name})`, () => {
    it('its holds count until the lease ends, then the budget admits again; every acknowledged record and micro-dollar is kept', async () => {
      const config = await backend.config();
      const killed = worker(config, { type: 'router-hold', leaseMs: LEASE_MS, served: 5, inFlight: 4 });
      await killed.next('ready');
      killed.go();
      const acked = await killed.next('acked');
      const held = await killed.next('held');
      killed.child.kill('SIGKILL');
      const killedAt = Date.now();
      const store = backend.open(config);
      const router = budgetRouter(store, LEASE_MS);
      try {
        const status = async () => (await router.budgets.status({ tenant: 'acme' }))[0]!;
        // Right after the kill the dead process's holds still count: a fifth big request does not fit.
        const early = await status();
        const refused = await router.chat(ask('quick', BIG.maxTokens)).catch((e: unknown) => e);
        const released = await waitFor(async () => (await status()).heldMicros === 0, LEASE_MS + 20_000);
        const releasedAfterMs = Date.now() - killedAt;
        // Once released, the budget admits the same request again.
        const admitted = await router.chat(ask('quick', BIG.maxTokens));
        const after = await router.costs.summary({});
        console.log(
          `${backend.name}: router killed with ${Number(held.heldMicros)} µ$ held by 4 requests in flight ` +
            `(still ${Number(held.stillHeldMicros)} µ$ after 1.5 leases of renewal); ` +
            `another router saw them released ${releasedAfterMs} ms after the kill (lease ${LEASE_MS} ms); ` +
            `acknowledged ${Number(acked.records)} records, ${Number(acked.ledgerMicros)} µ$, kept after the kill`,
        );
        expect(Number(held.stillHeldMicros)).toBe(Number(held.heldMicros));
        expect(early.heldMicros).toBe(Number(held.heldMicros));
        expect(BudgetExceededError.isInstance(refused)).toBe(true);
        expect(released).toBe(true);
        expect(admitted.text).toBe('ok');
        // What the killed process acknowledged, to the micro-dollar: its records, their cost and the budget's settled spend.
        expect(Number(acked.records)).toBe(5);
        expect(Number(acked.ledgerMicros)).toBe(Number(acked.costMicros));
        expect(Number(acked.spentMicros)).toBe(Number(acked.costMicros));
        const refusedRecord = 1;
        expect(after.rows.reduce((n, r) => n + r.requests, 0)).toBe(5 + refusedRecord + 1);
        expect(after.rows.reduce((n, r) => n + r.costMicros, 0)).toBe(Number(acked.ledgerMicros) + admitted.cost.totalMicros);
        const end = await status();
        expect(end.spentMicros).toBe(Number(acked.spentMicros) + admitted.cost.totalMicros);
        expect(end.heldMicros).toBe(0);
        expect(end.spentMicros).toBeLessThanOrEqual(KILL_LIMIT_MICROS);
      } finally {
        await router.close();
        await store.close();
      }
    }, 180_000);
  });
}
