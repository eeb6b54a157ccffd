/**
 * Forked Node processes of the multi-process tests, each running helpers/worker.ts on one store with
 * one task: `start` one (then `next('ready')`, `go()`, `next('done')`), `runAll` a set, `killAll`
 * in `afterAll`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SharedStore } from '../../../src/state/index.js';
import { redisStore } from '../../../src/state/redis/index.js';
import { sqliteStore } from '../../../src/state/sqlite/index.js';
import { redisAvailable, redisForTests, sqliteAvailable } from './redis-server.js';
import type { Task, WorkerConfig } from './worker.js';

export type Message = { type: string; [k: string]: unknown };

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

/** A shared store the multi-process tests run on: each `config()` is fresh (new key prefix, new file). */
export interface Backend {
  name: 'redis' | 'sqlite';
  available: boolean;
  config(): Promise<WorkerConfig['store']>;
  /** The store of a config, opened in this (the test's) process. */
  open(config: WorkerConfig['store']): SharedStore;
}

/** Redis (keys under `<prefix>:<random>:`) and SQLite (a new file in `dir`). */
export function backends(dir: string, prefix: string): Backend[] {
  return [
    {
      name: 'redis',
      available: redisAvailable,
      config: async () => ({ kind: 'redis', url: (await redisForTests())!.url, prefix: `${prefix}:${randomUUID().slice(0, 8)}:` }),
      open: (c) => (c.kind === 'redis' ? redisStore({ url: c.url, prefix: c.prefix }) : wrongKind(c)),
    },
    {
      name: 'sqlite',
      available: sqliteAvailable,
      config: async () => ({ kind: 'sqlite', path: join(dir, `${randomUUID()}.db`) }),
      open: (c) => (c.kind === 'sqlite' ? sqliteStore({ path: c.path }) : wrongKind(c)),
    },
  ];
}

function wrongKind(config: WorkerConfig['store']): never {
  throw new Error(`a ${config.kind} config given to another backend`);
}
