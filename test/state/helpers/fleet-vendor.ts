import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLoopback, type Loopback } from '../../helpers/loopback.js';
import type { Task, WorkerConfig } from './worker.js';

/** A call that reached the loopback vendor: when, for which vendor model, and the prompt. */
export interface VendorCall {
  at: number;
  model: string;
  content: string;
}

export interface FleetVendor {
  url: string;
  /** Calls that reached the vendor (warm-up calls excluded), in arrival order. */
  calls: VendorCall[];
  /** Most calls the vendor held at once (each is held `holdMs` before its answer). */
  maxInFlight(): number;
  close(): Promise<void>;
}

/** An OpenAI-compatible loopback vendor shared by every process of a test: it counts what reaches it. */
export async function startFleetVendor(holdMs = 0): Promise<FleetVendor> {
  const calls: VendorCall[] = [];
  let inFlight = 0;
  let max = 0;
  const lb: Loopback = await startLoopback(async (req, res) => {
    const body = req.body as { model: string; messages: Array<{ content: string }> };
    const content = body.messages.at(-1)?.content ?? '';
    const counted = content !== 'warm-up';
    if (counted) {
      calls.push({ at: Date.now(), model: body.model, content });
      max = Math.max(max, ++inFlight);
    }
    if (holdMs > 0) await new Promise((r) => setTimeout(r, holdMs));
    // The answer leaves before the count drops: the caller's slot is released only after it arrives.
    if (counted) inFlight--;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
      }),
    );
  });
  return { url: lb.url, calls, maxInFlight: () => max, close: () => lb.close() };
}

/** The most calls that arrived within any `windowMs` (a sliding window over the arrival times). */
export function maxInWindow(calls: ReadonlyArray<VendorCall>, windowMs: number): number {
  const at = calls.map((c) => c.at).sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < at.length; j++) {
    while (at[j]! - at[i]! >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

type Message = { type: string; [k: string]: unknown };

const here = dirname(fileURLToPath(import.meta.url));
const workerPath = join(here, 'worker.ts');

/** Forked worker processes (test/state/helpers/worker.ts), killed by `killAll`. */
export function workers() {
  const children = new Set<ChildProcess>();
  function start(store: WorkerConfig['store'], task: Task, name: string) {
    const child = fork(workerPath, [JSON.stringify({ store, task, name } satisfies WorkerConfig)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.add(child);
    const messages: Message[] = [];
    const waiters = new Set<(m: Message) => void>();
    child.on('message', (raw) => {
      const m = raw as Message;
      messages.push(m);
      for (const w of waiters) w(m);
    });
    const next = (type: string, ms = 150_000) =>
      new Promise<Message>((resolve, reject) => {
        const settle = (m: Message) => (m.type === 'error' ? reject(new Error(`${name}: ${String(m.message)}`)) : resolve(m));
        const found = messages.find((m) => m.type === type || m.type === 'error');
        if (found) return settle(found);
        const timer = setTimeout(() => reject(new Error(`${name}: no ${type} within ${ms} ms`)), ms);
        const on = (m: Message) => {
          if (m.type !== type && m.type !== 'error') return;
          clearTimeout(timer);
          waiters.delete(on);
          settle(m);
        };
        waiters.add(on);
        child.once('exit', (code) => code !== 0 && code !== null && reject(new Error(`${name} exited with ${code}`)));
      });
    return { child, next, go: () => child.send('go') };
  }
  /** Starts one worker per task, waits until all are ready, sends `go` to all, and resolves with their `done` reports. */
  async function runAll(store: WorkerConfig['store'], tasks: Task[]): Promise<Message[]> {
    const ws = tasks.map((t, i) => start(store, t, `p${i}`));
    await Promise.all(ws.map((w) => w.next('ready')));
    for (const w of ws) w.go();
    return Promise.all(ws.map((w) => w.next('done')));
  }
  function killAll(): void {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  }
  return { start, runAll, killAll };
}
