/**
 * createRouter infers the names of providers, models and groups from its options: a misspelt name
 * is a compile error (each `@ts-expect-error` line below fails `tsc --noEmit` if it compiles), and
 * options typed as plain `RouterOptions` (built at runtime) still compile and are checked at runtime.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError, createRouter, InvalidRequestError, type Router, type RouterOptions } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';

const messages = [{ role: 'user' as const, content: 'hi' }];

function typed() {
  return createRouter({
    providers: { gpt: mockProvider({ reply: 'from gpt' }), claude: mockProvider({ reply: 'from claude' }) },
    models: { mini: { provider: 'gpt', model: 'gpt-4o-mini' }, sonnet: { provider: 'claude', model: 'claude-sonnet-4-5' } },
    groups: { both: { use: ['mini', 'sonnet'] } },
    routes: [{ when: { agent: 'a' }, use: ['both'] }],
    degradeTo: 'mini',
  });
}

describe('typed names', () => {
  it('infers the provider and model names of the options', async () => {
    const router = typed();
    expectTypeOf(router).toEqualTypeOf<Router<'gpt' | 'claude', 'mini' | 'sonnet'>>();
    expect((await router.chat({ messages, model: 'sonnet' })).text).toBe('from claude');
    router.disable('gpt');
    router.enable('gpt');
    router.force('mini');
    router.unforce();
    router.resetBreaker('sonnet');
  });

  it('a misspelt name is a compile error (and still a typed error at runtime)', async () => {
    const router = typed();
    // @ts-expect-error -- no model "sonet"
    await expect(router.chat({ messages, model: 'sonet' })).rejects.toBeInstanceOf(InvalidRequestError);
    // @ts-expect-error -- no model "sonet"
    expect(() => router.explain({ messages, model: 'sonet' })).toThrow(InvalidRequestError);
    // @ts-expect-error -- no provider or model "gtp"
    expect(() => router.disable('gtp')).toThrow(InvalidRequestError);
    // @ts-expect-error -- no model "mni"
    expect(() => router.force('mni')).toThrow(InvalidRequestError);
    expect(() =>
      createRouter({
        // @ts-expect-error -- models[].provider: no provider "gtp" (reported on \`providers\`, which lacks it)
        providers: { gpt: mockProvider() },
        models: { mini: { provider: 'gtp', model: 'gpt-4o-mini' } },
      }),
    ).toThrow(ConfigError);
    expect(() =>
      createRouter({
        providers: { gpt: mockProvider() },
        // @ts-expect-error -- routes[].use: no model or group "mni" (reported on \`models\`, which lacks it)
        models: { mini: { provider: 'gpt', model: 'gpt-4o-mini' } },
        routes: [{ when: {}, use: ['mni'] }],
      }),
    ).toThrow(ConfigError);
  });

  it('names typed as plain strings (options built at runtime) compile, and are checked when the call runs', async () => {
    const options: RouterOptions = { providers: { p: mockProvider({ reply: 'ok' }) }, models: { m: { provider: 'p', model: 'x' } } };
    const router = createRouter(options);
    expectTypeOf(router).toEqualTypeOf<Router>();
    const chosen: string = ['m', 'other'][0]!;
    expect((await router.chat({ messages, model: chosen })).text).toBe('ok');
    expect(() => router.disable(String('nope'))).toThrow(InvalidRequestError);
  });
});
