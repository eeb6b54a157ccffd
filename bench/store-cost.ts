/**
 * What a shared store costs on the request path: the same router (one model on the mock server,
 * one daily block budget per tenant, so every request holds and settles) on the memory store and
 * on `redisStore` with redis-server on loopback. Reported: the p50 latency Redis adds to a request
 * (sequential), beside a bare PING round trip and a bare `reserveHold` measured in the same run, and
 * the throughput at 64 in flight against the memory store's. Skipped, with a note, without a
 * `redis-server` binary.
 */
import { Redis } from 'ioredis';
import type { ChatRequest, Router, SharedStore } from '../src/index.js';
import { redisStore } from '../src/state/redis/index.js';
import { benchRequest, initSwitchyard, openaiProviders } from './lib/switchyard-config.js';
import { startRedis } from './lib/redis.js';
import { fmt, pct, signedUs, sorted, table } from './lib/stats.js';

export interface StoreCostResult {
  skipped?: string;
  redisVersion?: string;
  rounds: number;
  sequentialPerRound: number;
  /** p50 of one request, µs, per round: memory store, Redis store. */
  memoryP50Us: number[];
  redisP50Us: number[];
  /** Redis minus memory, µs, per round (paired). */
  addedP50Us: number[];
  /** CPU of this process (the router's) per sequential request, µs, per round: memory store, Redis store. */
  memoryCpuUs: number[];
  redisCpuUs: number[];
  pingP50Us: number;
  reserveHoldP50Us: number;
  concurrency: number;
  memoryRps: number[];
  redisRps: number[];
  /** Redis / memory, per round (paired), %. */
  throughputPct: number[];
  errors: number;
  firstError?: string;
}

const med = (xs: number[]): number => pct(sorted(xs), 0.5);

export async function storeCost(origin: string, model: string, quick: boolean): Promise<{ result: StoreCostResult; text: string }> {
  // Many short rounds, alternating which store goes first: on a shared machine the load moves
  // between rounds, and the paired difference of each round is what is reported.
  const rounds = quick ? 8 : 16;
  const seqN = quick ? 200 : 300;
  const concurrency = 64;
  const parN = quick ? 1_280 : 2_560;
  const empty: StoreCostResult = {
    rounds,
    sequentialPerRound: seqN,
    memoryP50Us: [],
    redisP50Us: [],
    addedP50Us: [],
    memoryCpuUs: [],
    redisCpuUs: [],
    pingP50Us: NaN,
    reserveHoldP50Us: NaN,
    concurrency,
    memoryRps: [],
    redisRps: [],
    throughputPct: [],
    errors: 0,
  };
  const redis = await startRedis();
  if (!redis) {
    const skipped = 'no redis-server binary on PATH: the Redis store was not measured (apt-get install redis-server)';
    return { result: { ...empty, skipped }, text: `SKIPPED: ${skipped}` };
  }
  const sy = await initSwitchyard();
  const shared: SharedStore = redisStore({ url: redis.url, prefix: 'bench:' });
  const ping = new Redis(redis.url);
  const result: StoreCostResult = { ...empty, redisVersion: redis.version };
  const build = (store: SharedStore | undefined): Router =>
    sy.index.createRouter({
      providers: openaiProviders(origin, 1),
      models: { main: { provider: 'gpt', model, pricing: { input: 0.15, output: 0.6 } } },
      budgets: [{ id: 'daily', scope: { tenant: '*' }, period: 'day', limitUsd: 1_000_000, onExceed: 'block' }],
      ...(store && { store }),
    }) as Router;
  const memory = build(undefined);
  const onRedis = build(shared);
  const request: ChatRequest = benchRequest({ params: { maxTokens: 64 } });
  const one = async (router: Router): Promise<number> => {
    const t = performance.now();
    try {
      await router.chat(request);
    } catch (e) {
      result.errors++;
      result.firstError ??= e instanceof Error ? e.message : String(e);
    }
    return performance.now() - t;
  };
  const sequential = async (router: Router, n: number, cpu?: number[]): Promise<number> => {
    const ms: number[] = [];
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) ms.push(await one(router));
    // The work sent after each response (settle, ledger) counts too: it is done before the CPU is read.
    await router.costs.records({ limit: 1, order: 'desc' });
    const c = process.cpuUsage(c0);
    cpu?.push((c.user + c.system) / n);
    return pct(sorted(ms), 0.5) * 1000;
  };
  const parallel = async (router: Router, n: number): Promise<number> => {
    let next = 0;
    const t = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < n) await one(router);
      }),
    );
    return (n / (performance.now() - t)) * 1000;
  };
  try {
    // Warm-up of both (JIT, connections, the scripts loaded on the server).
    await sequential(memory, 200);
    await sequential(onRedis, 200);
    await parallel(memory, 640);
    await parallel(onRedis, 640);
    for (let r = 0; r < rounds; r++) {
      // Alternate which store goes first in a round.
      const order: Array<[Router, number[], number[]]> = [
        [memory, result.memoryP50Us, result.memoryCpuUs],
        [onRedis, result.redisP50Us, result.redisCpuUs],
      ];
      if (r % 2 === 1) order.reverse();
      for (const [router, into, cpu] of order) into.push(await sequential(router, seqN, cpu));
      result.addedP50Us.push(result.redisP50Us[r]! - result.memoryP50Us[r]!);
    }
    const pings: number[] = [];
    for (let i = 0; i < seqN; i++) {
      const t = performance.now();
      await ping.ping();
      pings.push((performance.now() - t) * 1000);
    }
    result.pingP50Us = pct(sorted(pings), 0.5);
    const reserves: number[] = [];
    for (let i = 0; i < seqN; i++) {
      const items = [{ key: 'bench-bare', amount: 1, limit: Number.MAX_SAFE_INTEGER }];
      const t = performance.now();
      const res = await shared.reserveHold({ id: `bare-${i}`, owner: 'bench', leaseMs: 60_000, items });
      reserves.push((performance.now() - t) * 1000);
      if (res.ok) await shared.releaseHold(res.hold);
    }
    result.reserveHoldP50Us = pct(sorted(reserves), 0.5);
    for (let r = 0; r < rounds; r++) {
      const order: Array<[Router, number[]]> = [
        [memory, result.memoryRps],
        [onRedis, result.redisRps],
      ];
      if (r % 2 === 1) order.reverse();
      for (const [router, into] of order) into.push(await parallel(router, parN));
      result.throughputPct.push((result.redisRps[r]! / result.memoryRps[r]!) * 100);
    }
  } finally {
    await memory.close();
    await onRedis.close();
    await shared.close();
    ping.disconnect();
    await redis.stop();
  }
  const added = med(result.addedP50Us);
  const share = med(result.throughputPct);
  const range = (xs: number[], f: (x: number) => string) => `${f(Math.min(...xs))}..${f(Math.max(...xs))}`;
  const text = [
    `redis-server ${redis.version} on loopback; the router: 1 model on the mock server, a daily block budget per tenant (a hold and a settle per request)`,
    table(
      ['', 'memory store', 'Redis store', 'Redis - memory'],
      [
        [
          `p50 per request, sequential (median of ${rounds} rounds x ${fmt(seqN)})`,
          `${fmt(med(result.memoryP50Us))} µs`,
          `${fmt(med(result.redisP50Us))} µs`,
          `${signedUs(added)} µs (rounds ${range(result.addedP50Us, signedUs)})`,
        ],
        [
          'CPU of the router process per sequential request',
          `${fmt(med(result.memoryCpuUs))} µs`,
          `${fmt(med(result.redisCpuUs))} µs`,
          `${signedUs(med(result.redisCpuUs) - med(result.memoryCpuUs))} µs`,
        ],
        [
          `requests / s, ${concurrency} in flight (median of ${rounds} rounds x ${fmt(parN)})`,
          fmt(med(result.memoryRps)),
          fmt(med(result.redisRps)),
          `${share.toFixed(1)}% (rounds ${range(result.throughputPct, (x) => `${x.toFixed(1)}%`)})`,
        ],
      ],
    ),
    `same run: a bare PING round trip p50 ${fmt(result.pingP50Us)} µs; a bare reserveHold (one script) p50 ${fmt(result.reserveHoldP50Us)} µs` +
      `${result.errors ? `; ${result.errors} request errors (first: ${result.firstError})` : ''}`,
    table(
      ['target', 'result', 'met'],
      [
        // The issue's bound: one round trip "(pipeline or one script)"; a script's round trip is the bare reserveHold's.
        [
          'Redis adds at most one round trip (one script: the bare reserveHold) to a request (p50, sequential)',
          `${signedUs(added)} µs = ${(added / result.reserveHoldP50Us).toFixed(2)} reserveHold = ${(added / result.pingP50Us).toFixed(2)} PING`,
          added <= result.reserveHoldP50Us ? 'yes' : 'NO',
        ],
        [`throughput at ${concurrency} in flight >= 90% of the memory store's`, `${share.toFixed(1)}%`, share >= 90 ? 'yes' : 'NO'],
      ],
      2,
    ),
  ].join('\n');
  return { result, text };
}

if (process.send) {
  process.once('message', (m: { origin: string; model: string; quick: boolean }) => {
    storeCost(m.origin, m.model, m.quick).then(
      ({ result, text }) => process.send!({ type: 'store-cost', result, text }, () => process.exit(0)),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  });
}
