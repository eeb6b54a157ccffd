/**
 * One process of the multi-process tests (forked with `--import tsx`). It opens the store named by
 * its argument, says `ready`, waits for `go`, runs its task and reports through IPC.
 */
import { breakerRegister, type SharedStore } from '../../../src/state/index.js';
import { redisStore } from '../../../src/state/redis/index.js';
import { sqliteStore } from '../../../src/state/sqlite/index.js';
import { ask, BIG, budgetRouter } from './budget-router.js';

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
  | { type: 'router-hold'; leaseMs: number; served: number; inFlight: number };

const send = (message: unknown) => process.send!(message);
const config = JSON.parse(process.argv[2]!) as WorkerConfig;
const store: SharedStore =
  config.store.kind === 'redis'
    ? redisStore({ url: config.store.url, prefix: config.store.prefix, commandTimeoutMs: 10_000 })
    : sqliteStore({ path: config.store.path, busyTimeoutMs: 10_000 });

async function main(): Promise<void> {
  const task = config.task;
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
    for (let i = 0; i < task.served; i++) costMicros += (await router.chat(ask('quick', 100, i))).cost.totalMicros;
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
    for (let i = 0; i < task.inFlight; i++) void router.chat(ask('lengthy', BIG.maxTokens, 1_000 + i)).catch(() => undefined);
    const heldNow = async () => (await router.budgets.status({ tenant: 'acme' }))[0]!.heldMicros;
    // Each holds at least its output's worst case: maxTokens x $100 per 1M tokens = 100 µ$ a token.
    while ((await heldNow()) < task.inFlight * BIG.maxTokens * 100) await new Promise((r) => setTimeout(r, 20));
    const firstHeld = await heldNow();
    // Longer than the lease: the holds only still count because the router renews them.
    await new Promise((r) => setTimeout(r, task.leaseMs * 1.5));
    send({ type: 'held', at: Date.now(), heldMicros: firstHeld, stillHeldMicros: await heldNow() });
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
