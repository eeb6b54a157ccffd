import { Redis } from 'ioredis';
import { redisStore } from '../src/state/redis/index.js';
import { startRedis } from './lib/redis.js';

const r = await startRedis();
if (!r) throw new Error('no redis');
const c = new Redis(r.url);
const store = redisStore({ url: r.url, prefix: 'cpu:' });
const N = 3000;
async function measure(name: string, fn: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 300; i++) await fn(i);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await fn(i);
  const cu = process.cpuUsage(c0);
  console.log(name.padEnd(34), 'cpu/op', ((cu.user + cu.system) / N).toFixed(1), 'µs  wall/op', (((performance.now() - t0) * 1000) / N).toFixed(1), 'µs');
}
await measure('raw ping', () => c.ping());
await measure('raw 4 pings awaited', async () => { await c.ping(); await c.ping(); await c.ping(); await c.ping(); });
await measure('raw pipeline 4 pings', () => c.pipeline().ping().ping().ping().ping().exec());
await measure('store get', () => store.get('x'));
await measure('store increment', (i) => store.increment('agg', { a: 1, b: i }));
await measure('store append', (i) => store.append('log', i, 'v' + i));
await measure('store incr+append parallel', (i) => Promise.all([store.increment('agg', { a: 1, b: i }), store.append('log', i, 'v' + i)]));
await measure('store reserve+settle', async (i) => {
  const h = await store.reserveHold({ id: 'h' + i + Math.random(), owner: 'o', leaseMs: 60000, items: [{ key: 'b', amount: 5, limit: 1e15 }] });
  if (h.ok) await store.settleHold(h.hold, [3]);
});
await c.quit();
await store.close();
await r.stop();
