import { afterAll, describe, expect, it } from 'vitest';
import type { StoreChange, StoreStatusEvent } from '../../src/state/index.js';
import { redisStore, StoreUnavailableError } from '../../src/state/redis/index.js';
import { hasRedisBinary, spawnRedis, type SpawnedRedis } from './helpers/redis-server.js';
import { waitFor } from './helpers/stores.js';

// These tests stop and restart their own redis-server, so they need the binary (CI installs it).
const canRun = hasRedisBinary() || process.env.CI === 'true';
const servers: SpawnedRedis[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
}, 30_000);

async function server(port?: number): Promise<SpawnedRedis> {
  const s = await spawnRedis(port);
  servers.push(s);
  return s;
}

const hold = (id: string) => ({ id, owner: 'p', leaseMs: 60_000, items: [{ key: 'acme', amount: 10, limit: 100 }] });

describe.skipIf(!canRun)('redisStore when Redis is away', () => {
  it('a hung server: every call rejects with StoreUnavailableError (timeout) after commandTimeoutMs, never hangs; events on each transition', async () => {
    const redis = await server();
    const store = redisStore({ url: redis.url, prefix: 'hang:', commandTimeoutMs: 300 });
    const events: StoreStatusEvent[] = [];
    store.onStatus((e) => events.push(e));
    expect((await store.reserveHold(hold('a'))).ok).toBe(true);
    redis.process.kill('SIGSTOP');
    try {
      const started = Date.now();
      const error = await store.reserveHold(hold('b')).catch((e: unknown) => e);
      const waited = Date.now() - started;
      expect(StoreUnavailableError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        code: 'store-unavailable',
        store: 'redis',
        operation: 'reserveHold',
        reason: 'timeout',
        retryable: true,
      });
      await expect(store.get('x')).rejects.toMatchObject({ code: 'store-unavailable', operation: 'get' });
      console.log(`hung server: reserveHold rejected after ${waited} ms (commandTimeoutMs 300)`);
      expect(events.map((e) => e.type)).toEqual(['unavailable']);
    } finally {
      redis.process.kill('SIGCONT');
    }
    expect(
      await waitFor(
        async () =>
          await store.get('x').then(
            () => true,
            () => false,
          ),
        10_000,
      ),
    ).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['unavailable', 'available']);
    await store.close();
  }, 60_000);

  it('a server that is down: fail-closed refuses budget holds, fail-open admits rate limits (degraded) and says so', async () => {
    const redis = await server();
    const store = redisStore({
      url: redis.url,
      prefix: 'down:',
      commandTimeoutMs: 300,
      onStoreError: { budget: 'fail-closed', rateLimit: 'fail-open' },
    });
    const events: StoreStatusEvent[] = [];
    store.onStatus((e) => events.push(e));
    expect((await store.admitRate({ key: 'rpm', id: '1', limit: 1, windowMs: 60_000 })).ok).toBe(true);
    await redis.stop();
    await expect(store.reserveHold(hold('c'))).rejects.toMatchObject({ code: 'store-unavailable', operation: 'reserveHold' });
    // The limit of 1 is already used, but with Redis away the fail-open admission lets the call through, marked.
    expect(await store.admitRate({ key: 'rpm', id: '2', limit: 1, windowMs: 60_000 })).toEqual({
      ok: true,
      used: 0,
      limit: 1,
      degraded: true,
    });
    expect(await store.acquireSlot({ key: 'c', id: '1', limit: 1, leaseMs: 1_000 })).toMatchObject({ ok: true, degraded: true });
    expect(events.filter((e) => e.type === 'degraded').map((e) => e.type === 'degraded' && e.operation)).toEqual([
      'admitRate',
      'acquireSlot',
    ]);
    expect(events[0]).toMatchObject({ type: 'unavailable', store: 'redis' });
    await store.close();
  }, 60_000);

  it('fail-open for every kind: a hold is answered as degraded; settling it is degraded too', async () => {
    const redis = await server();
    const store = redisStore({ url: redis.url, prefix: 'open:', commandTimeoutMs: 300, onStoreError: 'fail-open' });
    await store.get('warm');
    await redis.stop();
    const r = await store.reserveHold(hold('d'));
    expect(r).toMatchObject({ ok: true, degraded: true, values: [] });
    if (!r.ok) throw new Error('unreachable');
    expect(await store.settleHold(r.hold, [5])).toEqual({ status: 'degraded' });
    await store.close();
  }, 60_000);

  it('a restart: the store reconnects by itself, subscribers are told to resync, and hear what is published next', async () => {
    const redis = await server();
    const store = redisStore({ url: redis.url, prefix: 'restart:', commandTimeoutMs: 500 });
    const events: StoreStatusEvent[] = [];
    store.onStatus((e) => events.push(e));
    const changes: StoreChange[] = [];
    await store.subscribe('breakers', (c) => changes.push(c));
    await store.publish('breakers', 'before');
    expect(await waitFor(() => changes.length === 1)).toBe(true);
    await redis.stop();
    await expect(store.publish('breakers', 'lost')).rejects.toBeInstanceOf(StoreUnavailableError);
    const again = await server(redis.port);
    expect(
      await waitFor(
        async () =>
          store.get('x').then(
            () => true,
            () => false,
          ),
        15_000,
      ),
    ).toBe(true);
    expect(await waitFor(() => changes.some((c) => c.type === 'resync'), 15_000)).toBe(true);
    await store.publish('breakers', 'after');
    expect(await waitFor(() => changes.some((c) => c.type === 'message' && c.message === 'after'), 5_000)).toBe(true);
    expect(changes.filter((c) => c.type === 'message').map((c) => c.type === 'message' && c.message)).toEqual(['before', 'after']);
    expect(events.map((e) => e.type)).toEqual(['unavailable', 'available']);
    await store.close();
    await again.stop();
  }, 60_000);

  it('options are checked: exactly one of client or url, a positive timeout', () => {
    expect(() => redisStore({})).toThrow(/exactly one of `client`/);
    expect(() => redisStore({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 0 })).toThrow(/commandTimeoutMs/);
  });
});
