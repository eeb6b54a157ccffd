/**
 * Where the router's cost over the SDK goes in the CPU's caches:
 * `npx tsx bench/cache-sim.ts [--clients=sdk,sy-bare,sy-one] [--n=1500] [--warm=3000] [--top=25]`.
 *
 * Runs each in-process client of micro-sdk.ts (the SDK over an in-memory fetch, directly or through
 * switchyard) under valgrind's callgrind with a simulated cache (32 KiB L1i and L1d, a 512 KiB
 * last level like this machine's L2), once for n and once for 2n calls after the same warm-up; the
 * difference, divided by n, is one steady-state request. Node writes a perf map of its JIT code
 * (`--perf-basic-prof`), so every instruction address is charged to a JS function: switchyard's own,
 * the SDK's, Node's, V8's builtins, or native code. A last-level miss is a fetch from beyond L2.
 *
 * Under valgrind a request takes ~10 ms instead of ~0.2: the ledger's write-behind (10 ms) then
 * writes every request or two instead of in batches of ~50, and per-minute caches (budget period
 * keys) expire every few thousand requests, so those parts and V8's native work (GC, JIT) weigh more
 * than on the real CPU. Compare JS groups and switchyard's functions; treat `native` as noise.
 *
 * Needs valgrind (Debian: `apt-get install valgrind`); 5-9 minutes per client on 2 cores.
 * A diagnostic, not part of `npm run bench`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { table } from './lib/stats.js';
import { buildSwitchyard } from './lib/sy.js';

const arg = (k: string, d: string): string => process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d;
const SELF = fileURLToPath(import.meta.url);

type Costs = Map<string, number[]>;
interface JitRange {
  start: number;
  end: number;
  name: string;
}

async function child(): Promise<void> {
  const { initSwitchyard } = await import('./lib/switchyard-config.js');
  const { overSdkClients } = await import('./micro-sdk.js');
  await initSwitchyard();
  const id = arg('client', 'sdk');
  const c = (await overSdkClients()).find((x) => x.id === id);
  if (!c) throw new Error(`cache-sim: no in-process client "${id}" in micro-sdk.ts`);
  for (let i = 0, w = Number(arg('warm', '3000')); i < w; i++) await c.call();
  for (let i = 0, n = Number(arg('n', '1500')); i < n; i++) await c.call();
  process.exit(0);
}

function perfMap(pid: string): JitRange[] {
  const rows = readFileSync(`/tmp/perf-${pid}.map`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [addr, size, ...name] = line.split(' ');
      const start = parseInt(addr!, 16);
      return { start, end: start + parseInt(size!, 16), name: name.join(' ') };
    });
  return rows.sort((a, b) => a.start - b.start);
}

function find(ranges: JitRange[], at: number): string | undefined {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (at < r.start) hi = mid - 1;
    else if (at >= r.end) lo = mid + 1;
    else return r.name;
  }
  return undefined;
}

/** Callgrind's output (`--dump-instr=yes`, positions `instr line`) summed per JS function or native symbol. */
async function parseCallgrind(file: string): Promise<{ events: string[]; costs: Costs }> {
  let events: string[] = [];
  let ranges: JitRange[] = [];
  const costs: Costs = new Map();
  const names = new Map<string, string>();
  let fn = '?';
  let pos = 0;
  let skipNext = false;
  let pid: string | undefined;
  const step = (tok: string): number => {
    if (tok === '*') return pos;
    const sign = tok[0] === '+' ? 1 : tok[0] === '-' ? -1 : 0;
    const body = sign === 0 ? tok : tok.slice(1);
    const v = body.startsWith('0x') ? parseInt(body, 16) : Number(body);
    return sign === 0 ? v : pos + sign * v;
  };
  for await (const line of createInterface({ input: createReadStream(file) })) {
    const c = line[0];
    if (c !== undefined && (c === '+' || c === '-' || c === '*' || (c >= '0' && c <= '9'))) {
      const parts = line.split(' ');
      pos = step(parts[0]!);
      if (skipNext) {
        skipNext = false; // the inclusive cost of a call: counted in the callee
        continue;
      }
      const key = find(ranges, pos) ?? `native ${fn}`;
      let acc = costs.get(key);
      if (!acc) costs.set(key, (acc = new Array<number>(events.length).fill(0)));
      for (let i = 2; i < parts.length; i++) acc[i - 2]! += Number(parts[i]);
    } else if (line.startsWith('pid: ')) ranges = perfMap((pid = line.slice(5).trim()));
    else if (line.startsWith('events: ')) events = line.slice(8).trim().split(' ');
    else if (line.startsWith('fn=')) {
      const m = /^fn=\((\d+)\)(?: (.*))?$/.exec(line);
      if (m?.[2] !== undefined) names.set(m[1]!, m[2]);
      fn = m ? (names.get(m[1]!) ?? '?') : line.slice(3);
    } else if (line.startsWith('calls=')) skipNext = true;
  }
  if (pid) rmSync(`/tmp/perf-${pid}.map`, { force: true });
  return { events, costs };
}

function runOnce(client: string, n: number, dir: string): Promise<string> {
  const out = join(dir, `${client}.${n}.callgrind`);
  const args = [
    '--tool=callgrind',
    '--cache-sim=yes',
    '--I1=32768,8,64',
    '--D1=32768,8,64',
    '--LL=524288,8,64',
    '--dump-instr=yes',
    `--callgrind-out-file=${out}`,
    // --perf-basic-prof also turns on V8's code log: keep it in the temp dir, not in the cwd.
    process.execPath,
    '--perf-basic-prof',
    '--no-logfile-per-isolate',
    `--logfile=${join(dir, `${client}.${n}.v8.log`)}`,
    '--single-threaded',
    '--import',
    'tsx',
    SELF,
    '--child',
    `--client=${client}`,
    `--n=${n}`,
    `--warm=${arg('warm', '3000')}`,
  ];
  return new Promise((resolve, reject) => {
    const p = spawn('valgrind', args, { stdio: ['ignore', 'ignore', 'pipe'], env: process.env });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`valgrind ${client} n=${n} exited ${code}: ${err.slice(-500)}`))));
  });
}

function groupOf(key: string): string {
  if (key.includes('switchyard-bench-build') || key.includes('/src/')) return 'switchyard';
  if (/node_modules\/(openai|@anthropic-ai|@google)\//.test(key)) return 'the SDK';
  if (key.startsWith('native ')) return 'native (V8, Node, libc)';
  if (key.includes(' node:')) return 'Node (JS)';
  if (/^(Builtin|BytecodeHandler|Stub|RegExp|Handler|LoadIC|StoreIC|KeyedLoadIC|KeyedStoreIC):/.test(key)) return 'V8 builtins';
  return 'other JS (harness)';
}

/** Per-request costs of one client, by function: (2n run - n run) / n. */
async function perRequest(client: string, n: number, dir: string): Promise<{ events: string[]; costs: Costs }> {
  const [a, b] = await Promise.all([runOnce(client, n, dir), runOnce(client, 2 * n, dir)]);
  const [pa, pb] = [await parseCallgrind(a), await parseCallgrind(b)];
  const costs: Costs = new Map();
  for (const key of new Set([...pa.costs.keys(), ...pb.costs.keys()])) {
    const x = pa.costs.get(key);
    const y = pb.costs.get(key);
    costs.set(
      key,
      pb.events.map((_, i) => ((y?.[i] ?? 0) - (x?.[i] ?? 0)) / n),
    );
  }
  return { events: pb.events, costs };
}

async function main(): Promise<void> {
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    console.error('cache-sim: valgrind is not installed (Debian: apt-get install valgrind)');
    process.exit(1);
  }
  const built = await buildSwitchyard();
  if (built.dir) process.env.BENCH_SY_DIR = built.dir;
  const clients = arg('clients', 'sdk,sy-bare,sy-one').split(',');
  const n = Number(arg('n', '1500'));
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-cache-sim-'));
  const ev = ['Ir', 'ILmr', 'DLmr', 'DLmw'];
  const rows: string[][] = [];
  const totals = new Map<string, number[]>();
  let lastRouter: Costs | undefined;
  try {
    for (const client of clients) {
      const { events, costs } = await perRequest(client, n, dir);
      const idx = ev.map((e) => events.indexOf(e));
      const groups = new Map<string, number[]>();
      for (const [key, v] of costs) {
        const g = groups.get(groupOf(key)) ?? ev.map(() => 0);
        idx.forEach((k, i) => (g[i]! += v[k]!));
        groups.set(groupOf(key), g);
      }
      const total = ev.map((_, i) => [...groups.values()].reduce((s, g) => s + g[i]!, 0));
      totals.set(client, total);
      for (const [g, v] of [...groups].sort((x, y) => y[1][1]! - x[1][1]!)) rows.push([client, g, ...v.map((x) => x.toFixed(0))]);
      rows.push([client, 'all', ...total.map((x) => x.toFixed(0))]);
      if (client !== 'sdk')
        lastRouter = new Map([...costs].filter(([k]) => groupOf(k) === 'switchyard').map(([k, v]) => [k, idx.map((i) => v[i]!)]));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `Per request, ${n} vs ${2 * n} calls after ${arg('warm', '3000')} of warm-up (Ir: instructions; ILmr / DLmr / DLmw: last-level misses on code / data reads / data writes):\n`,
  );
  console.log(table(['client', 'code of', ...ev], rows, 2));
  const floor = totals.get('sdk');
  if (floor) {
    console.log('\nOver the SDK direct:\n');
    console.log(
      table(
        ['client', ...ev, 'LL misses'],
        [...totals]
          .filter(([c]) => c !== 'sdk')
          .map(([c, t]) => [
            c,
            ...t.map((x, i) => (x - floor[i]!).toFixed(0)),
            (t[1]! + t[2]! + t[3]! - floor[1]! - floor[2]! - floor[3]!).toFixed(0),
          ]),
      ),
    );
  }
  if (lastRouter) {
    const top = [...lastRouter].sort((a, b) => b[1][1]! - a[1][1]!).slice(0, Number(arg('top', '25')));
    console.log(`\nswitchyard functions of ${clients[clients.length - 1]}, by code lines missed per request:\n`);
    console.log(
      table(
        ['function', ...ev],
        top.map(([k, v]) => [
          k.replace(/^.*?:[*~^+]*/, '').replace(/file:\/\/\S*\/(switchyard-bundle|src)\//, '$1/'),
          ...v.map((x) => x.toFixed(1)),
        ]),
      ),
    );
  }
}

if (process.argv.includes('--child')) await child();
else await main();
