import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConfigError,
  createRouter,
  openai,
  type AuditEntry,
  type LLMProvider,
  type RouterEvents,
} from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';
import { memorySink, verifyAuditLog } from '../../src/observability/audit/index.js';
import { sendJson, startLoopback, type Loopback } from '../helpers/loopback.js';

const ACME_KEY = 'sk-acme-TENANTKEY-aaaaaaaaaaaaaaaaaaaa1111';
const GLOBEX_KEY = 'sk-globex-TENANTKEY-bbbbbbbbbbbbbbbbbb2222';
const DEFAULT_KEY = 'sk-default-ROUTERKEY-cccccccccccccccc3333';

let lb: Loopback;
beforeAll(async () => {
  lb = await startLoopback((req, res) => {
    const body = req.body as { model: string; messages: Array<{ content: string }> };
    const said = body.messages.at(-1)!.content;
    sendJson(res, 200, {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: `${body.model}:${said}` }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
    });
  });
});
afterAll(() => lb.close());

describe('tenants', () => {
  it('isolation: 1,000 interleaved concurrent requests of two tenants each use their own key, route, budget, summary, pins and audit chain', async () => {
    const audit = memorySink();
    const router = createRouter({
      providers: { gpt: openai({ apiKey: DEFAULT_KEY, baseURL: `${lb.url}/v1` }) },
      models: { mini: { provider: 'gpt', model: 'gpt-4o-mini' }, big: { provider: 'gpt', model: 'gpt-4o' } },
      tenants: {
        acme: {
          providers: { gpt: openai({ apiKey: ACME_KEY, baseURL: `${lb.url}/v1` }) },
          routes: [{ when: {}, use: ['big'] }],
          budgets: [{ period: 'day', limitUsd: 100, onExceed: 'block' }],
        },
        globex: { providers: { gpt: openai({ apiKey: GLOBEX_KEY, baseURL: `${lb.url}/v1` }) }, denyModels: ['big'] },
      },
      audit: { sink: audit },
    });
    const seenBefore = lb.requests.length;
    const jobs = Array.from({ length: 1_000 }, (_, i) => {
      const tenant = i % 2 === 0 ? 'acme' : 'globex';
      return router.chat({ messages: [{ role: 'user', content: `${tenant}-${i}` }], tenant, session: `s-${Math.floor(i / 2) % 10}` });
    });
    const results = await Promise.all(jobs);
    // Every call reached the loopback with the key of the tenant named in its message.
    const calls = lb.requests.slice(seenBefore);
    expect(calls).toHaveLength(1_000);
    for (const call of calls) {
      const said = (call.body as { messages: Array<{ content: string }> }).messages.at(-1)!.content;
      expect(call.headers.authorization).toBe(`Bearer ${said.startsWith('acme') ? ACME_KEY : GLOBEX_KEY}`);
    }
    // Routes: acme's own route, globex denied `big`.
    expect(results.filter((r) => r.route.context.tenant === 'acme').every((r) => r.route.model === 'big')).toBe(true);
    expect(results.filter((r) => r.route.context.tenant === 'globex').every((r) => r.route.model === 'mini')).toBe(true);
    // Summaries hold only the tenant's own requests.
    const acme = await router.costs.summary({ tenant: 'acme', by: ['tenant', 'model'] });
    expect(acme.rows.map((r) => [r.group.tenant, r.group.model, r.requests])).toEqual([['acme', 'big', 500]]);
    const globex = await router.costs.summary({ tenant: 'globex', by: ['tenant'] });
    expect(globex.rows.map((r) => [r.group.tenant, r.requests])).toEqual([['globex', 500]]);
    // Session pins are per tenant: the same session id pins different models.
    expect(router.explain({ messages: [{ role: 'user', content: 'x' }], tenant: 'acme', session: 's-1' }).pinned).toBe('big');
    expect(router.explain({ messages: [{ role: 'user', content: 'x' }], tenant: 'globex', session: 's-1' }).pinned).toBe('mini');
    // Audit: one chain per tenant, each verifying and holding only its tenant's entries.
    const entries = audit.entries as AuditEntry[];
    expect(entries).toHaveLength(1_000);
    for (const tenant of ['acme', 'globex']) {
      const own = entries.filter((e) => e.tenant === tenant);
      expect(own).toHaveLength(500);
      expect(own.map((e) => e.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i));
      expect(verifyAuditLog(own)).toEqual({ ok: true });
    }
    expect(verifyAuditLog(entries)).toEqual({ ok: true });
    await router.close();
  }, 60_000);

  it('tenants can be added, changed and removed at runtime, validated like createRouter() options', async () => {
    const router = createRouter({
      providers: { m: mockProvider({ reply: 'default' }) },
      models: { a: { provider: 'm', model: 'a' }, b: { provider: 'm', model: 'b' } },
    });
    const controls: Array<RouterEvents['control']> = [];
    router.on('control', (e) => controls.push(e));
    router.tenants.set(
      'initech',
      {
        providers: { own: mockProvider({ reply: 'own key' }) },
        models: { own: { provider: 'own', model: 'o' } },
        routes: [{ when: {}, use: ['own'] }],
      },
      { actor: 'admin' },
    );
    expect((await router.chat({ messages: [{ role: 'user', content: 'hi' }], tenant: 'initech' })).text).toBe('own key');
    expect((await router.chat({ messages: [{ role: 'user', content: 'hi' }], tenant: 'other' })).text).toBe('default');
    expect(router.tenants.list()).toEqual(['initech']);
    router.tenants.remove('initech', { actor: 'admin' });
    expect((await router.chat({ messages: [{ role: 'user', content: 'hi' }], tenant: 'initech' })).text).toBe('default');
    expect(controls.map((c) => `${c.action}:${c.target}:${c.actor}`)).toEqual(['tenant-set:initech:admin', 'tenant-remove:initech:admin']);
  });

  it('bad tenant input: a route naming a denied model, allowModels naming unknown models, an empty or non-string id', () => {
    const base = { providers: { m: mockProvider() }, models: { a: { provider: 'm', model: 'a' }, b: { provider: 'm', model: 'b' } } };
    const issues = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(ConfigError.isInstance(e)).toBe(true);
        return (e as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
      }
      throw new Error('no ConfigError');
    };
    expect(
      issues(() =>
        createRouter({
          ...base,
          tenants: { acme: { denyModels: ['b'], routes: [{ when: {}, use: ['a', 'b'] }], allowModels: ['a', 'b', 'zz'] } },
        }),
      ),
    ).toEqual([
      'tenants.acme.allowModels[2]: unknown model "zz"',
      'tenants.acme.routes[0].use[1]: names model "b", which this tenant denies (allowModels/denyModels)',
    ]);
    expect(issues(() => createRouter({ ...base, tenants: { '': {} } }))).toEqual(['tenants: a tenant id must not be empty']);
    const router = createRouter(base);
    expect(issues(() => router.tenants.set('', {}))).toEqual(['tenants: a tenant id must be a non-empty string']);
    expect(issues(() => router.tenants.set(42 as unknown as string, {}))).toEqual(['tenants: a tenant id must be a non-empty string']);
    expect(issues(() => router.tenants.set('x', { modles: {} } as never))).toEqual(['tenants.x.modles: unknown field']);
  });
});

describe('credentials', () => {
  function rotatingProvider(keys: { current: string }, rejected: Set<string>) {
    const used: string[] = [];
    let inUse = keys.current;
    const inner = mockProvider({
      reply: () => {
        used.push(inUse);
        return rejected.has(inUse) ? { fail: new AuthenticationError({ message: 'invalid key' }) } : 'ok';
      },
    });
    const provider: LLMProvider = {
      ...inner,
      kind: 'mock',
      chat: (r, o) => inner.chat(r, o),
      stream: (r, o) => inner.stream(r, o),
      async rotateCredentials() {
        if (keys.current === inUse) return 'unchanged';
        inUse = keys.current;
        return 'rotated';
      },
    };
    return { provider, used };
  }

  it("after a 401 the resolver's new key is used, without restart, and the old key is never retried", async () => {
    const keys = { current: 'old-key' };
    const { provider, used } = rotatingProvider(keys, new Set(['old-key']));
    const router = createRouter({
      providers: { p: provider, backup: mockProvider({ reply: 'backup' }) },
      models: { main: { provider: 'p', model: 'x' }, spare: { provider: 'backup', model: 'y' } },
    });
    // The key was rotated at the vendor; the resolver now returns the new one.
    keys.current = 'new-key';
    const res = await router.chat({ messages: [{ role: 'user', content: 'hi' }] });
    expect(res.text).toBe('ok');
    expect(used).toEqual(['old-key', 'new-key']);
    expect(res.route.attempts.map((a) => `${a.model}#${a.try}:${a.errorClass ?? 'ok'}`)).toEqual([
      'main#1:AuthenticationError',
      'main#2:ok',
    ]);
  });

  it('a resolver still returning the failing key is not retried: the request falls back', async () => {
    const keys = { current: 'old-key' };
    const { provider, used } = rotatingProvider(keys, new Set(['old-key']));
    const router = createRouter({
      providers: { p: provider, backup: mockProvider({ reply: 'backup' }) },
      models: { main: { provider: 'p', model: 'x' }, spare: { provider: 'backup', model: 'y' } },
    });
    const res = await router.chat({ messages: [{ role: 'user', content: 'hi' }] });
    expect(res.text).toBe('backup');
    expect(used).toEqual(['old-key']);
  });

  it('testConnections reports each provider: ok, a typed error, or a timeout', async () => {
    const hanging: LLMProvider = { ...mockProvider(), kind: 'mock', validateCredentials: () => new Promise(() => undefined) };
    const router = createRouter({
      providers: { good: mockProvider(), bad: mockProvider({ credentialsValid: false }), slow: hanging },
      models: { a: { provider: 'good', model: 'a' } },
    });
    const report = await router.testConnections({ timeoutMs: 50 });
    expect(report.good).toMatchObject({ ok: true });
    expect(report.bad).toMatchObject({ ok: false });
    expect(report.bad!.error).toBeInstanceOf(AuthenticationError);
    expect(report.slow).toMatchObject({ ok: false });
    expect(report.slow!.error!.name).toBe('TimeoutError');
  });
});

describe('no key is ever printed', () => {
  it('drives every error path with distinctive keys and finds no key, nor a key-sized prefix, in any output', async () => {
    const KEY = 'sk-proj-LEAKCHECK-zzzzzzzzzzzzzzzzzzzz9999';
    const out: string[] = [];
    const print = (v: unknown) =>
      out.push(
        typeof v === 'string'
          ? v
          : `${inspect(v, { depth: 8 })}\n${JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x))}`,
      );
    const leaky = await startLoopback((req, res) => {
      const auth = String(req.headers.authorization ?? '');
      if (req.url.includes('rate'))
        return sendJson(
          res,
          429,
          { error: { message: `Rate limit reached for key ${auth}`, type: 'requests' } },
          { 'retry-after-ms': '5' },
        );
      return sendJson(res, 401, {
        error: {
          message: `Incorrect API key provided: ${auth.replace('Bearer ', '')}`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      });
    });
    const audit = memorySink();
    const options = {
      providers: {
        gpt: openai({ apiKey: KEY, baseURL: `${leaky.url}/v1` }),
        limited: openai({ apiKey: KEY, baseURL: `${leaky.url}/rate/v1` }),
      },
      models: { a: { provider: 'gpt', model: 'gpt-4o-mini' }, b: { provider: 'limited', model: 'gpt-4o-mini' } },
      retry: { retries: 0 },
      audit: { sink: audit, content: 'include' as const },
    };
    const router = createRouter(options);
    for (const name of ['attempt', 'fallback', 'error', 'request', 'response'] as const) router.on(name, (e) => print(e));
    const failure = await router.chat({ messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    print(failure);
    print((failure as { stack?: string }).stack);
    try {
      // @ts-expect-error -- an unknown provider name is a compile error too; at runtime a ConfigError.
      createRouter({ ...options, models: { a: { provider: KEY, model: 'x' } } });
    } catch (e) {
      print(e);
    }
    print(router);
    print(options);
    print(options.providers.gpt);
    print(audit.entries);
    await router.close();
    await leaky.close();
    const all = out.join('\n');
    expect(all.length).toBeGreaterThan(1_000);
    expect(all).toContain('AllAttemptsFailedError');
    expect(all).not.toContain(KEY);
    for (let i = 0; i + 12 <= KEY.length; i++) expect(all).not.toContain(KEY.slice(i, i + 12));
  });
});
