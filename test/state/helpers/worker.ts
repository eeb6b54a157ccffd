/**
 * One process of the multi-process tests (forked with `--import tsx`). It opens the store named by
 * its argument, says `ready`, waits for `go`, runs its task and reports through IPC.
 */
import { createRouter, openaiCompatible, type RateLimitOptions, type RouterOptions, SwitchyardError } from '../../../src/index.js';
import { breakerRegister, memoryStore, type SharedStore } from '../../../src/state/index.js';
import { redisStore } from '../../../src/state/redis/index.js';
import { sqliteStore } from '../../../src/state/sqlite/index.js';

export type WorkerConfig = {
  store: { kind: 'redis'; url: string; prefix: string } | { kind: 'sqlite'; path: string };
  task: Task;
  name: string;
};
export type Task =
  | { type: 'budget'; key: string; requests: number; amount: number; limit: number }
  | { type: 'rate'; key: string; calls: number; limit: number; windowMs: number }
  | { type: 'breaker-listen'; target: string }
  | { type: 'breaker-open'; target: string }
  | { type: 'hold-and-wait'; key: string; holds: number; amount: number; limit: number; leaseMs: number; slots: number }
  /**
   * A router on the store whose provider `v1` (model `gpt`, vendor model `x-1`) is a loopback vendor
   * with `limits`; with `fallback`, a second provider `v2` (model `alt`, vendor model `x-2`) on the
   * same vendor, unlimited, is the next candidate. Sends `requests` chats at once after `go`.
   */
  | { type: 'router-limits'; vendor: string; requests: number; limits: RateLimitOptions; timeoutMs?: number; fallback?: boolean }
  /** A router whose models `a` then `b` (vendor models `x-a`, `x-b`) serve in that order: one chat in `session`, optionally forced to `model`. */
  | { type: 'router-session'; vendor: string; session: string; model?: 'a' | 'b' };

const send = (message: unknown) => process.send!(message);
const config = JSON.parse(process.argv[2]!) as WorkerConfig;
const store: SharedStore =
  config.store.kind === 'redis'
    ? redisStore({ url: config.store.url, prefix: config.store.prefix, commandTimeoutMs: 10_000 })
    : sqliteStore({ path: config.store.path, busyTimeoutMs: 10_000 });

/** The loopback vendor as an OpenAI-compatible endpoint; one warm-up call (not counted by the vendor) loads the SDK and opens a connection. */
async function vendorProvider(url: string, name: string) {
  const provider = openaiCompatible({ name, baseURL: `${url}/v1`, apiKey: 'test-key' });
  const warm = createRouter({ providers: { p: provider }, models: { w: { provider: 'p', model: 'warm-up' } }, store: memoryStore() });
  await warm.chat({ messages: [{ role: 'user', content: 'warm-up' }] });
  await warm.close();
  return provider;
}

const errorCode = (error: unknown) => (SwitchyardError.isInstance(error) ? error.code : String(error));

async function routerTask(task: Extract<Task, { type: 'router-limits' | 'router-session' }>): Promise<unknown> {
  if (task.type === 'router-session') {
    const v1 = await vendorProvider(task.vendor, 'v1');
    const options: RouterOptions = {
      providers: { v1 },
      models: { a: { provider: 'v1', model: 'x-a' }, b: { provider: 'v1', model: 'x-b' } },
      store,
    };
    const router = createRouter(options);
    send({ type: 'ready' });
    await new Promise<void>((resolve) => process.once('message', () => resolve()));
    const r = await router.chat({
      messages: [{ role: 'user', content: 'hello' }],
      session: task.session,
      ...(task.model !== undefined && { model: task.model }),
    });
    await router.close();
    return { type: 'done', model: r.route.model };
  }
  const v1 = await vendorProvider(task.vendor, 'v1');
  const v2 = task.fallback ? await vendorProvider(task.vendor, 'v2') : undefined;
  const options: RouterOptions = {
    providers: v2 ? { v1, v2 } : { v1 },
    models: v2 ? { gpt: { provider: 'v1', model: 'x-1' }, alt: { provider: 'v2', model: 'x-2' } } : { gpt: { provider: 'v1', model: 'x-1' } },
    rateLimits: { v1: task.limits },
    retry: { retries: 0 },
    store,
  };
  const router = createRouter(options);
  send({ type: 'ready' });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  const served: Record<string, number> = {};
  const errors: string[] = [];
  await Promise.all(
    Array.from({ length: task.requests }, async (_, i) => {
      try {
        const r = await router.chat({
          messages: [{ role: 'user', content: `${config.name}-${i}` }],
          ...(task.timeoutMs !== undefined && { timeoutMs: task.timeoutMs }),
        });
        served[r.route.model] = (served[r.route.model] ?? 0) + 1;
      } catch (error) {
        errors.push(errorCode(error));
      }
    }),
  );
  await router.close();
  return { type: 'done', served, errors };
}

async function main(): Promise<void> {
  const task = config.task;
  if (task.type === 'router-limits' || task.type === 'router-session') {
    send(await routerTask(task));
    await store.close();
    process.exit(0);
  }
  if (task.type === 'breaker-listen') {
    const breakers = breakerRegister(store);
    await breakers.subscribe((c) => {
      if (c.type === 'transition' && c.target === task.target) send({ type: 'seen', at: Date.now(), version: c.version });
    });
  }
  await store.get('warm-up');
  send({ type: 'ready' });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));

  if (task.type === 'budget') {
    let admitted = 0;
    let charged = 0;
    await Promise.all(
      Array.from({ length: task.requests }, async (_, i) => {
        const items = [{ key: task.key, amount: task.amount, limit: task.limit }];
        const r = await store.reserveHold({ id: `${config.name}-${i}`, owner: config.name, leaseMs: 60_000, items });
        if (!r.ok) return;
        admitted++;
        // The vendor call; its real cost is at most the estimate (honest estimation), often less.
        await new Promise((res) => setTimeout(res, Math.random() * 20));
        const cost = task.amount - Math.floor(Math.random() * (task.amount / 2));
        const settled = await store.settleHold(r.hold, [cost]);
        if (settled.status === 'settled') charged += cost;
      }),
    );
    send({ type: 'done', admitted, charged });
  } else if (task.type === 'rate') {
    const admit = (i: number) => store.admitRate({ key: task.key, id: `${config.name}-${i}`, limit: task.limit, windowMs: task.windowMs });
    const results = await Promise.all(Array.from({ length: task.calls }, (_, i) => admit(i)));
    send({ type: 'done', admitted: results.filter((r) => r.ok).length });
  } else if (task.type === 'breaker-open') {
    const now = Date.now();
    const r = await breakerRegister(store).transition(task.target, 0, { state: 'open', openedAt: now, retryAt: now + 30_000, failures: 5 });
    // `at`: when the transition was sent, so that the delays measured include its own round trip.
    send({ type: 'done', ok: r.ok, at: now });
  } else if (task.type === 'hold-and-wait') {
    for (let i = 0; i < task.holds; i++) {
      const items = [{ key: task.key, amount: task.amount, limit: task.limit }];
      const r = await store.reserveHold({ id: `${config.name}-${i}`, owner: config.name, leaseMs: task.leaseMs, items });
      if (!r.ok) throw new Error('hold refused');
    }
    for (let i = 0; i < task.slots; i++)
      await store.acquireSlot({ key: task.key, id: `${config.name}-slot-${i}`, limit: task.slots, leaseMs: task.leaseMs });
    send({ type: 'held', at: Date.now() });
    await new Promise(() => {}); // Until killed.
  }
  if (task.type !== 'breaker-listen') {
    await store.close();
    process.exit(0);
  }
}

main().catch((error: unknown) => {
  send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
