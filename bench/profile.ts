/**
 * CPU profile of one client against the mock: `npx tsx bench/profile.ts [--client=sy-one] [--n=20000] [--stream]`.
 * Forks the client in a child that warms up, then records a CPU profile of the steady state with the
 * inspector (100 µs sampling; the mock runs in its own process, unprofiled), then
 * prints self time by package (switchyard bundled as in lib/sy.ts; `--src` for src/ via tsx) and the hottest switchyard functions (src/). Profiles go to bench/.profiles/.
 */
import { fork } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIENTS } from './clients/index.js';
import { table } from './lib/stats.js';
import { buildSwitchyard } from './lib/sy.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const arg = (k: string, d: string): string => process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function bucket(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  if (url.includes('/src/') || url.includes('switchyard-bench-build')) return 'switchyard';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/bench/')) return 'bench harness';
  return url;
}

/** Packages whose time is the router's (its own code and its runtime dependencies). */
const LIBRARY = new Set(['switchyard', 'zod', 'p-retry', 'retry', 'is-network-error', 'undici']);

export function analyse(file: string, top = 25): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  let busy = 0;
  const pkgs = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    if (functionName === '(idle)') continue;
    busy += us;
    const b = bucket(url, functionName);
    pkgs.set(b, (pkgs.get(b) ?? 0) + us);
    if (LIBRARY.has(b)) {
      const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(src|switchyard-bundle|node_modules)\//, '$1/')}:${lineNumber + 1}`;
      fns.set(key, (fns.get(key) ?? 0) + us);
    }
  }
  const pctOf = (us: number): string => `${((us / busy) * 100).toFixed(1)}%`;
  const pkgRows = [...pkgs]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([k, v]) => [k, `${(v / 1000).toFixed(0)} ms`, pctOf(v)]);
  const fnRows = [...fns]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => [k, `${(v / 1000).toFixed(1)} ms`, pctOf(v)]);
  return [
    `busy (non-idle) samples: ${(busy / 1000).toFixed(0)} ms`,
    table(['self time by package', 'ms', '% busy'], pkgRows),
    table(['hottest functions of switchyard and its dependencies (self)', 'ms', '% busy'], fnRows),
  ].join('\n');
}

async function main(): Promise<void> {
  if (process.argv.includes('--child')) {
    const id = arg('client', 'sy-one');
    const n = Number(arg('n', '20000'));
    const stream = process.argv.includes('--stream');
    const factory = await CLIENTS.find((c) => c.id === id)!.load();
    const client = await factory({ origin: arg('origin', ''), model: 'gpt-4o-mini' });
    // Warm up first, then profile the steady state only (no module loading, no JIT warm-up).
    for (let i = 0; i < 2000; i++) await (stream ? client.stream(() => undefined) : client.chat());
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await (stream ? client.stream(() => undefined) : client.chat());
    const perReqUs = ((performance.now() - t0) * 1000) / n;
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(arg('dir', ''), `${id}${stream ? '-stream' : ''}.cpuprofile`), JSON.stringify(profile));
    process.send!({ perReqUs });
    await client.close?.();
    process.exit(0);
  }
  if (!process.argv.includes('--src')) {
    const built = await buildSwitchyard();
    if (built.dir) process.env.BENCH_SY_DIR = built.dir;
    console.log(`switchyard under test: ${built.note}`);
  }
  const mock = fork(join(HERE, 'mock/server.ts'), [], { execArgv: process.execArgv });
  const port = await new Promise<number>((r) => mock.once('message', (m: { port: number }) => r(m.port)));
  const dir = join(HERE, '.profiles');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const args = [
    `--child`,
    `--dir=${dir}`,
    `--origin=http://127.0.0.1:${port}`,
    `--client=${arg('client', 'sy-one')}`,
    `--n=${arg('n', '20000')}`,
    ...(process.argv.includes('--stream') ? ['--stream'] : []),
  ];
  const child = fork(fileURLToPath(import.meta.url), args, { execArgv: process.execArgv });
  child.on('message', (m: { perReqUs: number }) =>
    console.log(`${arg('client', 'sy-one')}: ${m.perReqUs.toFixed(0)} µs per request (profiled)`),
  );
  await new Promise((r) => child.once('exit', r));
  mock.kill();
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  console.log(`profile: ${join(dir, file)}`);
  console.log(analyse(join(dir, file)));
}

void main();
