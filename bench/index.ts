/**
 * switchyard benchmark: `npm run bench` (full, ~10-15 min) or `npm run bench -- --quick` (< 3 min).
 *
 *   --quick            fewer rounds/requests, a subset of clients, a short soak
 *   --only=a,b         only these client ids (the floor is always added)
 *   --modes=seq,c64,seq-stream,c64-stream
 *   --no-peers         skip clients that need bench/node_modules (no install attempted)
 *   --no-micro --no-soak --no-clients --no-store
 *   --soak=N           soak request count (default 200,000; 5,000 with --quick)
 *   --out=FILE         JSON output (default bench/results/latest.json)
 *
 * A mock server runs in its own process; each client runs in its own process; this process only
 * orchestrates rounds (A B C, then B C A, ...) and collects results over IPC.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { AA_CONTROL, CLIENTS, FLOOR, type ClientSpec } from './clients/index.js';
import { deltas } from './mock/payloads.js';
import { machine } from './lib/machine.js';
import { fmt, mb, pct, signedUs, sorted, table } from './lib/stats.js';
import { modeTables, rangeUs, type ClientModeSummary } from './lib/render.js';
import type { FromWorker, RunResult, ToWorker } from './worker.js';
import type { MicroResults } from './micro.js';
import { isFloor } from './micro-sdk.js';
import type { SoakResult } from './soak.js';
import type { StoreCostResult } from './store-cost.js';
import { buildSwitchyard } from './lib/sy.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(`--${name}`);
const opt = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const QUICK = flag('quick');
const MODEL = 'gpt-4o-mini';
const CHUNKS = 20;

interface ModeSpec {
  id: string;
  label: string;
  stream: boolean;
  concurrency: number;
  rounds: number;
  n: number;
  warm: number;
}

/** Longest a single run (one client, one round) may take; a slow client then runs fewer requests (reported). */
const RUN_CAP_MS = Number(opt('run-cap-ms') ?? (QUICK ? 800 : 2_000));
const MODES: ModeSpec[] = [
  {
    id: 'seq',
    label: 'sequential, non-streaming',
    stream: false,
    concurrency: 1,
    rounds: QUICK ? 3 : 10,
    n: QUICK ? 120 : 400,
    warm: QUICK ? 150 : 800,
  },
  {
    id: 'c64',
    label: '64 in flight, non-streaming',
    stream: false,
    concurrency: 64,
    rounds: QUICK ? 2 : 5,
    n: QUICK ? 256 : 1280,
    warm: QUICK ? 256 : 1280,
  },
  {
    id: 'seq-stream',
    label: `sequential, streaming (${CHUNKS} deltas)`,
    stream: true,
    concurrency: 1,
    rounds: QUICK ? 3 : 8,
    n: QUICK ? 80 : 250,
    warm: QUICK ? 80 : 400,
  },
  {
    id: 'c64-stream',
    label: `64 in flight, streaming (${CHUNKS} deltas)`,
    stream: true,
    concurrency: 64,
    rounds: QUICK ? 2 : 4,
    n: QUICK ? 192 : 640,
    warm: QUICK ? 192 : 640,
  },
];

function log(msg: string): void {
  process.stdout.write(`${msg}\n`);
}

// ---------- bench deps (peers, tinybench, undici) ----------
function ensureBenchDeps(): { ok: boolean; note: string } {
  if (flag('no-peers')) return { ok: false, note: 'skipped (--no-peers)' };
  const needed = ['ai', '@ai-sdk/openai', '@langchain/openai', 'tinybench', 'undici'];
  if (needed.every((p) => existsSync(join(HERE, 'node_modules', p, 'package.json'))))
    return { ok: true, note: 'bench/node_modules present' };
  const lock = existsSync(join(HERE, 'package-lock.json'));
  log(`installing bench dependencies (npm ${lock ? 'ci' : 'install'} --prefix bench) ...`);
  const r = spawnSync('npm', [lock ? 'ci' : 'install', '--prefix', HERE, '--no-audit', '--no-fund', '--loglevel=error'], {
    stdio: 'inherit',
  });
  const ok = r.status === 0 && needed.every((p) => existsSync(join(HERE, 'node_modules', p, 'package.json')));
  return { ok, note: ok ? 'installed by the bench' : `install failed (status ${r.status}): peers, tinybench and undici skipped` };
}

// ---------- processes ----------
function forkTs(file: string, extraArgv: string[] = []): ChildProcess {
  // process.execArgv carries tsx's loader when run by `tsx`; children inherit it.
  return fork(join(HERE, file), [], { execArgv: [...process.execArgv, ...extraArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function nextMessage<T>(child: ChildProcess, timeoutMs = 600_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('child timed out')), timeoutMs);
    const onMsg = (m: T): void => {
      cleanup();
      resolve(m);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`child exited (${code})`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMsg);
      child.off('exit', onExit);
    };
    child.on('message', onMsg);
    child.on('exit', onExit);
  });
}

async function startMock(): Promise<{ child: ChildProcess; origin: string }> {
  const child = forkTs('mock/server.ts');
  const m = await nextMessage<{ type: string; port: number }>(child, 30_000);
  return { child, origin: `http://127.0.0.1:${m.port}` };
}

interface Worker {
  spec: ClientSpec;
  child: ChildProcess;
  notes: string[];
  config?: string;
}

async function startWorker(spec: ClientSpec, origin: string): Promise<Worker | { spec: ClientSpec; error: string }> {
  const child = forkTs('worker.ts');
  child.send({ type: 'init', id: spec.id, origin, model: MODEL, expect: deltas(CHUNKS).join('') } satisfies ToWorker);
  try {
    const m = await nextMessage<FromWorker>(child, 120_000);
    if (m.type === 'ready') return { spec, child, notes: m.notes, ...(m.config !== undefined && { config: m.config }) };
    child.kill();
    return { spec, error: m.type === 'failed' ? m.error : 'unexpected message' };
  } catch (e) {
    child.kill();
    return { spec, error: String(e) };
  }
}

async function runOn(w: Worker, mode: ModeSpec, n: number): Promise<RunResult> {
  w.child.send({ type: 'run', stream: mode.stream, concurrency: mode.concurrency, n, maxMs: RUN_CAP_MS } satisfies ToWorker);
  const m = await nextMessage<FromWorker>(w.child);
  if (m.type !== 'result') throw new Error(`${w.spec.id}: ${m.type === 'failed' ? m.error : 'bad reply'}`);
  return m;
}

// ---------- statistics ----------
function summarize(mode: ModeSpec, runs: Map<string, RunResult[]>, workers: Worker[]): ClientModeSummary[] {
  const pooled = (rs: RunResult[], k: 'total' | 'ttft'): Float64Array => sorted(rs.flatMap((r) => r[k].filter((x) => x !== undefined)));
  const cpuPerReq = (rs: RunResult[]): number =>
    rs.reduce((t, r) => t + r.cpuUserUs + r.cpuSystemUs, 0) / rs.reduce((t, r) => t + r.total.length, 0);
  const rps = (rs: RunResult[]): number => (rs.reduce((t, r) => t + r.total.length, 0) / rs.reduce((t, r) => t + r.wallMs, 0)) * 1000;
  return workers.map((w) => {
    const floorId = w.spec.floor ?? FLOOR;
    const floorRuns = runs.get(floorId);
    const floorTotal = floorRuns ? pooled(floorRuns, 'total') : undefined;
    const floorTtft = floorRuns && mode.stream ? pooled(floorRuns, 'ttft') : undefined;
    const rs = runs.get(w.spec.id)!;
    const total = pooled(rs, 'total');
    const out: ClientModeSummary = {
      id: w.spec.id,
      label: w.spec.label,
      group: w.spec.group,
      floor: floorId,
      requests: total.length,
      cappedRounds: rs.filter((r) => r.capped).length,
      errors: rs.reduce((t, r) => t + r.errors, 0),
      reqPerSec: rps(rs),
      p50Ms: pct(total, 0.5),
      p99Ms: pct(total, 0.99),
      overheadP50Us: floorTotal ? (pct(total, 0.5) - pct(floorTotal, 0.5)) * 1000 : NaN,
      overheadRoundsUs: floorRuns ? rs.map((r, i) => (pct(sorted(r.total), 0.5) - pct(sorted(floorRuns[i]!.total), 0.5)) * 1000) : [],
      cpuUsPerReq: cpuPerReq(rs),
      cpuVsFloorPct: floorRuns ? (cpuPerReq(rs) / cpuPerReq(floorRuns) - 1) * 100 : NaN,
      throughputVsFloorPct: floorRuns ? (rps(rs) / rps(floorRuns)) * 100 : NaN,
      rssMB: rs[rs.length - 1]!.rss / 1048576,
    };
    const fe = rs.find((r) => r.firstError)?.firstError;
    if (fe !== undefined) out.firstError = fe;
    if (mode.stream) {
      const ttft = pooled(rs, 'ttft');
      out.ttftP50Ms = pct(ttft, 0.5);
      out.ttftP99Ms = pct(ttft, 0.99);
      if (floorTtft) out.ttftOverheadP50Us = (pct(ttft, 0.5) - pct(floorTtft, 0.5)) * 1000;
    }
    return out;
  });
}

// ---------- targets ----------
interface TargetCheck {
  target: string;
  result: string;
  met: boolean | null;
}

function checkTargets(modes: Record<string, ClientModeSummary[]>, micro: MicroResults | undefined): TargetCheck[] {
  const out: TargetCheck[] = [];
  const sy = (rows: ClientModeSummary[]): ClientModeSummary[] => rows.filter((r) => r.group === 'switchyard' && r.id !== 'sy-bare');
  const peers = (rows: ClientModeSummary[]): ClientModeSummary[] => rows.filter((r) => r.group === 'peer');
  // The same client as the floor in its own process: how far two identical clients drift apart in
  // this run. A gap smaller than this one says nothing either way.
  for (const [id, rows] of Object.entries(modes)) {
    const aa = rows.find((r) => r.id === AA_CONTROL);
    if (!aa) continue;
    const many = (MODES.find((m) => m.id === id)?.concurrency ?? 1) > 1;
    const result = many
      ? `${aa.throughputVsFloorPct.toFixed(1)}% throughput`
      : `${signedUs(aa.overheadP50Us)} µs (rounds ${rangeUs(aa.overheadRoundsUs)}), CPU ${aa.cpuVsFloorPct >= 0 ? '+' : ''}${aa.cpuVsFloorPct.toFixed(1)}%`;
    out.push({ target: `A/A control (${id}): the floor's own client again, expected 0`, result, met: null });
  }
  for (const r of micro?.overSdk ?? []) {
    if (isFloor(r)) continue;
    out.push({
      target: `${r.label}: CPU added to the SDK call, in process (no network)`,
      result: `+${r.addedCpuUs.toFixed(1)} µs (rounds ${r.addedRangeUs.map((x) => x.toFixed(1)).join('..')}), ${fmt(r.allocBytes)} B allocated`,
      met: null,
    });
  }
  const seq = modes.seq;
  if (seq) {
    for (const r of sy(seq))
      out.push({
        target: `${r.label}: seq non-stream overhead p50 <= 15 µs`,
        result: `${signedUs(r.overheadP50Us)} µs (rounds ${rangeUs(r.overheadRoundsUs)})`,
        met: r.overheadP50Us <= 15,
      });
    for (const r of sy(seq))
      out.push({
        target: `${r.label}: CPU per request <= +2% of the direct SDK`,
        result: `${r.cpuVsFloorPct >= 0 ? '+' : ''}${r.cpuVsFloorPct.toFixed(1)}% (${fmt(r.cpuUsPerReq)} µs/req)`,
        met: r.cpuVsFloorPct <= 2,
      });
  }
  if (modes['seq-stream']) {
    for (const r of sy(modes['seq-stream']))
      out.push({
        target: `${r.label}: streaming adds <= 30 µs to the whole stream`,
        result: `${signedUs(r.overheadP50Us)} µs`,
        met: r.overheadP50Us <= 30,
      });
  }
  if (modes.c64) {
    for (const r of sy(modes.c64))
      out.push({
        target: `${r.label}: 64 in flight throughput >= 97% of direct SDK`,
        result: `${r.throughputVsFloorPct.toFixed(1)}%`,
        met: r.throughputVsFloorPct >= 97,
      });
  }
  if (micro) {
    for (const e of micro.explain)
      out.push({
        target: `routing decision (explain, 50 models/20 routes, ${e.strategy}) p50 < 5 µs`,
        result: `${e.p50Us.toFixed(2)} µs`,
        met: e.p50Us < 5,
      });
    if (micro.streamEvent)
      out.push({
        target: 'per stream event < 1 µs',
        result: `${micro.streamEvent.routerPerEventUs.toFixed(3)} µs (router minus provider, long minus short stream)`,
        met: micro.streamEvent.routerPerEventUs < 1,
      });
  }
  for (const [id, rows] of Object.entries(modes)) {
    const ps = peers(rows);
    if (!ps.length) continue;
    for (const r of sy(rows)) {
      const slower = ps.filter((p) => (MODES.find((m) => m.id === id)!.concurrency > 1 ? p.reqPerSec >= r.reqPerSec : p.p50Ms <= r.p50Ms));
      out.push({
        target: `${r.label} faster than every peer (${id})`,
        result: slower.length ? `not faster than ${slower.map((p) => p.label).join(', ')}` : `faster than ${ps.length} peers`,
        met: slower.length === 0,
      });
    }
  }
  return out;
}

// ---------- main ----------
async function main(): Promise<void> {
  const t0 = Date.now();
  const info = machine();
  log(
    `switchyard bench${QUICK ? ' --quick' : ''}: ${info.date}, node ${info.node}, ${info.nproc} CPUs (${info.cpuModel}), load ${info.loadavg.join(' ')}`,
  );
  const deps = ensureBenchDeps();
  log(`bench deps: ${deps.note}`);

  const result: Record<string, unknown> = { machine: info, quick: QUICK, benchDeps: deps.note, model: MODEL, chunksPerStream: CHUNKS };
  if (flag('src') || process.env.BENCH_SY === 'src') {
    result.switchyardBuild = 'src/ via tsx (--src)';
    delete process.env.BENCH_SY_DIR;
  } else {
    const built = await buildSwitchyard();
    result.switchyardBuild = built.note;
    if (built.dir) process.env.BENCH_SY_DIR = built.dir;
    else delete process.env.BENCH_SY_DIR;
  }
  log(`switchyard under test: ${result.switchyardBuild as string}`);
  const mock = await startMock();
  log(`mock server (own process, pid ${mock.child.pid}) on ${mock.origin}`);
  const modeSummaries: Record<string, ClientModeSummary[]> = {};
  let micro: MicroResults | undefined;
  /** Sections or clients that could not run; the run still goes to the end, then exits 1. */
  const failures: string[] = [];
  result.failures = failures;

  try {
    if (!flag('no-clients')) {
      const only = opt('only')?.split(',');
      const wantedModes = opt('modes')?.split(',');
      const specs = CLIENTS.filter((c) => (only ? only.includes(c.id) || c.id === FLOOR : QUICK ? c.quick : true)).filter(
        (c) => !c.benchDeps || deps.ok,
      );
      const workers: Worker[] = [];
      const failed: Array<{ id: string; error: string }> = [];
      for (const spec of specs) {
        const w = await startWorker(spec, mock.origin);
        if ('error' in w) {
          failed.push({ id: spec.id, error: w.error });
          log(`  ${spec.id}: FAILED to start: ${w.error}`);
        } else {
          workers.push(w);
          log(`  ${spec.id} (pid ${w.child.pid}) ready${w.config ? `: ${w.config}` : ''}`);
          for (const n of w.notes) log(`      note: ${n}`);
        }
      }
      if (!workers.some((w) => w.spec.id === FLOOR)) throw new Error('the floor client (direct openai SDK) failed to start');
      result.clients = workers.map((w) => ({ id: w.spec.id, label: w.spec.label, group: w.spec.group, config: w.config, notes: w.notes }));
      result.clientsFailed = failed;

      const modeResults: Record<string, unknown> = {};
      for (const mode of MODES.filter((m) => !wantedModes || wantedModes.includes(m.id))) {
        const ms = Date.now();
        log(
          `\n== ${mode.label}: ${mode.rounds} rounds x ${mode.n} requests per client (warm-up ${mode.warm}), load ${loadavg()[0]!.toFixed(2)}`,
        );
        for (const w of workers) await runOn(w, mode, mode.warm);
        const runs = new Map<string, RunResult[]>(workers.map((w) => [w.spec.id, []]));
        for (let r = 0; r < mode.rounds; r++) {
          // Rotate the order each round so no client always runs first or right after another.
          for (let k = 0; k < workers.length; k++) {
            const w = workers[(k + r) % workers.length]!;
            runs.get(w.spec.id)!.push(await runOn(w, mode, mode.n));
          }
        }
        const rows = summarize(mode, runs, workers);
        modeSummaries[mode.id] = rows;
        modeResults[mode.id] = { ...mode, seconds: (Date.now() - ms) / 1000, loadavgAfter: loadavg(), clients: rows };
        log(modeTables(mode, rows));
        for (const r of rows) if (r.firstError) log(`  ${r.id} first error: ${r.firstError}`);
      }
      result.modes = modeResults;
      const peaks: Record<string, number> = {};
      for (const w of workers) {
        const last = await runOn(w, { id: 'x', label: '', stream: false, concurrency: 1, rounds: 1, n: 1, warm: 0 }, 1);
        peaks[w.spec.id] = last.maxRss;
        w.child.send({ type: 'exit' } satisfies ToWorker);
      }
      result.peakRssMB = Object.fromEntries(Object.entries(peaks).map(([k, v]) => [k, Math.round((v / 1048576) * 10) / 10]));
      log('\n== clients (one process each)');
      log(
        table(
          ['client', 'configuration', 'peak RSS MB'],
          workers.map((w) => [w.spec.label, w.config ?? w.notes[0] ?? '', mb(peaks[w.spec.id]!)]),
          2,
        ),
      );
    }

    if (!flag('no-micro')) {
      log(`\n== micro-benchmarks (own process), load ${loadavg()[0]!.toFixed(2)}`);
      try {
        const child = forkTs('micro.ts', ['--expose-gc']);
        child.send({ quick: QUICK, tinybench: deps.ok });
        const m = await nextMessage<{ type: 'micro'; results: MicroResults; text: string }>(child, 600_000);
        micro = m.results;
        result.micro = micro;
        log(m.text);
      } catch (e) {
        failures.push(`micro: ${String(e)}`);
        log(`micro-benchmarks FAILED: ${String(e)}`);
      }
    }

    if (!flag('no-store')) {
      log(
        `\n== budget store on the request path: Redis on loopback against the memory store (own process), load ${loadavg()[0]!.toFixed(2)}`,
      );
      try {
        const child = forkTs('store-cost.ts');
        child.send({ origin: mock.origin, model: MODEL, quick: QUICK });
        const s = await nextMessage<{ type: 'store-cost'; result: StoreCostResult; text: string }>(child, 900_000);
        result.storeCost = s.result;
        log(s.text);
      } catch (e) {
        failures.push(`store cost: ${String(e)}`);
        log(`store cost FAILED: ${String(e)}`);
      }
    }

    if (!flag('no-soak')) {
      const n = Number(opt('soak') ?? (QUICK ? 3_000 : 200_000));
      log(
        `\n== soak: ${fmt(n)} requests through the router (realistic 5-model fallback config, 64 in flight, 1 in 10 streamed), load ${loadavg()[0]!.toFixed(2)}`,
      );
      try {
        const child = forkTs('soak.ts', ['--expose-gc']);
        child.send({
          origin: mock.origin,
          model: MODEL,
          n,
          concurrency: 64,
          maxMs: Number(opt('soak-cap-s') ?? (QUICK ? 15 : 150)) * 1000,
        });
        const s = await nextMessage<{ type: 'soak'; result: SoakResult; text: string }>(child, 1_800_000);
        result.soak = s.result;
        log(s.text);
      } catch (e) {
        failures.push(`soak: ${String(e)}`);
        log(`soak FAILED: ${String(e)}`);
      }
    }
  } finally {
    mock.child.send({ type: 'stop' });
  }

  if (Object.keys(modeSummaries).length || micro) {
    const targets = checkTargets(modeSummaries, micro);
    result.targets = targets;
    log('\n== targets');
    log(
      table(
        ['target', 'result', 'met'],
        targets.map((t) => [t.target, t.result, t.met === null ? 'n/a' : t.met ? 'yes' : 'NO']),
        2,
      ),
    );
  }
  result.loadavgEnd = loadavg();
  result.seconds = (Date.now() - t0) / 1000;
  // A quick run never overwrites the documented full run.
  const out = opt('out') ?? join(HERE, 'results', QUICK ? 'latest-quick.json' : 'latest.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  log(`\nwrote ${out} (${result.seconds as number} s)`);
  const notStarted = (result.clientsFailed as Array<{ id: string; error: string }> | undefined) ?? [];
  if (notStarted.length) log(`\nclients that could not start (not measured): ${notStarted.map((f) => `${f.id} (${f.error})`).join('; ')}`);
  if (failures.length) {
    log(`\n${failures.length} part(s) could not run:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
