import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import type { SharedStore } from '../../src/state/index.js';
import { redisStore } from '../../src/state/redis/index.js';
import { sqliteStore } from '../../src/state/sqlite/index.js';
import { redisAvailable, redisForTests, sqliteAvailable } from './helpers/redis-server.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-durable-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await (await redisForTests().catch(() => undefined))?.stop?.();
}, 30_000);

describe.skipIf(sqliteAvailable)('sqliteStore on a Node without node:sqlite', () => {
  it('throws a ConfigError that names the Node it needs and the one it runs on', () => {
    const error = (() => {
      try {
        sqliteStore({ path: join(dir, 'x.db') });
      } catch (e) {
        return e;
      }
    })();
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues[0]!.path).toBe('store');
    expect((error as ConfigError).message).toContain('Node 22.13 or newer');
    expect((error as ConfigError).message).toContain(`this is Node ${process.versions.node}`);
  });
});

/** Writes a ledger-like log, counters and a settled budget; returns what a reader sees. */
async function snapshot(s: SharedStore) {
  return {
    log: await s.range('ledger', 0, Number.MAX_SAFE_INTEGER),
    counters: await s.counters('agg:acme'),
    usage: await s.budgetUsage(['acme:day']),
    pin: await s.get('pin:conv-42'),
    breaker: await s.getVersioned('breaker:gpt'),
  };
}

async function fill(s: SharedStore) {
  for (let i = 0; i < 50; i++) {
    await s.append('ledger', 1_000 + i, JSON.stringify({ i, costMicros: 1_234 + i }));
    await s.increment('agg:acme', { costMicros: 1_234 + i, requests: 1 });
    const r = await s.reserveHold({
      id: `req-${i}`,
      owner: 'p',
      leaseMs: 60_000,
      items: [{ key: 'acme:day', amount: 2_000, limit: 1_000_000 }],
    });
    if (r.ok && i % 5 !== 0) await s.settleHold(r.hold, [1_234 + i]);
  }
  await s.set('pin:conv-42', 'claude-sonnet', { ttlMs: 3_600_000 });
  await s.compareAndSet('breaker:gpt', 0, '{"state":"closed","since":1}');
}

const backends: Array<{ name: string; available: boolean; open: () => Promise<() => SharedStore> }> = [
  {
    name: 'sqlite',
    available: sqliteAvailable,
    open: async () => {
      const path = join(dir, `${randomUUID()}.db`);
      return () => sqliteStore({ path });
    },
  },
  {
    name: 'redis',
    available: redisAvailable,
    open: async () => {
      const server = await redisForTests();
      const prefix = `durable:${randomUUID().slice(0, 8)}:`;
      return () => redisStore({ url: server!.url, prefix });
    },
  },
];

for (const b of backends) {
  describe.skipIf(!b.available)(`${b.name}: a restart keeps everything`, () => {
    it('ledger entries, aggregates, budget spend and live holds, pins and breakers are identical after reopening, to the micro-dollar', async () => {
      const make = await b.open();
      const first = make();
      await fill(first);
      const before = await snapshot(first);
      await first.close();
      const second = make();
      const after = await snapshot(second);
      await second.close();
      expect(after).toEqual(before);
      expect(before.log).toHaveLength(50);
      // 40 of 50 were settled at 1,234 + i micro-dollars; 10 are still held at 2,000 each.
      const settled = Array.from({ length: 50 }, (_, i) => i).filter((i) => i % 5 !== 0);
      expect(before.usage[0]).toEqual({ key: 'acme:day', spent: settled.reduce((sum, i) => sum + 1_234 + i, 0), held: 20_000, holds: 10 });
    }, 60_000);
  });
}
