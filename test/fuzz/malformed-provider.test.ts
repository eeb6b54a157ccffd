/**
 * #19 item 13 as a class: a custom provider (an `LLMProvider` written by a user) may resolve or
 * yield anything. Whatever it gives, the caller gets a response or one of our typed errors (never a
 * TypeError), and the concurrency slot is released: the next request to a well-behaved call of the
 * same provider, with `maxConcurrent: 1`, is served.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, SwitchyardError, type LLMProvider, type StreamEvent } from '../../src/index.js';
import type { ProviderStreamPart } from '../../src/provider.js';
import { mockProvider } from '../../src/testing.js';

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

const messages = [{ role: 'user' as const, content: 'hi' }];
const usage = { inputTokens: 3, outputTokens: 2, totalTokens: 5 };
const goodResponse = { content: [{ type: 'text', text: 'ok' }], finishReason: 'stop', usage, warnings: [] };
const goodParts: unknown[] = [
  { type: 'text-delta', delta: 'ok' },
  { type: 'finish', finishReason: 'stop', usage },
];

/** Anything a careless provider might produce, including near-misses of the right shapes. */
const junk: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, undefined, 0, -1, Number.NaN, Infinity, '', 'text', true, false, 10n, Symbol('s')),
    fc.constantFrom(() => 'f', new Date(0), new Map(), Object.create(null) as object, [] as unknown[]),
    fc.dictionary(
      fc.constantFrom('type', 'delta', 'content', 'usage', 'finishReason', 'warnings', 'toolCall', 'text', 'inputTokens'),
      tie('value'),
      {
        maxKeys: 4,
      },
    ),
    fc.array(tie('value'), { maxLength: 3 }),
  ),
})).value;

/** A response near the right shape: one field replaced by junk or removed. */
const nearResponse = fc
  .tuple(fc.constantFrom(...Object.keys(goodResponse), 'content.0', 'content.0.text', 'usage.inputTokens'), junk, fc.boolean())
  .map(([path, value, remove]) => {
    const copy = structuredClone(goodResponse) as Record<string, unknown>;
    const keys = path.split('.');
    let at = copy as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
    if (remove) delete at[keys.at(-1)!];
    else at[keys.at(-1)!] = value;
    return copy;
  });

/** A stream part near the right shape, or junk. */
const nearPart = fc.oneof(
  junk,
  fc
    .tuple(
      fc.constantFrom(
        'text-delta',
        'reasoning-delta',
        'tool-call-delta',
        'tool-call',
        'finish',
        'stream-start',
        'response-metadata',
        'nope',
      ),
      junk,
    )
    .map(([type, rest]) => (typeof rest === 'object' && rest !== null && !Array.isArray(rest) ? { ...rest, type } : { type, delta: rest })),
);

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.constructor.name}: ${e.message}` : `non-error ${typeof e}`;
}

function expectTyped(e: unknown): void {
  expect(SwitchyardError.isInstance(e), describeError(e)).toBe(true);
  expect((e as Error).message, describeError(e)).not.toMatch(/TypeError|RangeError|Maximum call stack/);
}

function routerWith(provider: LLMProvider) {
  return createRouter({
    providers: { p: provider },
    models: { m: { provider: 'p', model: 'x', pricing: { input: 1, output: 1 } } },
    rateLimits: { p: { maxConcurrent: 1 } },
    retry: { retries: 0 },
    circuitBreaker: { failureThreshold: 1_000 },
  });
}

describe('fuzz: malformed output of a custom provider (#19 item 13)', () => {
  it('chat() resolving anything: a response or a typed error, and the slot is released', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(junk, nearResponse), async (output) => {
        let calls = 0;
        const router = routerWith({ ...mockProvider(), chat: async () => (++calls === 1 ? output : goodResponse) as never });
        try {
          await router.chat({ messages });
        } catch (e) {
          expectTyped(e);
        }
        expect((await router.chat({ messages, timeoutMs: 5_000 })).text).toBe('ok');
        await router.close();
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it('stream() yielding anything: events, or a typed error; the slot is released', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(nearPart, { minLength: 1, maxLength: 4 }), fc.boolean(), async (parts, thenGood) => {
        let calls = 0;
        const provider: LLMProvider = {
          ...mockProvider(),
          async *stream(): AsyncGenerator<ProviderStreamPart> {
            const first = ++calls === 1;
            for (const p of first ? (thenGood ? [...parts, ...goodParts] : parts) : goodParts) yield p as ProviderStreamPart;
          },
        };
        const router = routerWith(provider);
        const types: string[] = [];
        try {
          for await (const ev of router.stream({ messages }) as AsyncIterable<StreamEvent>) types.push(ev.type);
        } catch (e) {
          expectTyped(e);
        }
        const next = await router.stream({ messages, timeoutMs: 5_000 }).collect();
        expect(next.text).toBe('ok');
        await router.close();
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it('stream() that is no async iterable, or throws a non-error: a typed error; the slot is released', async () => {
    const bad: Array<[string, () => unknown]> = [
      ['null', () => null],
      ['a number', () => 42],
      ['a plain object', () => ({})],
      ['an iterator whose next() resolves null', () => ({ [Symbol.asyncIterator]: () => ({ next: async () => null }) })],
      [
        'an iterator whose next() throws a string',
        () => ({ [Symbol.asyncIterator]: () => ({ next: async () => Promise.reject('boom') }) }),
      ],
      ['an iterator whose next() throws null', () => ({ [Symbol.asyncIterator]: () => ({ next: async () => Promise.reject(null) }) })],
      [
        'a throw of a string',
        () => {
          throw 'boom';
        },
      ],
    ];
    for (const [what, make] of bad) {
      let calls = 0;
      const provider = {
        ...mockProvider(),
        stream: (...args: Parameters<LLMProvider['stream']>) => (++calls === 1 ? make() : mockProvider({ reply: 'ok' }).stream(...args)),
      } as LLMProvider;
      const router = routerWith(provider);
      const outcome = await (async () => {
        try {
          for await (const ev of router.stream({ messages })) void ev;
          return undefined;
        } catch (e) {
          return e;
        }
      })();
      expect(outcome, what).toBeDefined();
      expectTyped(outcome);
      expect((await router.stream({ messages, timeoutMs: 5_000 }).collect()).text, what).toBe('ok');
      const chatError = await routerWith({ ...mockProvider(), chat: async () => Promise.reject(null) })
        .chat({ messages })
        .catch((e: unknown) => e);
      expectTyped(chatError);
      await router.close();
    }
  }, 60_000);

  it('no unhandled rejection during the properties above', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled.map(describeError)).toEqual([]);
  });
});
