/**
 * One measured client in its own process. The orchestrator sends `init`, then `run` commands (one
 * per round), and reads back latencies, CPU time and memory over IPC.
 */
import { CLIENTS } from './clients/index.js';
import type { BenchClient } from './clients/types.js';

export interface RunCommand {
  type: 'run';
  stream: boolean;
  concurrency: number;
  n: number;
  /** Stop issuing requests after this long (the requests in flight finish); the result says how many ran. */
  maxMs: number;
}
export interface RunResult {
  type: 'result';
  /** Per request, ms: whole request (non-stream) or whole stream. */
  total: number[];
  /** Streams only: time to the first text delta, ms. */
  ttft: number[];
  /** True when the time cap ended the run before `n` requests. */
  capped: boolean;
  wallMs: number;
  cpuUserUs: number;
  cpuSystemUs: number;
  errors: number;
  firstError?: string;
  rss: number;
  heapUsed: number;
  maxRss: number;
}
export type ToWorker = { type: 'init'; id: string; origin: string; model: string; expect: string } | RunCommand | { type: 'exit' };
export type FromWorker = { type: 'ready'; notes: string[]; config?: string; check: string } | { type: 'failed'; error: string } | RunResult;

const send = (m: FromWorker): void => {
  process.send!(m);
};

let client: BenchClient | undefined;

async function run(cmd: RunCommand): Promise<RunResult> {
  const c = client!;
  const total = new Array<number>(cmd.n);
  const ttft: number[] = cmd.stream ? new Array<number>(cmd.n) : [];
  let next = 0;
  let stopAt = Infinity;
  let errors = 0;
  let firstError: string | undefined;
  const one = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= cmd.n) return;
      const t0 = performance.now();
      if (t0 > stopAt) return;
      try {
        if (cmd.stream) {
          await c.stream(() => {
            ttft[i] = performance.now() - t0;
          });
        } else {
          await c.chat();
        }
      } catch (e) {
        errors++;
        firstError ??= e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      }
      total[i] = performance.now() - t0;
    }
  };
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  stopAt = w0 + cmd.maxMs;
  await Promise.all(Array.from({ length: Math.min(cmd.concurrency, cmd.n) }, one));
  const wallMs = performance.now() - w0;
  const cpu = process.cpuUsage(cpu0);
  const mem = process.memoryUsage();
  const done = total.filter((x) => x !== undefined);
  return {
    type: 'result',
    total: done,
    ttft: ttft.filter((x) => x !== undefined),
    capped: done.length < cmd.n,
    wallMs,
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    errors,
    ...(firstError !== undefined && { firstError }),
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    maxRss: process.resourceUsage().maxRSS * 1024,
  };
}

process.on('message', (m: ToWorker) => {
  void (async () => {
    try {
      if (m.type === 'init') {
        const spec = CLIENTS.find((s) => s.id === m.id);
        if (!spec) throw new Error(`unknown client ${m.id}`);
        const factory = await spec.load();
        client = await factory({ origin: m.origin, model: m.model });
        // One call of each kind, checked, before any measurement.
        const a = await client.chat();
        const b = await client.stream(() => undefined);
        if (a !== m.expect || b !== m.expect)
          throw new Error(`wrong answer: chat=${JSON.stringify(a.slice(0, 60))} stream=${JSON.stringify(b.slice(0, 60))}`);
        send({ type: 'ready', notes: client.notes, ...(client.config !== undefined && { config: client.config }), check: 'ok' });
      } else if (m.type === 'run') {
        send(await run(m));
      } else if (m.type === 'exit') {
        await client?.close?.();
        process.exit(0);
      }
    } catch (e) {
      send({ type: 'failed', error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    }
  })();
});
process.on('disconnect', () => process.exit(0));
