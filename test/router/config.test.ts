import { describe, expect, it } from 'vitest';
import { computeCost, ConfigError, createRouter, validateConfig } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';

function issuesOf(options: unknown): Array<{ path: string; message: string }> {
  try {
    createRouter(options as Parameters<typeof createRouter>[0]);
  } catch (error) {
    expect(ConfigError.isInstance(error)).toBe(true);
    return [...(error as ConfigError).issues];
  }
  throw new Error('createRouter accepted invalid options');
}

const ok = { providers: { m: mockProvider() }, models: { x: { provider: 'm', model: 'x' } } };

describe('ConfigError at createRouter()', () => {
  it('names an unknown provider referenced by a model', () => {
    expect(issuesOf({ ...ok, models: { x: { provider: 'nope', model: 'x' } } })).toEqual([
      { path: 'models.x.provider', message: 'unknown provider "nope" (known: m)' },
    ]);
  });

  it('names an unknown model in a route, and a duplicate one', () => {
    expect(issuesOf({ ...ok, routes: [{ when: { agent: 'a' }, use: ['x', 'ghost', 'x'] }] })).toEqual([
      { path: 'routes[0].use[1]', message: 'unknown model or group "ghost"' },
      { path: 'routes[0].use[2]', message: 'duplicate "x" in the same list' },
    ]);
  });

  it('treats names such as "constructor" and "__proto__" as names, not as properties every object has', async () => {
    const inherited = ['constructor', 'toString', '__proto__', 'hasOwnProperty'];
    for (const name of inherited) {
      expect(issuesOf({ ...ok, routes: [{ when: { agent: 'a' }, use: [name] }] })).toEqual([
        { path: 'routes[0].use[0]', message: `unknown model or group "${name}"` },
      ]);
      expect(issuesOf({ ...ok, models: { x: { provider: name, model: 'x' } } })[0]?.path).toBe('models.x.provider');
      expect(issuesOf({ ...ok, degradeTo: name })).toEqual([{ path: 'degradeTo', message: `unknown model "${name}"` }]);
    }
    // As real names they work: a model and a provider called "constructor".
    const router = createRouter({
      providers: { constructor: mockProvider({ reply: 'named constructor' }) },
      models: { toString: { provider: 'constructor', model: 'x' } },
      routes: [{ when: { agent: 'a' }, use: ['toString'] }],
    });
    const res = await router.chat({ messages: [{ role: 'user', content: 'hi' }], agent: 'a' });
    expect([res.text, res.route.model, res.route.provider]).toEqual(['named constructor', 'toString', 'constructor']);
    await router.close();
  });

  it('rejects negative limits and prices with their paths', () => {
    const issues = issuesOf({
      ...ok,
      models: { x: { provider: 'm', model: 'x', pricing: { input: -1, output: 1 }, contextWindow: -5 } },
      retry: { retries: -1 },
      timeoutMs: 0,
    });
    expect(issues.map((i) => i.path).sort()).toEqual(['models.x.contextWindow', 'models.x.pricing.input', 'retry.retries', 'timeoutMs']);
  });

  it('rejects prices and budget limits too large to count exactly, with their paths', () => {
    expect(
      issuesOf({
        ...ok,
        models: { x: { provider: 'm', model: 'x', pricing: { input: 1.8e302, output: 1, cachedInput: 2_000_000 } } },
        budgets: [{ period: 'day', limitUsd: 1e300, onExceed: 'block' }],
      }),
    ).toEqual([
      { path: 'models.x.pricing.input', message: 'must be at most 1000000 USD per 1M tokens' },
      { path: 'models.x.pricing.cachedInput', message: 'must be at most 1000000 USD per 1M tokens' },
      { path: 'budgets[0].limitUsd', message: 'limitUsd must be at most 1000000000 USD' },
    ]);
    expect(() => computeCost({ inputTokens: 1, outputTokens: 1, totalTokens: 2 }, { input: 1e303, output: 1 })).toThrow(
      /pricing.input: must be at most 1000000 USD per 1M tokens/,
    );
  });

  it('rejects unknown fields anywhere, by path', () => {
    const issues = issuesOf({ ...ok, retyr: { retries: 1 }, models: { x: { provider: 'm', model: 'x', prcing: {} } } });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'retyr', message: 'unknown field' },
        { path: 'models.x.prcing', message: 'unknown field' },
      ]),
    );
  });

  it('rejects a strategy name that does not exist', () => {
    expect(issuesOf({ ...ok, strategy: 'cheapest' }).map((i) => i.path)).toEqual(['strategy']);
    expect(issuesOf({ ...ok, routes: [{ when: {}, use: ['x'], strategy: 'magic' }] }).map((i) => i.path)).toEqual(['routes[0].strategy']);
  });

  it('rejects something that is not a provider, and empty providers or models', () => {
    expect(issuesOf({ providers: { m: { chat() {} } }, models: { x: { provider: 'm', model: 'x' } } })[0]!.path).toBe('providers.m');
    expect(issuesOf({ providers: {}, models: {} }).map((i) => i.path)).toEqual(['providers', 'models']);
    expect(issuesOf(undefined)[0]!.path).toBe('');
  });

  it('lists every problem in one error, with a readable message', () => {
    let error: ConfigError | undefined;
    try {
      createRouter({
        providers: { m: mockProvider() },
        models: { x: { provider: 'zz', model: '' } },
        routes: [{ when: {}, use: [] }],
      } as never);
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.issues.length).toBeGreaterThanOrEqual(3);
    expect(error!.message).toMatch(/^Invalid configuration \(\d+ problems\):\n {2}- /);
    expect(error!.message).toContain('models.x.model');
    expect(error!.message).toContain('models.x.provider: unknown provider "zz"');
    expect(error!.message).toContain('routes[0].use');
  });

  it('validateConfig() reports the same issues without building a router', () => {
    expect(validateConfig(ok)).toEqual({ ok: true });
    const result = validateConfig({ ...ok, models: { x: { provider: 'nope', model: 'x' } } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.issues[0]!.path).toBe('models.x.provider');
  });

  it('routing bad input: a weight below zero, a cycle in nested strategies, a group named like a model, unknown limit targets', () => {
    const issues = issuesOf({
      ...ok,
      models: { x: { provider: 'm', model: 'x', weight: -1 } },
      groups: { a: { use: ['b'] }, b: { use: ['x', 'a'] }, x: { use: ['x'] } },
      rateLimits: { nobody: { rpm: 10 } },
      degradeTo: 'ghost',
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'models.x.weight', message: expect.stringContaining('>=0') },
        { path: 'groups.a.use', message: 'cycle in nested strategies: a -> b -> a' },
        { path: 'groups.x', message: 'duplicate name: "x" is already a model (models and groups share one namespace)' },
        { path: 'rateLimits.nobody', message: 'unknown provider or model "nobody"' },
        { path: 'degradeTo', message: 'unknown model "ghost"' },
      ]),
    );
  });

  it('rejects bad breaker, rate-limit, retry and stream-recovery options by path', () => {
    const issues = issuesOf({
      ...ok,
      circuitBreaker: { failureThreshold: 0, failureRate: { threshold: 2 } },
      rateLimits: { m: { rpm: -5, overflow: 'drop' } },
      retry: { perError: { 'rate-limit': -1 } },
      streamRecovery: { mode: 'buffer' },
    });
    expect(issues.map((i) => i.path).sort()).toEqual(
      [
        'circuitBreaker.failureRate.threshold',
        'circuitBreaker.failureThreshold',
        'rateLimits.m.overflow',
        'rateLimits.m.rpm',
        'retry.perError.rate-limit',
        'streamRecovery',
      ].sort(),
    );
  });

  it('rejects minDelayMs above maxDelayMs', () => {
    expect(issuesOf({ ...ok, retry: { minDelayMs: 10, maxDelayMs: 5 } })).toEqual([
      { path: 'retry.minDelayMs', message: 'must not exceed retry.maxDelayMs' },
    ]);
  });

  it('rejects deadlines a timer cannot hold (2^31 ms or more) instead of firing them at once', () => {
    const issues = issuesOf({ ...ok, timeoutMs: 2 ** 31, retry: { attemptTimeoutMs: 2 ** 31 } });
    expect(issues.map((i) => i.path).sort()).toEqual(['retry.attemptTimeoutMs', 'timeoutMs']);
    expect(issues[0]!.message).toContain('2^31 - 1');
    expect(() => createRouter({ ...ok, timeoutMs: 2 ** 31 - 1 })).not.toThrow();
  });
});
