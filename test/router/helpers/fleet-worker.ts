/**
 * One router process of the fleet tests (forked with `--import tsx`): a router on the shared store
 * named by its argument, `ready`, then on `go` its requests at once; reports what it saw through IPC.
 */
import { BudgetExceededError, createRouter, type SharedStore } from '../../../src/index.js';
import { mockProvider } from '../../../src/testing.js';
import { redisStore } from '../../../src/state/redis/index.js';
import { sqliteStore } from '../../../src/state/sqlite/index.js';
import { fleetOptions, type FleetConfig } from './fleet.js';

const send = (message: unknown) => process.send!(message);
const config = JSON.parse(process.argv[2]!) as FleetConfig;
const store: SharedStore =
  config.store.kind === 'redis'
    ? redisStore({ url: config.store.url, prefix: config.store.prefix, commandTimeoutMs: 10_000 })
    : sqliteStore({ path: config.store.path, busyTimeoutMs: 10_000 });

async function main(): Promise<void> {
  const provider = mockProvider({ latencyMs: { min: 1, max: 30 }, reply: { text: 'ok', usage: { outputTokens: 100 } } });
  const router = createRouter(fleetOptions(provider, store));
  await store.get('warm-up');
  send({ type: 'ready' });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  let served = 0;
  let refused = 0;
  let costMicros = 0;
  const other: string[] = [];
  await Promise.all(
    Array.from({ length: config.requests }, async (_, i) => {
      try {
        const r = await router.chat({
          messages: [{ role: 'user', content: `${config.name}-${i} ${'x'.repeat(4_000)}` }],
          tenant: 'acme',
          params: { maxTokens: 100 },
        });
        served++;
        costMicros += r.cost.totalMicros;
      } catch (error) {
        if (BudgetExceededError.isInstance(error)) refused++;
        else other.push(String(error));
      }
    }),
  );
  await router.close();
  send({ type: 'done', served, refused, costMicros, other, calls: provider.calls.length });
  await store.close();
  process.exit(0);
}

main().catch((error: unknown) => {
  send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
