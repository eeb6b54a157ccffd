/**
 * What shared rate limits cost on the request path (run by hand: `npx tsx test/state/ratelimit-measure.ts`;
 * Node 22.13+ for the SQLite rows; Redis from SWITCHYARD_REDIS_URL or a local redis-server).
 * A router with a mock provider that answers at once, with and without `rateLimits` (rpm, tpm and
 * maxConcurrent set high enough never to refuse), on each store: p50 of one call at a time, and
 * calls per second with 64 in flight. The difference is the limiter's own cost.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRouter, memoryStore, type RateLimitOptions, type SharedStore } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';
import { redisStore } from '../../src/state/redis/index.js';
import { sqliteStore } from '../../src/state/sqlite/index.js';
import { redisAvailable, redisForTests, sqliteAvailable } from './helpers/redis-server.js';

const LIMITS: RateLimitOptions = { rpm: 10_000_000, tpm: 1_000_000_000, maxConcurrent: 10_000, overflow: 'queue' };
const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };

async function measure(store: SharedStore, limited: boolean) {
  const router = createRouter({
    providers: { m: mockProvider({ reply: { text: 'ok' } }) },
    models: { gpt: { provider: 'm', model: 'x' } },
    ...(limited && { rateLimits: { m: LIMITS } }),
    store,
  });
  for (let i = 0; i < 50; i++) await router.chat(ask);
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t = performance.now();
    await router.chat(ask);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const total = 2_000;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next++ < total) await router.chat(ask);
    }),
  );
  const perSecond = total / ((performance.now() - started) / 1000);
  await router.close();
  return { p50: times[Math.floor(times.length / 2)]!, perSecond };
}

const dir = mkdtempSync(join(tmpdir(), 'switchyard-rl-measure-'));
const stores: Array<[string, () => Promise<SharedStore>]> = [['memory', async () => memoryStore()]];
if (redisAvailable)
  stores.push(['redis', async () => redisStore({ url: (await redisForTests())!.url, prefix: `m:${randomUUID().slice(0, 8)}:` })]);
if (sqliteAvailable) stores.push(['sqlite', async () => sqliteStore({ path: join(dir, `${randomUUID()}.db`) })]);

try {
  // Warm-up (JIT, module loading), not reported.
  await measure(memoryStore(), false);
  await measure(memoryStore(), true);
  for (const [name, open] of stores) {
    const store = await open();
    const plain = await measure(store, false);
    const limited = await measure(store, true);
    await store.close();
    console.log(
      `${name}: p50 ${plain.p50.toFixed(3)} ms without limits, ${limited.p50.toFixed(3)} ms with rpm + tpm + maxConcurrent ` +
        `(+${(limited.p50 - plain.p50).toFixed(3)} ms); 64 in flight: ${Math.round(plain.perSecond)} / ${Math.round(limited.perSecond)} calls/s ` +
        `(${Math.round((100 * limited.perSecond) / plain.perSecond)} %)`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  await (await redisForTests().catch(() => undefined))?.stop?.();
}
