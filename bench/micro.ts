/**
 * Micro-benchmarks, in their own process (forked by index.ts, or `tsx bench/micro.ts` alone):
 *  - routing decision: router.explain() over 50 models / 20 routes, per strategy accepted;
 *  - the router's own per-request work: router.chat() over an in-process mockProvider (no network),
 *    bare vs realistic (the difference is what the breaker, limiter, ledger, budgets and events cost);
 *  - per stream event: a 2,000-delta mock stream through router.stream() minus the same provider
 *    stream iterated directly; and StreamAccumulator.add() alone;
 *  - cost computation for one response (src/accounting/cost.ts);
 *  - the router over the real openai SDK with an in-memory fetch, against the SDK alone (micro-sdk.ts).
 * Uses tinybench (bench dependency) for per-call percentiles when installed, else timed loops only.
 * Flags (standalone only): --quick; --only=explain runs the routing-decision part alone.
 */
import type { LLMProvider, Router } from '../src/index.js';
import type { ProviderStreamPart } from '../src/provider.js';
import { benchRequest, buildRouter, initSwitchyard, microRouter, realisticExtras, STRATEGIES } from './lib/switchyard-config.js';
import { peer, peerVersion } from './lib/peer.js';
import { fmt, median, table } from './lib/stats.js';
import { componentMicro, type ComponentResult } from './micro-components.js';
import { afterWriteBehind, bytesPerCall } from './lib/alloc.js';
import { overSdkMicro, overSdkRows, type OverSdkRow } from './micro-sdk.js';

export interface MicroResults {
  tool: string;
  explain: Array<{ strategy: string; asked: string; p50Us: number; p99Us: number; meanUs: number; note?: string }>;
  /** `allocBytes`: young-generation bytes allocated per call (needs --expose-gc; NaN without). */
  routerChat: Array<{ config: string; perCallUs: number; allocBytes: number }>;
  streamEvent?: { events: number; routerStreamUs: number; providerStreamUs: number; routerPerEventUs: number; accumulatorAddNs: number };
  cost: { computeCostNs: number };
  components: ComponentResult[];
  /** The router over the real openai SDK with an in-memory fetch, against the SDK alone (micro-sdk.ts). */
  overSdk?: OverSdkRow[];
  notes: string[];
}

interface TinyTask {
  name: string;
  result: { state: string; latency?: { p50: number; p99: number; mean: number } };
}
interface TinyBench {
  add(name: string, fn: () => unknown): TinyBench;
  run(): Promise<unknown>;
  tasks: TinyTask[];
}
type TinyModule = { Bench: new (opts: Record<string, unknown>) => TinyBench };

/** Mean µs per call of a synchronous function over a timed batch (median of `reps` batches). */
function batchUs(fn: () => unknown, iterations: number, reps = 5): number {
  const per: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) fn();
    per.push(((performance.now() - t0) * 1000) / iterations);
  }
  return median(per);
}

/** Like batchUs for async calls; each batch stops early after `capMs` (a slow path then runs fewer calls). */
async function batchAsyncUs(fn: () => Promise<unknown>, iterations: number, reps = 5, capMs = Infinity): Promise<number> {
  const per: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    let i = 0;
    for (; i < iterations; i++) {
      await fn();
      if ((i & 15) === 15 && performance.now() - t0 > capMs) {
        i++;
        break;
      }
    }
    per.push(((performance.now() - t0) * 1000) / i);
  }
  return median(per);
}

async function drain(it: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of it) n++;
  return n;
}

export async function runMicro(quick: boolean, useTinybench: boolean, only?: 'explain'): Promise<{ results: MicroResults; text: string }> {
  const sy = await initSwitchyard();
  const { mockProvider } = sy.testing;
  const { computeCost } = sy.cost;
  const { StreamAccumulator } = sy.accumulator;
  const notes: string[] = [`switchyard from ${sy.source}`];
  const scale = quick ? 0.2 : 1;
  const req = benchRequest();

  // --- the router over the real SDK, first: what it measures depends on what else the process has
  // run and retains (caches, heap), so it runs in a process that has done nothing else yet.
  const overSdk = only === 'explain' ? [] : await overSdkMicro(quick);

  // --- routing decision
  const explainRouters: Array<{ asked: string; strategy: string; router: Router; note?: string }> = [];
  for (const s of ['fallback', ...STRATEGIES]) {
    const b = microRouter(50, 20, s);
    if (b.strategy !== s) {
      notes.push(`explain: strategy "${s}" not accepted by createRouter (${b.rejected.join('; ')}); skipped`);
      await b.router.close();
      continue;
    }
    explainRouters.push({ asked: s, strategy: b.strategy, router: b.router });
    if (s === 'fallback' && b.rejected.length) notes.push(`realistic options not available at run time: ${b.rejected.join('; ')}`);
  }
  const explain: MicroResults['explain'] = [];
  let tool = 'timed loops';
  let tiny: TinyModule | undefined;
  if (useTinybench) {
    try {
      tiny = await peer<TinyModule>('tinybench');
      tool = `tinybench@${peerVersion('tinybench')} (per-call p50/p99) + timed loops (mean)`;
    } catch {
      tiny = undefined;
    }
  }
  for (const e of explainRouters) {
    for (let i = 0; i < 20_000; i++) e.router.explain(req); // warm-up / JIT
    const meanUs = batchUs(() => e.router.explain(req), Math.round(50_000 * scale));
    let p50Us = meanUs;
    let p99Us = NaN;
    if (tiny) {
      const bench = new tiny.Bench({ time: quick ? 300 : 1500, warmupTime: 200 });
      bench.add('explain', () => e.router.explain(req));
      await bench.run();
      const lat = bench.tasks[0]?.result.latency;
      if (lat) {
        p50Us = lat.p50 * 1000;
        p99Us = lat.p99 * 1000;
      }
    }
    explain.push({ strategy: e.strategy, asked: e.asked, p50Us, p99Us, meanUs });
    await e.router.close();
  }
  if (only === 'explain') {
    const rows = explain.map((e) => [
      `router.explain, 50 models / 20 routes, ${e.strategy}`,
      `${e.p50Us.toFixed(2)} µs`,
      Number.isFinite(e.p99Us) ? `${e.p99Us.toFixed(2)} µs` : 'n/a',
      `${e.meanUs.toFixed(2)} µs`,
    ]);
    const text = [`tool: ${tool}`, table(['micro-benchmark', 'p50', 'p99', 'mean'], rows), ...notes.map((n) => `note: ${n}`)].join('\n');
    return { results: { tool, explain, routerChat: [], cost: { computeCostNs: NaN }, components: [], notes }, text };
  }

  // --- the router's per-request work without network
  const routerChat: MicroResults['routerChat'] = [];
  /** `extras`: which realistic options to offer ('all', 'none' or one key); `events`: subscribe listeners. */
  const mk = (extras: string, events: boolean, models: number): { router: Router; label: string } => {
    const providers: Record<string, LLMProvider> = { p0: mockProvider({ name: 'p0', reply: 'hello there' }) };
    const ms: Record<string, { provider: string; model: string; pricing: { input: number; output: number } }> = {};
    for (let i = 0; i < models; i++) ms[`m${i}`] = { provider: 'p0', model: `vendor-${i}`, pricing: { input: 0.15, output: 0.6 } };
    const all = realisticExtras(['p0']);
    const offered = extras === 'all' ? all : extras === 'none' ? {} : { [extras]: all[extras] };
    const b = buildRouter({ providers, models: ms }, offered, { events });
    const on = b.accepted.filter((k) => k !== 'strategy');
    const what =
      extras === 'none'
        ? events
          ? 'events only'
          : 'bare (defaults only)'
        : extras === 'all'
          ? `realistic (${on.join(', ') || 'nothing accepted'}${events ? ', events' : ''})`
          : `${extras} only${on.length ? '' : ' (not accepted: same as bare)'}`;
    return { router: b.router, label: `${models} model(s), ${what}` };
  };
  // The whole realistic configuration, then each option alone (what each one costs per request).
  const configs: Array<[string, boolean, number]> = [
    ['none', false, 1],
    ['all', true, 1],
    ['all', true, 5],
    ['none', true, 1],
    ...Object.keys(realisticExtras(['p0'])).map((k): [string, boolean, number] => [k, false, 1]),
  ];
  for (const [extras, events, models] of configs) {
    const { router, label } = mk(extras, events, models);
    await batchAsyncUs(() => router.chat(req), Math.round(2_000 * scale) + 200, 1, quick ? 300 : 2_000); // warm-up
    const perCallUs = await batchAsyncUs(() => router.chat(req), Math.round(5_000 * scale) + 200, 3, quick ? 400 : 3_000);
    routerChat.push({
      config: label,
      perCallUs,
      allocBytes: await bytesPerCall(() => router.chat(req), 10, quick ? 9 : 25, afterWriteBehind),
    });
    await router.close();
  }

  // --- per stream event: a long and a short stream through the same router, minus the same
  // provider streams iterated directly; the difference of the two lengths cancels every per-stream
  // cost (limiter, budget, ledger, route), leaving the router's work per event.
  const EVENTS = 2_000;
  const SHORT = 200;
  const mkChunks = (n: number): string[] => Array.from({ length: n }, (_, i) => (i ? ' w' : 'w') + (i % 10));
  const long = mkChunks(EVENTS);
  const short = mkChunks(SHORT);
  const provider = mockProvider({
    name: 'p0',
    reply: (r) => (r.messages.length > 1 ? { text: short.join(''), chunks: short } : { text: long.join(''), chunks: long }),
  });
  const sb = buildRouter(
    { providers: { p0: provider }, models: { m: { provider: 'p0', model: 'vendor', pricing: { input: 0.15, output: 0.6 } } } },
    realisticExtras(['p0']),
    { events: true },
  );
  const shortReq = benchRequest({ messages: [...req.messages, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'again' }] });
  const preq = { messages: req.messages, params: {} };
  const pshort = { messages: shortReq.messages, params: {} };
  const iters = quick ? 10 : 50;
  for (let i = 0; i < 10; i++) {
    await drain(sb.router.stream(req));
    await drain(sb.router.stream(shortReq));
    await drain(provider.stream(preq, { model: 'vendor' }));
    await drain(provider.stream(pshort, { model: 'vendor' }));
  }
  // Interleaved so that drift cancels.
  const rs: number[] = [];
  const ps: number[] = [];
  const perEvent: number[] = [];
  for (let r = 0; r < 7; r++) {
    const rl = await batchAsyncUs(() => drain(sb.router.stream(req)), iters, 1);
    const pl = await batchAsyncUs(() => drain(provider.stream(preq, { model: 'vendor' })), iters, 1);
    const rsh = await batchAsyncUs(() => drain(sb.router.stream(shortReq)), iters, 1);
    const psh = await batchAsyncUs(() => drain(provider.stream(pshort, { model: 'vendor' })), iters, 1);
    rs.push(rl);
    ps.push(pl);
    perEvent.push((rl - pl - (rsh - psh)) / (EVENTS - SHORT));
  }
  const routerStreamUs = median(rs);
  const providerStreamUs = median(ps);
  const routerPerEventUs = median(perEvent);
  await sb.router.close();
  const part: ProviderStreamPart = { type: 'text-delta', delta: ' word' };
  let acc = new StreamAccumulator();
  let k = 0;
  const accumulatorAddNs =
    batchUs(
      () => {
        if (++k % EVENTS === 0) acc = new StreamAccumulator();
        return acc.add(part, { provider: 'bench', model: 'bench' });
      },
      Math.round(1_000_000 * scale),
    ) * 1000;

  // --- cost
  const usage = { inputTokens: 1234, outputTokens: 567, totalTokens: 1801, cachedInputTokens: 200 };
  const pricing = { input: 0.15, output: 0.6, cachedInput: 0.075 };
  const computeCostNs = batchUs(() => computeCost(usage, pricing), Math.round(200_000 * scale)) * 1000;

  const comps = await componentMicro(sy, scale);
  notes.push(...comps.notes);
  const results: MicroResults = {
    tool,
    explain,
    routerChat,
    streamEvent: { events: EVENTS, routerStreamUs, providerStreamUs, routerPerEventUs, accumulatorAddNs },
    cost: { computeCostNs },
    components: comps.results,
    overSdk,
    notes,
  };
  const text = [
    `tool: ${tool}`,
    table(
      ['micro-benchmark', 'p50', 'p99', 'mean'],
      [
        ...explain.map((e) => [
          `router.explain, 50 models / 20 routes, ${e.strategy}`,
          `${e.p50Us.toFixed(2)} µs`,
          Number.isFinite(e.p99Us) ? `${e.p99Us.toFixed(2)} µs` : 'n/a',
          `${e.meanUs.toFixed(2)} µs`,
        ]),
        ...routerChat.map((c) => [
          `router.chat over in-process mockProvider, ${c.config}`,
          '',
          '',
          `${c.perCallUs.toFixed(2)} µs, ${Number.isFinite(c.allocBytes) ? `${fmt(c.allocBytes)} B allocated` : 'allocation not measured (no --expose-gc)'}`,
        ]),
        [`stream: router.stream, ${EVENTS} deltas (mockProvider), whole stream`, '', '', `${fmt(routerStreamUs)} µs`],
        [`stream: provider.stream alone, ${EVENTS} deltas`, '', '', `${fmt(providerStreamUs)} µs`],
        [
          `per stream event: router work = ((router - provider) at ${EVENTS} - same at ${SHORT}) / ${EVENTS - SHORT}`,
          '',
          '',
          `${routerPerEventUs.toFixed(3)} µs`,
        ],
        ['StreamAccumulator.add(text-delta)', '', '', `${accumulatorAddNs.toFixed(0)} ns`],
        ['computeCost(usage, pricing)', '', '', `${computeCostNs.toFixed(0)} ns`],
        ...comps.results.map((c) => [c.name, '', '', `${c.meanUs.toFixed(2)} µs`]),
        ...overSdkRows(overSdk),
      ],
    ),
    ...notes.map((n) => `note: ${n}`),
  ].join('\n');
  return { results, text };
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!);
if (process.send) {
  process.once('message', (m: { quick: boolean; tinybench: boolean }) => {
    runMicro(m.quick, m.tinybench).then(
      ({ results, text }) => process.send!({ type: 'micro', results, text }, () => process.exit(0)),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  });
} else if (isMain) {
  const only = process.argv.includes('--only=explain') ? 'explain' : undefined;
  runMicro(process.argv.includes('--quick'), true, only).then(({ text }) => console.log(text));
}
