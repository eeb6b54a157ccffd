import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, memorySink, type Router, type RouterOptions } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';
import { createAdminHandler, type AdminHandler, type AdminPrincipal } from '../../src/admin/index.js';

const SECRET = 'sk-live-SECRET-4f7a9c';
const TENANT_SECRET = 'sk-tenant-SECRET-88c1';
const PRINCIPALS: Record<string, AdminPrincipal> = {
  'tok-admin': { role: 'admin', actor: 'alice' },
  'tok-acme': { role: 'tenant-admin', tenant: 'acme', actor: 'bob@acme' },
  'tok-monitor': { role: 'monitor', actor: 'carol' },
  'tok-globex-monitor': { role: 'monitor', tenant: 'globex', actor: 'dan' },
};

const audit = memorySink();
const config: RouterOptions = {
  providers: {
    gpt: mockProvider({ name: 'gpt', apiKey: SECRET, reply: 'from gpt' }),
    claude: mockProvider({ name: 'claude', reply: 'from claude' }),
  },
  models: {
    'gpt-mini': { provider: 'gpt', model: 'gpt-4o-mini', pricing: { input: 1, output: 2 } },
    sonnet: { provider: 'claude', model: 'claude-sonnet-4-5', pricing: { input: 3, output: 15 } },
  },
  routes: [{ when: { agent: 'legal' }, use: ['sonnet'] }],
  budgets: [{ id: 'all-day', period: 'day', limitUsd: 10, onExceed: 'alert' }],
  tenants: {
    acme: {
      providers: { own: mockProvider({ name: 'own', apiKey: TENANT_SECRET, reply: 'own' }) },
      models: { mine: { provider: 'own', model: 'own-1' } },
      budgets: [{ id: 'acme-day', period: 'day', limitUsd: 1, onExceed: 'block' }],
    },
    globex: {},
  },
  audit: { sink: audit },
};

let router: Router;
let admin: AdminHandler;
const base = 'http://admin.test';

function call(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  return admin.fetch(new Request(base + path, { ...init, headers }));
}
const post = (path: string, token: string, body: unknown, headers: Record<string, string> = {}) =>
  call(path, {
    method: 'POST',
    token,
    headers: { 'content-type': 'application/json', 'x-switchyard-admin': '1', ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  router = createRouter(config);
  admin = createAdminHandler(router, {
    authorize: (req) => PRINCIPALS[(req.headers.get('authorization') ?? '').replace('Bearer ', '')],
    challenge: 'Bearer',
    config,
  });
  for (const tenant of ['acme', 'globex', 'acme'])
    await router.chat({ messages: [{ role: 'user', content: 'hello' }], tenant, agent: 'support' });
});
afterAll(async () => {
  admin.close();
  await router.close();
});

describe('createAdminHandler: authentication and roles', () => {
  it('401 without credentials (with the challenge), 403 for an invalid principal', async () => {
    const res = await call('/providers/health');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await res.json()).toEqual({ error: { code: 'unauthenticated', message: 'Authentication required' } });
    const odd = createAdminHandler(router, { authorize: () => ({ role: 'root', actor: 'x' }) as unknown as AdminPrincipal });
    expect((await odd.fetch(new Request(`${base}/providers/health`))).status).toBe(403);
    const throwing = createAdminHandler(router, { authorize: () => Promise.reject(new Error('idp down')) });
    expect((await throwing.fetch(new Request(`${base}/providers/health`))).status).toBe(401);
    odd.close();
    throwing.close();
  });

  it('health per scope: an admin chooses, a tenant admin and a tenant monitor are confined', async () => {
    const all = (await (await call('/providers/health', { token: 'tok-admin' })).json()) as {
      scope: null;
      models: Record<string, unknown>;
    };
    expect(all.scope).toBeNull();
    expect(Object.keys(all.models)).toEqual(['gpt-mini', 'sonnet']);
    const acme = (await (await call('/providers/health', { token: 'tok-acme' })).json()) as {
      scope: string;
      models: Record<string, unknown>;
    };
    expect(acme.scope).toBe('acme');
    expect(Object.keys(acme.models)).toContain('mine');
    expect((await call('/providers/health?tenant=globex', { token: 'tok-acme' })).status).toBe(403);
    expect((await call('/providers/health?tenant=acme', { token: 'tok-globex-monitor' })).status).toBe(403);
    expect((await call('/providers/health?tenant=globex', { token: 'tok-admin' })).status).toBe(200);
  });

  it('costs summary, stats and export are confined to the tenant', async () => {
    const mine = (await (await call('/providers/costs/summary?by=tenant', { token: 'tok-acme' })).json()) as {
      rows: Array<{ group: { tenant: string }; requests: number }>;
    };
    expect(mine.rows.map((r) => [r.group.tenant, r.requests])).toEqual([['acme', 2]]);
    const all = (await (await call('/providers/costs/summary?by=tenant', { token: 'tok-admin' })).json()) as {
      rows: Array<{ group: { tenant: string } }>;
    };
    expect(all.rows.map((r) => r.group.tenant).sort()).toEqual(['acme', 'globex']);
    const stats = (await (await call('/providers/costs/stats', { token: 'tok-monitor' })).json()) as {
      total: { requests: number };
      models: Array<{ live?: { state: string } }>;
    };
    expect(stats.total.requests).toBe(3);
    expect(stats.models[0]!.live?.state).toBe('closed');
    const csv = await call('/providers/costs/export?format=csv', { token: 'tok-acme' });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).every((l) => l.includes(',acme,'))).toBe(true);
    const json = (await (await call('/providers/costs/export?format=json&limit=1', { token: 'tok-admin' })).json()) as unknown[];
    expect(json).toHaveLength(1);
  });

  it('budgets with the room left, per scope', async () => {
    const admin = (await (await call('/budgets', { token: 'tok-admin' })).json()) as {
      budgets: Array<{ id: string; limitMicros: number; spentMicros: number; remainingMicros: number }>;
    };
    expect(admin.budgets.map((b) => b.id)).toEqual(['all-day', 'acme-day']);
    const all = admin.budgets[0]!;
    expect(all.limitMicros).toBe(10_000_000);
    expect(all.remainingMicros).toBe(all.limitMicros - all.spentMicros);
    expect(all.spentMicros).toBeGreaterThan(0);
    const acme = (await (await call('/budgets', { token: 'tok-acme' })).json()) as { budgets: Array<{ id: string }> };
    expect(acme.budgets.map((b) => b.id)).toEqual(['acme-day']);
    const globex = (await (await call('/budgets', { token: 'tok-globex-monitor' })).json()) as { budgets: Array<{ id: string }> };
    expect(globex.budgets).toEqual([]);
  });

  it('the configuration view names providers, models, prices and tenants, and never a key', async () => {
    for (const token of ['tok-admin', 'tok-acme', 'tok-monitor']) {
      const text = await (await call('/providers/configuration', { token })).text();
      expect(text).not.toContain('SECRET');
      expect(text).not.toMatch(/apiKey/i);
    }
    const view = (await (await call('/providers/configuration', { token: 'tok-admin' })).json()) as {
      providers: Array<{ name: string; kind: string }>;
      models: Array<{ alias: string; model: string; pricing: unknown }>;
      tenants: Array<{ id: string; providers: string[] }>;
    };
    expect(view.providers).toContainEqual(expect.objectContaining({ name: 'gpt', kind: 'mock' }));
    expect(view.models).toContainEqual(
      expect.objectContaining({ alias: 'sonnet', model: 'claude-sonnet-4-5', pricing: { input: 3, output: 15 } }),
    );
    expect(view.tenants.find((t) => t.id === 'acme')?.providers).toEqual(['own']);
    const acme = (await (await call('/providers/configuration', { token: 'tok-acme' })).json()) as { tenants: Array<{ id: string }> };
    expect(acme.tenants.map((t) => t.id)).toEqual(['acme']);
  });
});

describe('createAdminHandler: controls', () => {
  it('POSTs need the CSRF header and a same-origin Origin', async () => {
    const noHeader = await call('/controls/disable', {
      method: 'POST',
      token: 'tok-admin',
      headers: { 'content-type': 'application/json' },
      body: '{"target":"gpt"}',
    });
    expect(noHeader.status).toBe(403);
    expect(((await noHeader.json()) as { error: { code: string } }).error.code).toBe('csrf');
    expect((await post('/controls/disable', 'tok-admin', { target: 'gpt' }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post('/controls/disable', 'tok-admin', { target: 'gpt' }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const same = await post('/controls/disable', 'tok-admin', { target: 'gpt' }, { origin: base });
    expect(same.status).toBe(200);
    expect((await post('/controls/enable', 'tok-admin', { target: 'gpt' })).status).toBe(200);
  });

  it('disable/enable/force/unforce/reset go to the audit log with the actor; roles are enforced', async () => {
    audit.clear();
    expect((await post('/controls/disable', 'tok-admin', { target: 'gpt-mini' })).status).toBe(200);
    const routed = await router.chat({ messages: [{ role: 'user', content: 'x' }] });
    expect(routed.route.model).toBe('sonnet');
    expect((await post('/controls/enable', 'tok-admin', { target: 'gpt-mini' })).status).toBe(200);
    expect((await post('/providers/health/claude/reset', 'tok-admin', {})).status).toBe(200);
    expect((await post('/controls/force', 'tok-acme', { model: 'sonnet' })).status).toBe(200);
    expect((await router.chat({ messages: [{ role: 'user', content: 'x' }], tenant: 'acme' })).route.model).toBe('sonnet');
    expect((await router.chat({ messages: [{ role: 'user', content: 'x' }], tenant: 'globex' })).route.model).toBe('gpt-mini');
    expect((await post('/controls/unforce', 'tok-acme', {})).status).toBe(200);
    const controls = audit.entries.filter((e) => e.type === 'control').map((e) => e.type === 'control' && [e.action, e.target, e.actor]);
    expect(controls).toEqual([
      ['disable', 'gpt-mini', 'alice'],
      ['enable', 'gpt-mini', 'alice'],
      ['reset-breaker', 'sonnet', 'alice'],
      ['force', 'sonnet', 'bob@acme'],
      ['unforce', 'acme', 'bob@acme'],
    ]);
    expect((await post('/controls/disable', 'tok-acme', { target: 'gpt' })).status).toBe(403);
    expect((await post('/controls/force', 'tok-acme', { model: 'sonnet', tenant: 'globex' })).status).toBe(403);
    expect((await post('/controls/reset', 'tok-acme', { model: 'sonnet' })).status).toBe(403);
    expect((await post('/controls/unforce', 'tok-monitor', {})).status).toBe(403);
    expect((await post('/controls/disable', 'tok-globex-monitor', { target: 'gpt' })).status).toBe(403);
  });

  it('bad input is a 400 naming the field', async () => {
    const err = async (res: Response) => ({ status: res.status, path: ((await res.json()) as { error: { path?: string } }).error.path });
    expect(await err(await post('/controls/disable', 'tok-admin', {}))).toEqual({ status: 400, path: 'target' });
    expect(await err(await post('/controls/disable', 'tok-admin', { target: 42 }))).toEqual({ status: 400, path: 'target' });
    expect(await err(await post('/controls/disable', 'tok-admin', { target: 'no-such-model' }))).toEqual({ status: 400, path: 'target' });
    expect(await err(await post('/controls/force', 'tok-admin', { model: 'nope' }))).toEqual({ status: 400, path: 'model' });
    expect(await err(await post('/controls/force', 'tok-admin', { model: 'sonnet', tenant: ['x'] }))).toEqual({
      status: 400,
      path: 'tenant',
    });
    expect(await err(await post('/controls/disable', 'tok-admin', [1, 2]))).toEqual({ status: 400, path: 'body' });
    const notJson = await call('/controls/disable', {
      method: 'POST',
      token: 'tok-admin',
      headers: { 'content-type': 'application/json', 'x-switchyard-admin': '1' },
      body: '{"target":',
    });
    expect(await err(notJson)).toEqual({ status: 400, path: 'body' });
    expect(await err(await call('/providers/costs/summary?by=colour', { token: 'tok-admin' }))).toEqual({ status: 400, path: 'by[0]' });
    expect(await err(await call('/providers/costs/summary?since=yesterday-ish', { token: 'tok-admin' }))).toEqual({
      status: 400,
      path: 'since',
    });
    expect(await err(await call('/providers/costs/export?format=xml', { token: 'tok-admin' }))).toEqual({ status: 400, path: 'format' });
    expect(await err(await call('/providers/costs/export?limit=-1', { token: 'tok-admin' }))).toEqual({ status: 400, path: 'limit' });
    expect(await err(await call('/providers/health?tenant=%20bad%20', { token: 'tok-admin' }))).toEqual({ status: 400, path: 'tenant' });
    expect(await err(await post('/providers/health/nope/reset', 'tok-admin', {}))).toEqual({ status: 404, path: 'provider' });
    expect((await call('/providers/health', { method: 'DELETE', token: 'tok-admin' })).status).toBe(405);
    expect((await call('/nothing/here', { token: 'tok-admin' })).status).toBe(404);
  });

  it('fuzzed paths, methods, headers and bodies never reach a 500', async () => {
    const segment = fc.oneof(
      fc.constantFrom(
        'providers',
        'health',
        'costs',
        'summary',
        'stats',
        'export',
        'configuration',
        'controls',
        'disable',
        'enable',
        'force',
        'unforce',
        'reset',
        'budgets',
        'events',
        'api',
        'overview',
        'me',
        '%',
        '%E0%A4%A',
        '..',
        'gpt',
        'sonnet',
      ),
      fc.string({ maxLength: 12 }).map(encodeURIComponent),
    );
    const query = fc.array(
      fc.tuple(fc.constantFrom('tenant', 'by', 'since', 'until', 'format', 'limit', 'model', 'x'), fc.string({ maxLength: 20 })),
      { maxLength: 3 },
    );
    const body = fc.oneof(
      fc.json().map((j) => j),
      fc.string({ maxLength: 60 }),
      fc
        .record(
          {
            target: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('gpt', 'sonnet', 'gpt-mini'), fc.integer()),
            model: fc.oneof(fc.string(), fc.constantFrom('sonnet', 'mine')),
            tenant: fc.oneof(fc.string(), fc.constantFrom('acme', 'globex')),
          },
          { requiredKeys: [] },
        )
        .map((o) => JSON.stringify(o)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { maxLength: 5 }),
        query,
        fc.constantFrom('GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS'),
        fc.constantFrom('tok-admin', 'tok-acme', 'tok-monitor', 'tok-globex-monitor', 'nobody'),
        body,
        fc.constantFrom('application/json', 'text/plain', ''),
        async (segs, q, method, token, raw, type) => {
          const qs = q.length ? '?' + q.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&') : '';
          const headers: Record<string, string> = { 'x-switchyard-admin': '1' };
          if (type) headers['content-type'] = type;
          const res = await call('/' + segs.join('/') + qs, {
            method,
            token,
            headers,
            ...(method !== 'GET' && method !== 'HEAD' && { body: raw }),
          });
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400 && method !== 'HEAD')
            expect(((await res.json()) as { error: { code: string } }).error.code).toBeTypeOf('string');
          else await res.arrayBuffer();
        },
      ),
      { numRuns: 400 },
    );
    // Whatever the fuzzing forced or disabled, put it back.
    for (const t of ['gpt', 'claude', 'gpt-mini', 'sonnet']) router.enable(t);
    router.unforce();
    router.unforce({ tenant: 'acme' });
    router.unforce({ tenant: 'globex' });
  }, 120_000);
});

describe('createAdminHandler: budgets read router.budgets.status()', () => {
  it('spent, held and remaining are what budgets.status() says: a request in flight, "*" instances, a time-zone period', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const vendor = mockProvider({
      name: 'v',
      reply: async (request) => {
        const last = request.messages.at(-1)!;
        if (last.content === 'slow') await gate;
        return { text: 'ok', usage: { inputTokens: 1000, outputTokens: 100 } };
      },
    });
    const options: RouterOptions = {
      providers: { v: vendor },
      models: { m: { provider: 'v', model: 'm-1', pricing: { input: 1, output: 2 } } },
      budgets: [
        { id: 'per-tenant', scope: { tenant: '*' }, period: 'day', limitUsd: 1, onExceed: 'block' },
        { period: 'day', timeZone: 'Asia/Tokyo', limitUsd: 5, onExceed: 'alert' },
      ],
      tenants: { acme: { budgets: [{ period: 'month', limitUsd: 2, onExceed: 'block' }] }, globex: {} },
    };
    const r = createRouter(options);
    const handler = createAdminHandler(r, {
      authorize: (req) => PRINCIPALS[(req.headers.get('authorization') ?? '').replace('Bearer ', '')],
      config: options,
    });
    type View = { id: string; instance?: string; periodKey?: string; spentMicros: number; heldMicros: number; remainingMicros: number };
    const views = async (token: string) => {
      const res = await handler.fetch(new Request(`${base}/budgets`, { headers: { authorization: `Bearer ${token}` } }));
      expect(res.status).toBe(200);
      return ((await res.json()) as { budgets: View[] }).budgets;
    };
    const key = (v: { id?: string; budgetId?: string; instance?: string }) => `${v.id ?? v.budgetId}|${v.instance ?? ''}`;
    /** Every budget status the router reports for the global scope and the two tenants, by id and instance. */
    const statuses = async () => {
      const all = [
        ...(await r.budgets.status({})),
        ...(await r.budgets.status({ tenant: 'acme' })),
        ...(await r.budgets.status({ tenant: 'globex' })),
      ];
      return new Map(all.map((s) => [key(s), s]));
    };
    const agree = async (token = 'tok-admin') => {
      const [shown, expected] = [await views(token), await statuses()];
      for (const v of shown) {
        const s = expected.get(key(v));
        expect(s, key(v)).toBeDefined();
        expect([v.periodKey, v.spentMicros, v.heldMicros, v.remainingMicros], key(v)).toEqual([
          s!.periodKey,
          s!.spentMicros,
          s!.heldMicros,
          s!.remainingMicros,
        ]);
      }
      return shown;
    };
    try {
      await r.chat({ messages: [{ role: 'user', content: 'hi' }], tenant: 'acme' });
      await r.chat({ messages: [{ role: 'user', content: 'hi' }], tenant: 'globex' });
      const slow = r.chat({ messages: [{ role: 'user', content: 'slow' }], tenant: 'acme', params: { maxTokens: 500 } });
      await expect.poll(() => vendor.calls.length, { timeout: 10_000 }).toBe(3);

      const during = await agree();
      expect(during.map(key).sort()).toEqual([
        'day:global|',
        'per-tenant|tenant=acme',
        'per-tenant|tenant=globex',
        'tenant:acme:month:{}|',
      ]);
      const acmeDay = during.find((v) => key(v) === 'per-tenant|tenant=acme')!;
      // 1,000 input x $1/M + 100 output x $2/M = 1,200 micros settled; the slow request holds its worst case.
      expect(acmeDay.spentMicros).toBe(1200);
      expect(acmeDay.heldMicros).toBeGreaterThan(0);
      expect(acmeDay.remainingMicros).toBe(1_000_000 - 1200 - acmeDay.heldMicros);
      expect(during.find((v) => key(v) === 'per-tenant|tenant=globex')).toMatchObject({ spentMicros: 1200, heldMicros: 0 });
      // The Tokyo budget: its period (periodKey) and figures are the engine's (checked by agree() above), not a UTC-day ledger sum.
      expect(during.find((v) => v.id === 'day:global')).toMatchObject({ spentMicros: 2400 });
      // A tenant admin sees its own instances only, with the same figures.
      expect((await agree('tok-acme')).map(key).sort()).toEqual(['per-tenant|tenant=acme', 'tenant:acme:month:{}|']);

      release();
      await slow;
      const after = await agree();
      expect(after.find((v) => key(v) === 'per-tenant|tenant=acme')).toMatchObject({ spentMicros: 2400, heldMicros: 0 });
    } finally {
      release();
      handler.close();
      await r.close();
    }
  });
});

describe('createAdminHandler: names from requests', () => {
  it('a tenant or agent called "__proto__" or "constructor" is counted as one, and no shared object changes', async () => {
    const names = ['__proto__', 'constructor', 'toString'];
    for (const name of names) await router.chat({ messages: [{ role: 'user', content: 'hi' }], tenant: name, agent: name });
    const res = await call('/api/overview', { token: 'tok-admin' });
    expect(res.status).toBe(200);
    const data = (await res.json()) as {
      series: Array<{ requests: number; spend: { byTenant: Record<string, number>; byAgent: Record<string, number> } }>;
    };
    const last = data.series.at(-1)!;
    for (const name of names) {
      expect(Object.hasOwn(last.spend.byTenant, name), name).toBe(true);
      expect(Object.hasOwn(last.spend.byAgent, name), name).toBe(true);
    }
    expect(({} as Record<string, unknown>).models).toBeUndefined();
    expect(({} as Record<string, unknown>).requests).toBeUndefined();
    const reset = await post('/providers/health/constructor/reset', 'tok-admin', {});
    expect(reset.status).toBe(404);
  });
});

describe('createAdminHandler: the Node handler', () => {
  let server: Server;
  let url = '';
  beforeAll(async () => {
    const mounted = createAdminHandler(router, {
      authorize: (req) => PRINCIPALS[(req.headers.get('authorization') ?? '').replace('Bearer ', '')],
      basePath: '/admin',
      maxBodyBytes: 64,
    });
    server = createServer((req, res) => mounted.node(req, res, () => res.end('the app')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it('serves under basePath, passes other paths to next(), redirects the bare base, serves the page', async () => {
    expect(await (await fetch(`${url}/elsewhere`)).text()).toBe('the app');
    const bare = await fetch(`${url}/admin`, { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/admin/');
    const page = await fetch(`${url}/admin/`, { headers: { authorization: 'Bearer tok-monitor' } });
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).not.toMatch(/(src|href)=["']?https?:/);
    expect(html).toContain('Emergency controls · 紧急控制');
    const health = await fetch(`${url}/admin/providers/health`, { headers: { authorization: 'Bearer tok-admin' } });
    expect(((await health.json()) as { providers: Record<string, unknown> }).providers).toHaveProperty('gpt');
    const big = await fetch(`${url}/admin/controls/disable`, {
      method: 'POST',
      headers: { authorization: 'Bearer tok-admin', 'content-type': 'application/json', 'x-switchyard-admin': '1' },
      body: JSON.stringify({ target: 'x'.repeat(200) }),
    });
    expect(big.status).toBe(413);
    const ok = await fetch(`${url}/admin/controls/enable`, {
      method: 'POST',
      headers: { authorization: 'Bearer tok-admin', 'content-type': 'application/json', 'x-switchyard-admin': '1' },
      body: JSON.stringify({ target: 'gpt' }),
    });
    expect(ok.status).toBe(200);
  });

  it('raw request lines a browser would never send (bad percent-escapes, "//", "..", odd methods, any body) never reach a 500', async () => {
    const { port } = new URL(url);
    const raw = (method: string, path: string, body: string | undefined, headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: Number(port), method, path, headers }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        if (body !== undefined) req.write(body);
        req.end();
      });
    const piece = fc.oneof(
      fc.constantFrom('admin', 'providers', 'health', 'costs', 'export', 'controls', 'disable', 'force', 'reset', 'gpt', 'api', 'overview'),
      fc.constantFrom('%', '%E0%A4%A', '%ZZ', '%00', '..', '.', '', '%2f', '%FF%FE', '__proto__', '~', '%C0%AF'),
      fc.stringMatching(/^[\w.~%-]{0,10}$/),
    );
    const query = fc.constantFrom(
      '',
      '?tenant=%',
      '?x=%ff',
      '?by=tenant&by=%',
      '?limit=1e400',
      '?since=9e15&until=0',
      '?format=csv&tenant=acme',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { minLength: 1, maxLength: 5 }),
        query,
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'OPTIONS', 'HEAD'),
        fc.constantFrom('tok-admin', 'tok-acme', 'tok-monitor', 'nobody'),
        fc.option(fc.oneof(fc.string({ maxLength: 80 }), fc.json({ maxDepth: 2 })), { nil: undefined }),
        async (pieces, q, method, token, body) => {
          const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'x-switchyard-admin': '1' };
          const sent = method === 'GET' || method === 'HEAD' ? undefined : body;
          // Framed by content-length: Node's client sends an OPTIONS body unframed, which no server can parse.
          if (sent !== undefined)
            Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(sent)) });
          const status = await raw(method, `/${pieces.join('/')}${q}`, sent, headers);
          expect(status).toBeGreaterThanOrEqual(200);
          expect(status).toBeLessThan(500);
        },
      ),
      { numRuns: 300 },
    );
    for (const t of ['gpt', 'claude', 'gpt-mini', 'sonnet']) router.enable(t);
    router.unforce();
  }, 120_000);
});
