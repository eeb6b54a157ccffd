/**
 * The admin dashboard, live, with no keys: four mock providers, three tenants, budgets, generated
 * traffic with an incident (a provider starts failing, its breaker opens, traffic falls back).
 *
 *   npx tsx examples/admin-server.ts                 # in a terminal: serves until Ctrl-C
 *   npx tsx examples/admin-server.ts --port 8787     # pick the port (default 8787)
 *   npx tsx examples/admin-server.ts --duration 3    # serve 3 s of traffic, print a summary, exit
 *
 * When stdout is not a terminal (CI, the examples test) and no --duration is given, it runs 2 s and exits.
 * Log in with Basic auth: admin/admin (everything), acme/acme (tenant admin of acme), monitor/monitor (read only).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createRouter, type RouterOptions, type Router } from '../src/index.js';
import { mockProvider } from '../src/testing.js';
import { createAdminHandler, type AdminHandler, type AdminPrincipal } from '../src/admin/index.js';

const USERS: Record<string, { password: string; principal: AdminPrincipal }> = {
  admin: { password: 'admin', principal: { role: 'admin', actor: 'admin' } },
  acme: { password: 'acme', principal: { role: 'tenant-admin', tenant: 'acme', actor: 'acme-ops' } },
  monitor: { password: 'monitor', principal: { role: 'monitor', actor: 'monitor' } },
};

/** Basic auth against the demo users (use your own identity provider in production). */
export function demoAuthorize(request: Request): AdminPrincipal | undefined {
  const header = request.headers.get('authorization') ?? '';
  if (!header.startsWith('Basic ')) return undefined;
  const [user = '', password] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
  const found = USERS[user];
  return found && found.password === password ? found.principal : undefined;
}

export interface Demo {
  router: Router;
  admin: AdminHandler;
  config: RouterOptions;
  /** Sends one request every `everyMs` until `stop()`. */
  traffic(everyMs?: number): { stop(): void };
  /** Makes `deepseek` fail (an incident) or recover. */
  incident(on: boolean): void;
  close(): Promise<void>;
}

const AGENTS = ['support', 'sales', 'compliance', 'researcher'];
const TENANTS = ['acme', 'globex', 'initech'];

export function createDemo(options: { sampleMs?: number; refreshMs?: number } = {}): Demo {
  let failing = false;
  // Realistic token counts so that spend and budgets move: 600-2,000 tokens in, 150-600 out.
  const sized = (text: string) => () => ({
    text,
    usage: { inputTokens: 600 + Math.floor(Math.random() * 1400), outputTokens: 150 + Math.floor(Math.random() * 450) },
  });
  const config: RouterOptions = {
    providers: {
      openai: mockProvider({
        name: 'openai',
        reply: sized('Your order ships tomorrow.'),
        latencyMs: { min: 60, max: 220 },
        failRate: { probability: 0.03, with: 503 },
      }),
      anthropic: mockProvider({ name: 'anthropic', reply: sized('Here is the compliance summary.'), latencyMs: { min: 140, max: 420 } }),
      deepseek: mockProvider({
        name: 'deepseek',
        reply: (_req) => (failing ? { fail: 503 } : sized('好的，这是您的答案。')()),
        latencyMs: { min: 90, max: 260 },
      }),
      local: mockProvider({ name: 'local', reply: sized('(local model) done.'), latencyMs: { min: 25, max: 90 } }),
    },
    models: {
      'gpt-mini': { provider: 'openai', model: 'gpt-4o-mini', pricing: { input: 0.15, output: 0.6 } },
      'claude-sonnet': { provider: 'anthropic', model: 'claude-sonnet-4-5', pricing: { input: 3, output: 15 } },
      'ds-chat': { provider: 'deepseek', model: 'deepseek-chat', pricing: { input: 0.27, output: 1.1 } },
      llama: { provider: 'local', model: 'llama3.1:8b', pricing: { input: 0, output: 0 } },
    },
    strategy: 'fallback',
    routes: [
      { name: 'compliance', when: { agent: 'compliance' }, use: ['claude-sonnet', 'gpt-mini'] },
      { name: 'chinese', when: { language: 'zh' }, use: ['ds-chat', 'claude-sonnet'] },
      { name: 'research', when: { agent: 'researcher' }, use: ['ds-chat', 'gpt-mini', 'llama'] },
    ],
    retry: { retries: 1, minDelayMs: 20, maxDelayMs: 50 },
    circuitBreaker: { failureThreshold: 4, cooldownMs: 8_000 },
    budgets: [{ id: 'global-day', period: 'day', limitUsd: 25, onExceed: 'alert' }],
    tenants: {
      acme: { budgets: [{ id: 'acme-day', period: 'day', limitUsd: 2, onExceed: 'block' }] },
      globex: { budgets: [{ id: 'globex-day', period: 'day', limitUsd: 0.4, onExceed: 'downgrade', degradeTo: 'llama' }] },
    },
  };
  const router = createRouter(config);
  const admin = createAdminHandler(router, {
    authorize: demoAuthorize,
    challenge: 'Basic realm="switchyard demo"',
    config,
    sampleMs: options.sampleMs ?? 2_000,
    samples: 90,
    refreshMs: options.refreshMs ?? 2_000,
  });
  let n = 0;
  const one = () => {
    n++;
    const agent = AGENTS[n % AGENTS.length]!;
    const tenant = TENANTS[(n * 7) % TENANTS.length]!;
    const content = n % 5 === 0 ? '请帮我查一下订单状态' : `Ticket ${n}: where is my order?`;
    // Refusals (a budget, every candidate down) are part of the picture; the dashboard shows them.
    router.chat({ messages: [{ role: 'user', content }], tenant, agent }).catch(() => undefined);
  };
  return {
    router,
    admin,
    config,
    traffic(everyMs = 250) {
      const timer = setInterval(one, everyMs);
      return { stop: () => clearInterval(timer) };
    },
    incident(on) {
      failing = on;
    },
    async close() {
      admin.close();
      await router.close();
    },
  };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const durationArg = arg('duration');
  const durationS = durationArg !== undefined ? Number(durationArg) : process.stdout.isTTY ? undefined : 2;
  const port = Number(arg('port') ?? (durationS !== undefined ? 0 : 8787));
  const demo = createDemo();
  const server = createServer((req, res) => demo.admin.node(req, res));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  console.log(`switchyard admin dashboard: ${url}  (admin/admin, acme/acme, monitor/monitor)`);
  const traffic = demo.traffic(durationS !== undefined ? 40 : 250);
  // The incident: deepseek fails for a while; its breaker opens and routes fall back.
  const incidentAt = durationS !== undefined ? 300 : 20_000;
  const recoverAt = durationS !== undefined ? 1_200 : 60_000;
  const timers = [setTimeout(() => demo.incident(true), incidentAt), setTimeout(() => demo.incident(false), recoverAt)];
  if (durationS === undefined) {
    console.log('serving until Ctrl-C; an incident on "deepseek" starts after 20 s');
    process.on('SIGINT', () => {
      traffic.stop();
      server.close();
      void demo.close().then(() => process.exit(0));
    });
    return;
  }
  await new Promise((resolve) => setTimeout(resolve, durationS * 1000));
  traffic.stop();
  for (const t of timers) clearTimeout(t);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const auth = { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` };
  const health = (await (await fetch(`${url}providers/health`, { headers: auth })).json()) as {
    providers: Record<string, { state: string; disabled: boolean }>;
  };
  for (const [name, p] of Object.entries(health.providers))
    console.log(`provider ${name.padEnd(10)} ${p.state}${p.disabled ? ' (disabled)' : ''}`);
  const summary = (await (await fetch(`${url}providers/costs/summary?by=tenant`, { headers: auth })).json()) as {
    rows: Array<{ group: { tenant: string | null }; requests: number; costUsd: number }>;
  };
  for (const r of summary.rows)
    console.log(`tenant ${String(r.group.tenant).padEnd(8)} ${String(r.requests).padStart(4)} requests  $${r.costUsd.toFixed(4)}`);
  const refused = await fetch(`${url}providers/health`);
  console.log(`without credentials: HTTP ${refused.status}`);
  server.close();
  await demo.close();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
