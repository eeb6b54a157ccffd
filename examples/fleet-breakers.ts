/**
 * A fleet on one store (docs/state.md, docs/resilience.md): with `store: sqliteStore(...)` or
 * `redisStore(...)`, a breaker opened in one process and a provider disabled in one apply in every
 * process on that store, and a process restarted on it starts with the controls in force. Two routers
 * stand for two processes here, each with its own connection to the store. Runs on a SQLite file
 * (Node 22.13+), or on Redis when SWITCHYARD_REDIS_URL names one; on an older Node without Redis it
 * says so and stops.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRouter, type SharedStore } from '../src/index.js';
import { redisStore } from '../src/state/redis/index.js';
import { sqliteStore } from '../src/state/sqlite/index.js';
import { mockProvider } from '../src/testing.js';

const hasSqlite = Boolean((process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.('node:sqlite'));
const redisUrl = process.env.SWITCHYARD_REDIS_URL;
const dir = mkdtempSync(join(tmpdir(), 'switchyard-fleet-'));
const prefix = `fleet-example:${Date.now()}:`;
const connect = (): SharedStore | undefined =>
  hasSqlite ? sqliteStore({ path: join(dir, 'state.db') }) : redisUrl ? redisStore({ url: redisUrl, prefix }) : undefined;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One "process": its own store connection and provider objects, the same configuration. */
function member(name: string, store: SharedStore) {
  const router = createRouter({
    providers: {
      vendor: mockProvider({ name: 'vendor', reply: { fail: 503 } }),
      spare: mockProvider({ name: 'spare', reply: 'from spare' }),
    },
    models: { main: { provider: 'vendor', model: 'big-1' }, backup: { provider: 'spare', model: 'small-1' } },
    retry: { retries: 0 },
    circuitBreaker: { failureThreshold: 3, cooldownMs: 60_000 },
    store,
  });
  router.on('breaker', (e) =>
    console.log(`[${name}] breaker ${e.model}: ${e.from} -> ${e.to} (${e.reason})${e.remote ? ', learned from another process' : ''}`),
  );
  return { router, store, name };
}

const first = connect();
if (!first) {
  console.log(
    'Shared breakers need a shared store: sqliteStore (Node 22.13+) or redisStore (set SWITCHYARD_REDIS_URL). Nothing to show on this Node.',
  );
} else {
  const web1 = member('web-1', first);
  const web2 = member('web-2', connect()!);
  const ask = { messages: [{ role: 'user' as const, content: 'Where is my order?' }] };
  console.log(`store: ${first.kind}`);

  // web-1 meets the dead vendor three times: its breaker opens, and web-2 learns it from the store.
  for (let i = 0; i < 3; i++) await web1.router.chat(ask);
  for (let i = 0; i < 100 && web2.router.health().models.main?.state !== 'open'; i++) await sleep(20);
  const served = await web2.router.chat(ask);
  console.log(
    `[web-2] served by ${served.route.model}; main is ${web2.router.health().models.main?.state} there without one failure of its own`,
  );

  // An operator disables the spare provider from web-2: web-1 stops using it too.
  web2.router.disable('spare', { actor: 'oncall' });
  for (let i = 0; i < 100 && !web1.router.health().providers.spare?.disabled; i++) await sleep(20);
  console.log(`[web-1] spare disabled: ${web1.router.health().providers.spare?.disabled}`);
  web2.router.enable('spare', { actor: 'oncall' });
  web2.router.disable('vendor', { actor: 'oncall' });

  // A restarted process on the same store: its first request already knows the controls.
  const web3 = member('web-3', connect()!);
  const again = await web3.router.chat(ask);
  console.log(
    `[web-3] first request after a restart served by ${again.route.model}; vendor disabled: ${web3.router.health().providers.vendor?.disabled}`,
  );

  web3.router.enable('vendor', { actor: 'oncall' });
  for (const p of [web1, web2, web3]) {
    await p.router.close(); // Waits for its last writes to the store and stops listening.
    await p.store.close();
  }
}
rmSync(dir, { recursive: true, force: true });
