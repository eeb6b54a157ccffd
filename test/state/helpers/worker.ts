/**
 * One process of the multi-process tests (forked with `--import tsx`). It opens the store named by
 * its argument, says `ready`, waits for `go`, runs its task and reports through IPC.
 */
import {
  createRouter,
  openaiCompatible,
  type RateLimitOptions,
  type Router,
  type RouterOptions,
  SwitchyardError,
} from '../../../src/index.js';
import { breakerRegister, memoryStore, type SharedStore } from '../../../src/state/index.js';
import { mockProvider } from '../../../src/testing.js';
import { redisStore } from '../../../src/state/redis/index.js';
import { sqliteStore } from '../../../src/state/sqlite/index.js';
import { ask as budgetAsk, BIG, budgetRouter } from './budget-router.js';

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
  /** A router (budget-router.ts) serves `served` requests, flushes its ledger (acknowledged), then keeps `inFlight` slow ones running until killed. */
  | { type: 'router-hold'; leaseMs: number; served: number; inFlight: number }
  /**
   * A router on the store whose `primary` target always fails (503) and `backup` serves. It calls
   * (one request at a time, `intervalMs` apart, for `durationMs`) and reports the times its failing
   * target was called, when it learned of an open breaker from another process, and when it saw
   * `flaky` disabled. A high `failureThreshold` keeps its own breaker from opening by itself.
   */
  | { type: 'router-caller'; failureThreshold: number; intervalMs: number; durationMs: number }
  /** A router that calls its failing target until its own breaker opens (`failureThreshold` failures); reports when. */
  | { type: 'router-opener'; failureThreshold: number }
  /** A router that disables the `flaky` provider and closes (its write reaches the store first). */
  | { type: 'router-disabler' }
  /** A router started after the others: its first request, and whether it sees `flaky` disabled. */
  | { type: 'router-restarted' }
  /** A router whose target fails once (opening its breaker, threshold 1) and then hangs: after the cooldown it takes the probe, which never answers (then it is killed). */
  | { type: 'router-prober'; cooldownMs: number }
  /** A router whose target answers: it calls until the target serves it, and reports its calls to the target. */
  | { type: 'router-taker'; cooldownMs: number; intervalMs: number }
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

/** The router of the `router-*` tasks, with its failing target's call times. */
function fleetRouter(failureThreshold: number, target: { cooldownMs?: number; answer?: 'fail' | 'fail-then-hang' | 'ok' } = {}) {
  const calls: number[] = [];
  const flaky = mockProvider({
    name: 'flaky',
    reply: () => {
      calls.push(Date.now());
      if (target.answer === 'ok') return 'ok';
      return target.answer === 'fail-then-hang' && calls.length > 1 ? { hang: true } : { fail: 503 };
    },
  });
  const router: Router = createRouter({
    providers: { flaky, good: mockProvider({ name: 'good' }) },
    models: { primary: { provider: 'flaky', model: 'm-1' }, backup: { provider: 'good', model: 'm-2' } },
    strategy: 'fallback',
    retry: { retries: 0 },
    circuitBreaker: { failureThreshold, cooldownMs: target.cooldownMs ?? 60_000 },
    store,
  });
  return { router, calls };
}

const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
    models: v2
      ? { gpt: { provider: 'v1', model: 'x-1' }, alt: { provider: 'v2', model: 'x-2' } }
      : { gpt: { provider: 'v1', model: 'x-1' } },
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
  const fleet =
    task.type === 'router-caller' || task.type === 'router-opener'
      ? fleetRouter(task.failureThreshold)
      : task.type === 'router-disabler' || task.type === 'router-restarted'
        ? fleetRouter(1_000)
        : task.type === 'router-prober'
          ? fleetRouter(1, { cooldownMs: task.cooldownMs, answer: 'fail-then-hang' })
          : task.type === 'router-taker'
            ? fleetRouter(1, { cooldownMs: task.cooldownMs, answer: 'ok' })
            : undefined;
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
  } else if (task.type === 'router-hold') {
    const router = budgetRouter(store, task.leaseMs);
    let costMicros = 0;
    for (let i = 0; i < task.served; i++) costMicros += (await router.chat(budgetAsk('quick', 100, i))).cost.totalMicros;
    // Acknowledged: every record and settle is in the store once flush (done by every report) resolves.
    const summary = await router.costs.summary({});
    const [status] = await router.budgets.status({ tenant: 'acme' });
    send({
      type: 'acked',
      records: summary.rows.reduce((n, r) => n + r.requests, 0),
      ledgerMicros: summary.rows.reduce((n, r) => n + r.costMicros, 0),
      costMicros,
      spentMicros: status!.spentMicros,
    });
    for (let i = 0; i < task.inFlight; i++) void router.chat(budgetAsk('lengthy', BIG.maxTokens, 1_000 + i)).catch(() => undefined);
    const heldNow = async () => (await router.budgets.status({ tenant: 'acme' }))[0]!.heldMicros;
    // Each holds at least its output's worst case: maxTokens x $100 per 1M tokens = 100 µ$ a token.
    while ((await heldNow()) < task.inFlight * BIG.maxTokens * 100) await new Promise((r) => setTimeout(r, 20));
    const firstHeld = await heldNow();
    // Longer than the lease: the holds only still count because the router renews them.
    await new Promise((r) => setTimeout(r, task.leaseMs * 1.5));
    send({ type: 'held', at: Date.now(), heldMicros: firstHeld, stillHeldMicros: await heldNow() });
    await new Promise(() => {}); // Until killed.
  } else if (task.type === 'router-caller' && fleet) {
    let learnedAt: number | undefined;
    let disabledSeenAt: number | undefined;
    fleet.router.on('breaker', (e) => {
      if (e.to === 'open' && e.remote) learnedAt ??= Date.now();
    });
    const end = Date.now() + task.durationMs;
    for (let i = 0; Date.now() < end; i++) {
      await fleet.router.chat(ask);
      if (i === 0) send({ type: 'calling' });
      if (fleet.router.health().providers.flaky?.disabled) disabledSeenAt ??= Date.now();
      await sleep(task.intervalMs);
    }
    send({ type: 'done', calls: fleet.calls, learnedAt, disabledSeenAt });
  } else if (task.type === 'router-opener' && fleet) {
    let openedAt: number | undefined;
    fleet.router.on('breaker', (e) => {
      if (e.to === 'open' && !e.remote) openedAt ??= e.at;
    });
    while (openedAt === undefined) await fleet.router.chat(ask);
    send({ type: 'done', at: openedAt, calls: fleet.calls });
  } else if (task.type === 'router-disabler' && fleet) {
    const at = Date.now();
    fleet.router.disable('flaky', { actor: config.name });
    await fleet.router.close(); // Returns once the change is in the store.
    send({ type: 'done', at });
  } else if (task.type === 'router-restarted' && fleet) {
    const response = await fleet.router.chat(ask);
    send({
      type: 'done',
      model: response.route.model,
      calls: fleet.calls.length,
      disabled: fleet.router.health().providers.flaky?.disabled,
    });
  } else if (task.type === 'router-prober' && fleet) {
    await fleet.router.chat(ask); // Fails: the breaker opens.
    await sleep(task.cooldownMs + 50);
    const claimFrom = Date.now(); // The probe's lease starts after this.
    void fleet.router.chat({ ...ask, timeoutMs: 600_000 }).catch(() => undefined); // The probe, which hangs.
    while (fleet.calls.length < 2) await sleep(5);
    send({ type: 'probing', at: Date.now(), claimFrom });
    await new Promise(() => {}); // Until killed.
  } else if (task.type === 'router-taker' && fleet) {
    const states = new Set<string>();
    let servedAt: number | undefined;
    const firstAt = Date.now();
    for (let i = 0; servedAt === undefined && i < 10_000; i++) {
      const response = await fleet.router.chat(ask);
      states.add(fleet.router.health().models.primary?.state ?? 'none');
      if (i === 0) send({ type: 'calling' });
      if (response.route.model === 'primary') servedAt = Date.now();
      else await sleep(task.intervalMs);
    }
    send({ type: 'done', firstAt, servedAt, calls: fleet.calls, states: [...states] });
  }
  if (task.type !== 'router-disabler') await fleet?.router.close();
  if (task.type !== 'breaker-listen') {
    await store.close();
    process.exit(0);
  }
}

main().catch((error: unknown) => {
  send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
