/**
 * Fuzz properties at the public API: whatever a caller passes (requests to chat and stream, router
 * options, report queries), the answer is a result or one of our typed errors. Never a TypeError or
 * RangeError, never a hang, never an unhandled rejection, and a bad request never counts against a
 * healthy model (the next good request is served by the same model).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  createRouter,
  InvalidRequestError,
  SwitchyardError,
  validateConfig,
  type ChatRequest,
  type Router,
} from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';
import { damaged, validConfig, validQueries, validRequest } from './arbitraries.js';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

const HANG_MS = 15_000;

/** Settles `run`, failing on a hang; returns the value or the error. */
async function settle(run: () => Promise<unknown>): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: no answer within ${HANG_MS} ms`)), HANG_MS);
  });
  try {
    return { ok: true, value: await Promise.race([Promise.resolve().then(run), hang]) };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('hang:')) throw error;
    return { ok: false, error };
  } finally {
    clearTimeout(timer);
  }
}

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.constructor.name}: ${e.message}` : `non-error ${typeof e}`;
}

/** One of ours, and not an untyped error of some layer wrapped on its way out. */
function expectTyped(e: unknown, allowed?: ReadonlyArray<{ isInstance(e: unknown): boolean }>): void {
  expect(SwitchyardError.isInstance(e), describeError(e)).toBe(true);
  expect((e as Error).message, describeError(e)).not.toMatch(/non-switchyard error|TypeError|RangeError|Maximum call stack/);
  if (allowed)
    expect(
      allowed.some((c) => c.isInstance(e)),
      describeError(e),
    ).toBe(true);
}

const good: ChatRequest = { messages: [{ role: 'user', content: 'ping' }] };

function requestRouter(): Router {
  return createRouter({
    providers: { m: mockProvider() },
    models: { a: { provider: 'm', model: 'ma' } },
    // One misattributed failure would open the breaker and show up as a NoRouteError on the next good request.
    circuitBreaker: { failureThreshold: 1, cooldownMs: 3_600_000 },
    retry: { retries: 0 },
  });
}

describe('fuzz: requests', () => {
  const requests = fc.oneof({ weight: 1, arbitrary: validRequest }, { weight: 4, arbitrary: damaged(validRequest) });

  it('chat: a response or an InvalidRequestError; the model stays healthy', async () => {
    await fc.assert(
      fc.asyncProperty(requests, async (request) => {
        const router = requestRouter();
        const r = await settle(() => router.chat(request as ChatRequest));
        if (!r.ok) expectTyped(r.error, [InvalidRequestError]);
        const next = await settle(() => router.chat(good));
        expect(next.ok, next.ok ? '' : describeError(next.error)).toBe(true);
        await router.close();
      }),
      { numRuns: 250 },
    );
  }, 120_000);

  it('stream: events ending in finish, or an InvalidRequestError; the model stays healthy', async () => {
    await fc.assert(
      fc.asyncProperty(requests, async (request) => {
        const router = requestRouter();
        const r = await settle(async () => {
          const types: string[] = [];
          for await (const ev of router.stream(request as ChatRequest)) types.push(ev.type);
          return types;
        });
        if (r.ok) expect((r.value as string[]).at(-1)).toBe('finish');
        else expectTyped(r.error, [InvalidRequestError]);
        const next = await settle(() => router.chat(good));
        expect(next.ok, next.ok ? '' : describeError(next.error)).toBe(true);
        await router.close();
      }),
      { numRuns: 200 },
    );
  }, 120_000);
});

describe('fuzz: router options', () => {
  it('createRouter gives a working router or a ConfigError; validateConfig agrees and never throws', async () => {
    const configs = fc.oneof({ weight: 1, arbitrary: validConfig }, { weight: 4, arbitrary: damaged(validConfig) });
    await fc.assert(
      fc.asyncProperty(configs, fc.boolean(), async (config, withProviders) => {
        const options =
          withProviders && typeof config === 'object' && config !== null && !Array.isArray(config)
            ? { providers: { m: mockProvider() }, ...config }
            : config;
        const v = await settle(async () => validateConfig(options));
        expect(v.ok, v.ok ? '' : describeError(v.error)).toBe(true);
        const verdict = (v as { value: { ok: boolean; error?: unknown } }).value;
        if (!verdict.ok) expectTyped(verdict.error, [ConfigError]);
        const made = await settle(async () => createRouter(options as Parameters<typeof createRouter>[0]));
        if (!made.ok) {
          expectTyped(made.error, [ConfigError]);
          expect(verdict.ok).toBe(false);
          return;
        }
        expect(verdict.ok).toBe(true);
        const router = made.value as Router;
        const r = await settle(() => router.chat({ ...good, tenant: 'acme' }));
        if (!r.ok) expectTyped(r.error);
        await router.close();
      }),
      { numRuns: 250 },
    );
  }, 120_000);
});

describe('router options: known hostile entries', () => {
  const base = { providers: { m: mockProvider() }, models: { a: { provider: 'm', model: 'ma' } } };
  const cases: Array<[string, Record<string, unknown>, string]> = [
    [
      'a null-prototype onExceed',
      { budgets: [{ period: 'day', limitUsd: 1, onExceed: Object.create(null) as object }] },
      'budgets[0].onExceed',
    ],
    [
      'a null-prototype period',
      { budgets: [{ period: Object.create(null) as object, limitUsd: 1, onExceed: 'block' }] },
      'budgets[0].period',
    ],
    ['a null budget entry beside a good one', { budgets: [null, { period: 'day', limitUsd: 1, onExceed: 'block' }] }, 'budgets[0]'],
    [
      'a null-prototype budget id',
      { budgets: [{ id: Object.create(null) as object, period: 'day', limitUsd: 1, onExceed: 'block' }] },
      'budgets[0].id',
    ],
    ['a BigInt limit', { budgets: [{ period: 'day', limitUsd: 1n, onExceed: 'block' }] }, 'budgets[0].limitUsd'],
  ];
  for (const [what, extra, path] of cases) {
    it(`${what}: ConfigError at ${path}`, () => {
      const error = (() => {
        try {
          createRouter({ ...base, ...extra } as unknown as Parameters<typeof createRouter>[0]);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expectTyped(error, [ConfigError]);
      expect((error as ConfigError).issues.map((i) => i.path)).toContain(path);
      const verdict = validateConfig({ ...base, ...extra });
      expect(verdict.ok).toBe(false);
    });
  }
});

describe('fuzz: report queries', () => {
  let router: Router;
  beforeAll(async () => {
    router = createRouter({
      providers: { m: mockProvider() },
      models: { a: { provider: 'm', model: 'ma', pricing: { input: 1, output: 2 } } },
    });
    for (const tenant of ['acme', 'beta', undefined]) await router.chat({ ...good, ...(tenant === undefined ? {} : { tenant }) });
  });
  afterAll(async () => {
    await router.close();
  });

  for (const method of ['summary', 'records', 'export', 'compare', 'forecast'] as const) {
    it(`costs.${method}: a result or an InvalidRequestError naming a field`, async () => {
      const queries = fc.oneof({ weight: 1, arbitrary: validQueries[method] }, { weight: 4, arbitrary: damaged(validQueries[method]) });
      const call = router.costs[method] as (q: unknown) => Promise<unknown>;
      await fc.assert(
        fc.asyncProperty(queries, async (query) => {
          const r = await settle(() => call(query));
          if (!r.ok) {
            expectTyped(r.error, [InvalidRequestError]);
            expect(typeof (r.error as InvalidRequestError).path).toBe('string');
          }
        }),
        { numRuns: 150 },
      );
    }, 60_000);
  }
});

describe('fuzz: no stray rejection', () => {
  it('no unhandled rejection during the properties above', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled.map(describeError)).toEqual([]);
  });
});
