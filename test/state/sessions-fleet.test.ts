/**
 * Session pins shared by router processes on one store (SQLite, Redis): a session that started in
 * one process keeps its model in another. Each process is a router (test/state/helpers/worker.ts)
 * whose models `a` then `b` serve in that order; the loopback vendor sees which model was called.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRouter, memoryStore } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';
import { redisForTests } from './helpers/redis-server.js';
import { startFleetVendor } from './helpers/fleet-vendor.js';
import { backends, workers } from './helpers/workers.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-pins-'));
const fleet = workers();

afterAll(async () => {
  fleet.killAll();
  rmSync(dir, { recursive: true, force: true });
  (await redisForTests().catch(() => undefined))?.stop?.();
}, 30_000);

const BACKENDS = backends(dir, 'pins');

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`session pins shared through one ${backend.name} store`, () => {
    it('a session served by model b in one process stays on b in another; a new session starts on a', async () => {
      const vendor = await startFleetVendor();
      try {
        const store = await backend.config();
        // Process 1 serves conv-42 with b (forced), which pins the session to b in the store.
        const [first] = await fleet.runAll(store, [{ type: 'router-session', vendor: vendor.url, session: 'conv-42', model: 'b' }]);
        // Processes 2 and 3, started afterwards: conv-42 continues on b; conv-7 has no pin and gets the first model.
        const [same, other] = await fleet.runAll(store, [
          { type: 'router-session', vendor: vendor.url, session: 'conv-42' },
          { type: 'router-session', vendor: vendor.url, session: 'conv-7' },
        ]);
        console.log(`${backend.name}: conv-42 served by ${String(first!.model)} in process 1, by ${String(same!.model)} in process 2`);
        expect(first!.model).toBe('b');
        expect(same!.model).toBe('b');
        expect(other!.model).toBe('a');
        expect(vendor.calls.map((c) => c.model).sort()).toEqual(['x-a', 'x-b', 'x-b']);
      } finally {
        await vendor.close();
      }
    }, 120_000);
  });
}

describe('session pins on the memory store', () => {
  it('stay in each router: two routers on one memoryStore() do not share them', async () => {
    const store = memoryStore();
    const make = () =>
      createRouter({
        providers: { m: mockProvider({ reply: { text: 'ok' } }) },
        models: { a: { provider: 'm', model: 'x-a' }, b: { provider: 'm', model: 'x-b' } },
        store,
      });
    const one = make();
    const two = make();
    const first = await one.chat({ messages: [{ role: 'user', content: 'hi' }], session: 's', model: 'b' });
    const again = await one.chat({ messages: [{ role: 'user', content: 'hi' }], session: 's' });
    const elsewhere = await two.chat({ messages: [{ role: 'user', content: 'hi' }], session: 's' });
    await Promise.all([one.close(), two.close()]);
    expect([first.route.model, again.route.model, elsewhere.route.model]).toEqual(['b', 'b', 'a']);
  });
});
