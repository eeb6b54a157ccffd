/**
 * Measures the stores for docs/state.md (not a test: nothing is asserted).
 *   npx tsx test/state/measure-stores.ts             (memory + Redis; a redis-server is spawned if SWITCHYARD_REDIS_URL is unset)
 *   <node 24> --import tsx test/state/measure-stores.ts   (adds SQLite)
 * 1. Round trip of one budget reserve (reserveHold over 2 budgets), one call at a time: p50 / p99.
 * 2. reserve + settle cycles per second with 64 in flight, against the memory store's.
 */
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { memoryStore, type SharedStore } from '../../src/state/index.js';
import { redisStore } from '../../src/state/redis/index.js';
import { sqliteStore } from '../../src/state/sqlite/index.js';
import { REDIS_ENV, sqliteAvailable, spawnRedis } from './helpers/redis-server.js';

const LIMIT = Number.MAX_SAFE_INTEGER;
let seq = 0;
const items = () => [
  { key: 'tenant:acme:day', amount: 1_000, limit: LIMIT },
  { key: 'global:day', amount: 1_000, limit: LIMIT },
];

async function cycle(store: SharedStore): Promise<void> {
  const r = await store.reserveHold({ id: `m${seq++}`, owner: 'bench', leaseMs: 60_000, items: items() });
  if (!r.ok) throw new Error('refused');
  await store.settleHold(r.hold, [700, 700]);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function roundTrip(store: SharedStore, n: number): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < n + 200; i++) {
    const t = process.hrtime.bigint();
    const r = await store.reserveHold({ id: `rt${seq++}`, owner: 'bench', leaseMs: 60_000, items: items() });
    const us = Number(process.hrtime.bigint() - t) / 1_000;
    if (i >= 200) times.push(us); // The first 200 warm the connection and the JIT.
    if (r.ok) await store.releaseHold(r.hold);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function throughput(store: SharedStore, inFlight: number, ms: number): Promise<number> {
  for (let i = 0; i < 500; i++) await cycle(store);
  let done = 0;
  const end = performance.now() + ms;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        await cycle(store);
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1_000);
}

async function main(): Promise<void> {
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(`node ${process.version}, ${cpus().length} x ${cpus()[0]?.model}, load ${load}, ${new Date().toISOString()}`);
  let url = process.env[REDIS_ENV];
  const spawned = url ? undefined : await spawnRedis();
  url ??= spawned!.url;
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-measure-'));
  const stores: Array<[string, SharedStore]> = [
    ['memory', memoryStore()],
    ['redis (loopback)', redisStore({ url, prefix: `measure:${randomUUID().slice(0, 8)}:`, commandTimeoutMs: 10_000 })],
  ];
  if (sqliteAvailable) stores.push(['sqlite (WAL file)', sqliteStore({ path: join(dir, 'm.db') })]);
  const rows: string[] = [];
  let memory = 0;
  for (const [name, store] of stores) {
    const rt = await roundTrip(store, 3_000);
    const rate = await throughput(store, 64, 3_000);
    if (name === 'memory') memory = rate;
    const perSecond = Math.round(rate).toLocaleString('en-US');
    rows.push(
      `| ${name} | ${rt.p50.toFixed(0)} µs | ${rt.p99.toFixed(0)} µs | ${perSecond} /s | ${((rate / memory) * 100).toFixed(1)} % |`,
    );
    await store.close();
  }
  console.log('| store | reserve p50 | reserve p99 | reserve+settle at 64 in flight | vs memory |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
  await spawned?.stop();
  rmSync(dir, { recursive: true, force: true });
}

await main();
