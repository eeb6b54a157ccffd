/**
 * Renders a results file as Markdown (the tables of docs/performance.md):
 *   npx tsx bench/report.ts [bench/results/latest.json]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { modeTables, type ClientModeSummary } from './lib/render.js';
import { fmt, table } from './lib/stats.js';
import { BENCH_DIR } from './lib/peer.js';
import type { MicroResults } from './micro.js';
import { overSdkRows } from './micro-sdk.js';
import type { SoakResult } from './soak.js';

interface Results {
  machine: {
    date: string;
    node: string;
    nproc: number;
    cpuModel: string;
    memTotalGiB: number;
    memFreeGiB: number;
    loadavg: number[];
    gitCommit?: string;
    srcUncommitted?: number;
    platform: string;
  };
  loadavgEnd: number[];
  seconds: number;
  quick: boolean;
  switchyardBuild: string;
  benchDeps: string;
  chunksPerStream: number;
  clients?: Array<{ id: string; label: string; group: string; config?: string; notes: string[] }>;
  clientsFailed?: Array<{ id: string; error: string }>;
  peakRssMB?: Record<string, number>;
  modes?: Record<
    string,
    {
      label: string;
      stream: boolean;
      concurrency: number;
      rounds: number;
      n: number;
      warm: number;
      seconds: number;
      loadavgAfter: number[];
      clients: ClientModeSummary[];
    }
  >;
  micro?: MicroResults;
  soak?: SoakResult;
  targets?: Array<{ target: string; result: string; met: boolean | null }>;
  failures?: string[];
}

const file = process.argv[2] ?? join(BENCH_DIR, 'results', 'latest.json');
const r = JSON.parse(readFileSync(file, 'utf8')) as Results;
const out: string[] = [];
const m = r.machine;
out.push(
  `Run of ${m.date} (${r.quick ? 'quick' : 'full'}, ${Math.round(r.seconds)} s), commit ${m.gitCommit ?? '?'}${m.srcUncommitted ? ` plus ${m.srcUncommitted} uncommitted file(s) under src/ (others' work in progress)` : ''}: ${m.nproc} CPUs (${m.cpuModel}), ${m.memTotalGiB} GiB RAM (${m.memFreeGiB} GiB free at start), Node ${m.node} on ${m.platform}; load average ${m.loadavg.join(' / ')} at start, ${r.loadavgEnd.map((x) => x.toFixed(2)).join(' / ')} at the end.`,
  '',
  `switchyard under test: ${r.switchyardBuild}. Bench dependencies: ${r.benchDeps}.`,
);
for (const [id, mode] of Object.entries(r.modes ?? {})) {
  out.push(
    '',
    `### ${mode.label} (\`${id}\`)`,
    '',
    `${mode.rounds} rounds of up to ${mode.n} requests per client after ${mode.warm} warm-up requests; ${Math.round(mode.seconds)} s; load average after: ${mode.loadavgAfter.map((x) => x.toFixed(2)).join(' / ')}.`,
    '',
    modeTables(mode, mode.clients),
  );
}
if (r.clients) {
  out.push(
    '',
    '### Clients',
    '',
    table(
      ['client', 'configuration / version', 'peak RSS MB'],
      r.clients.map((c) => [
        c.label,
        [c.config, ...c.notes.filter((n) => !n.startsWith('switchyard from') && !n.startsWith('explain('))].filter(Boolean).join('; '),
        String(r.peakRssMB?.[c.id] ?? ''),
      ]),
      2,
    ),
  );
  if (r.clientsFailed?.length)
    out.push('', `Clients that could not start: ${r.clientsFailed.map((f) => `${f.id} (${f.error})`).join('; ')}.`);
}
if (r.micro) {
  const mi = r.micro;
  const rows: string[][] = [
    ...mi.explain.map((e) => [
      `router.explain(), 50 models / 20 routes, strategy ${e.strategy}`,
      `${e.p50Us.toFixed(2)} µs`,
      Number.isFinite(e.p99Us) ? `${e.p99Us.toFixed(2)} µs` : '',
      `${e.meanUs.toFixed(2)} µs`,
    ]),
    ...mi.routerChat.map((c) => [
      `router.chat() over an in-process mockProvider: ${c.config}`,
      '',
      '',
      `${c.perCallUs.toFixed(1)} µs${c.allocBytes !== undefined && Number.isFinite(c.allocBytes) ? `, ${fmt(c.allocBytes)} B allocated` : ''}`,
    ]),
  ];
  if (mi.streamEvent) {
    rows.push(
      [
        `router.stream(), ${mi.streamEvent.events} deltas, whole stream (realistic config)`,
        '',
        '',
        `${fmt(mi.streamEvent.routerStreamUs)} µs`,
      ],
      [`provider.stream() alone, ${mi.streamEvent.events} deltas`, '', '', `${fmt(mi.streamEvent.providerStreamUs)} µs`],
      [
        'router work per stream event (long minus short stream, minus the provider)',
        '',
        '',
        `${mi.streamEvent.routerPerEventUs.toFixed(3)} µs`,
      ],
      ['StreamAccumulator.add(text-delta)', '', '', `${mi.streamEvent.accumulatorAddNs.toFixed(0)} ns`],
    );
  }
  rows.push(['computeCost(usage, pricing)', '', '', `${mi.cost.computeCostNs.toFixed(0)} ns`]);
  for (const c of mi.components ?? []) rows.push([c.name, '', '', `${c.meanUs.toFixed(2)} µs`]);
  rows.push(...overSdkRows(mi.overSdk ?? []));
  out.push('', '### Micro-benchmarks', '', `Tool: ${mi.tool}.`, '', table(['micro-benchmark', 'p50', 'p99', 'mean'], rows));
  const notes = mi.notes.filter((n) => !n.startsWith('switchyard from'));
  if (notes.length) out.push('', ...notes.map((n) => `- ${n}`));
}
if (r.soak) {
  const s = r.soak;
  out.push(
    '',
    '### Soak',
    '',
    `${s.config}; ${fmt(s.completed)}${s.timeCapped ? ` of ${fmt(s.requests)} planned (stopped by the time cap)` : ''} requests, ${s.concurrency} in flight, in ${s.seconds.toFixed(1)} s (${fmt(s.reqPerSec)} req/s), ${s.errors} errors.`,
    '',
    table(
      ['point', 'requests done', 'RSS MB', 'heap used MB (after GC)'],
      [
        [
          'after warm-up',
          s.warmupRequests === undefined ? '' : fmt(s.warmupRequests),
          s.rssAfterWarmupMB.toFixed(1),
          s.heapAfterWarmupMB.toFixed(1),
        ],
        ...s.samples.map((x) => ['', fmt(x.done), x.rssMB.toFixed(1), x.heapUsedMB.toFixed(1)]),
        ['end', fmt(s.completed), s.rssEndMB.toFixed(1), s.heapEndMB.toFixed(1)],
      ],
    ),
  );
}
if (r.targets)
  out.push(
    '',
    '### Targets',
    '',
    table(
      ['target', 'result', 'met'],
      r.targets.map((t) => [t.target, t.result, t.met === null ? 'n/a' : t.met ? 'yes' : '**NO**']),
      2,
    ),
  );
if (r.failures?.length) out.push('', `Parts that could not run: ${r.failures.join('; ')}.`);
console.log(out.join('\n'));
