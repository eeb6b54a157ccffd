import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRouter, InvalidRequestError, type ChatRequest } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';

const m = mockProvider();
const router = createRouter({ providers: { m }, models: { x: { provider: 'm', model: 'x' } } });

async function issueOf(request: unknown): Promise<InvalidRequestError> {
  const error = await router.chat(request as ChatRequest).catch((e: unknown) => e);
  expect(InvalidRequestError.isInstance(error)).toBe(true);
  return error as InvalidRequestError;
}

describe('bad requests get a typed error naming the field, and call nothing', () => {
  it('empty messages', async () => {
    const e = await issueOf({ messages: [] });
    expect(e.path).toBe('messages');
    expect(e.message).toContain('messages: must contain at least one message');
  });

  it('a tool message without a matching tool call', async () => {
    const e = await issueOf({
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_9', toolName: 'f', result: 1 }] },
      ],
    });
    expect(e.path).toBe('messages[1].content[0].toolCallId');
    expect(e.message).toContain('answers no earlier tool call');
  });

  it('an image part with neither URL nor data', async () => {
    const e = await issueOf({ messages: [{ role: 'user', content: [{ type: 'image' }] }] });
    expect(e.path).toBe('messages[0].content[0]');
    expect(e.message).toContain('needs `url` or `data`');
  });

  it('image data without a media type', async () => {
    const e = await issueOf({ messages: [{ role: 'user', content: [{ type: 'image', data: 'iVBORw0KGgo=' }] }] });
    expect(e.path).toBe('messages[0].content[0].mediaType');
  });

  it('temperature: -1', async () => {
    const e = await issueOf({ messages: [{ role: 'user', content: 'hi' }], params: { temperature: -1 } });
    expect(e.path).toBe('params.temperature');
  });

  it('unknown fields in the request and in a message', async () => {
    const e = await issueOf({ messages: [{ role: 'user', content: 'hi', name: 'bob' }], temprature: 1 });
    expect(e.issues.map((i) => i.path).sort()).toEqual(['messages[0].name', 'temprature']);
  });

  it('an unknown role and a toolChoice naming no tool', async () => {
    expect((await issueOf({ messages: [{ role: 'robot', content: 'hi' }] })).path).toBe('messages[0].role');
    const e = await issueOf({ messages: [{ role: 'user', content: 'hi' }], toolChoice: { type: 'tool', name: 'ghost' } });
    expect(e.path).toBe('toolChoice.name');
  });

  it('a forced model that does not exist', async () => {
    const e = await issueOf({ messages: [{ role: 'user', content: 'hi' }], model: 'nope' });
    expect(e.path).toBe('model');
    expect(e.message).toContain('unknown model "nope"');
  });

  it('never reached the provider', () => {
    expect(m.calls).toHaveLength(0);
  });
});

describe('JSON-ish user data that cannot be sent is an InvalidRequestError at its path, never a TypeError or RangeError', () => {
  const cyclic = (): Record<string, unknown> => {
    const o: Record<string, unknown> = { a: 1 };
    o.self = o;
    return o;
  };
  const deep = (n: number): unknown => {
    let v: unknown = 1;
    for (let i = 0; i < n; i++) v = { a: v };
    return v;
  };
  const user = { role: 'user', content: 'hi' };
  const withArgs = (args: unknown) => ({
    messages: [
      user,
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'f', args }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'f', result: 'ok' }] },
    ],
  });
  const withResult = (result: unknown) => ({
    messages: [
      user,
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'f', args: {} }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'f', result }] },
    ],
  });
  const withSchema = (parameters: unknown) => ({ messages: [user], tools: [{ name: 'f', parameters }] });
  const bad: Array<[string, unknown, string, RegExp]> = [
    ['cyclic tool-call args', withArgs(cyclic()), 'messages[1].content[0].args.self', /cycle/],
    ['BigInt tool-call args', withArgs({ n: 10n }), 'messages[1].content[0].args.n', /BigInt/],
    ['20,000-deep tool-call args', withArgs(deep(20_000)), 'messages[1].content[0].args', /levels deep/],
    ['cyclic tool result', withResult(cyclic()), 'messages[2].content[0].result.self', /cycle/],
    ['BigInt tool result', withResult([1, 2n]), 'messages[2].content[0].result[1]', /BigInt/],
    ['20,000-deep tool result', withResult(deep(20_000)), 'messages[2].content[0].result', /levels deep/],
    ['NaN in a tool result', withResult({ x: Number.NaN }), 'messages[2].content[0].result.x', /finite/],
    ['a Map as tool result', withResult(new Map()), 'messages[2].content[0].result', /not a plain object/],
    ['cyclic tool schema', withSchema(cyclic()), 'tools[0].parameters.self', /cycle/],
    [
      'BigInt in a tool schema',
      withSchema({ type: 'object', properties: { n: { type: 'integer', maximum: 5n } } }),
      'tools[0].parameters.properties.n.maximum',
      /BigInt/,
    ],
    ['20,000-deep tool schema', withSchema(deep(20_000)), 'tools[0].parameters', /levels deep/],
    [
      'a misspelt type',
      withSchema({ type: 'object', properties: { q: { type: 'strnig' } } }),
      'tools[0].parameters.properties.q.type',
      /unknown JSON Schema type "strnig"/,
    ],
    ['a non-object root', withSchema({ type: 'string' }), 'tools[0].parameters.type', /type "object"/],
    ['an array as schema', withSchema([]), 'tools[0].parameters', /JSON Schema object or a zod schema/],
    ['required that is not a list', withSchema({ type: 'object', required: 'q' }), 'tools[0].parameters.required', /expected array/],
    [
      'a pattern that does not compile',
      withSchema({ type: 'object', properties: { q: { type: 'string', pattern: '([a-' } } }),
      'tools[0].parameters.properties.q.pattern',
      /regular expression/,
    ],
    ['a zod schema with no JSON Schema form', withSchema(z.object({ n: z.bigint() })), 'tools[0].parameters', /no JSON Schema form/],
    [
      'a misspelt type in a response format',
      { messages: [user], responseFormat: { type: 'json-schema', schema: { type: 'objet' } } },
      'responseFormat.schema.type',
      /unknown JSON Schema type/,
    ],
    ['BigInt in providerOptions', { messages: [user], providerOptions: { openai: { seed: 1n } } }, 'providerOptions.openai.seed', /BigInt/],
    [
      'cyclic providerOptions',
      { messages: [user], providerOptions: { gemini: { a: cyclic() } } },
      'providerOptions.gemini.a.self',
      /cycle/,
    ],
    ['timeoutMs of 2^31 ms', { messages: [user], timeoutMs: 2 ** 31 }, 'timeoutMs', /at most 2147483647/],
  ];
  for (const [what, request, path, message] of bad) {
    it(`${what}: ${path}`, async () => {
      const m2 = mockProvider();
      const r = createRouter({ providers: { m2 }, models: { y: { provider: 'm2', model: 'y' } } });
      for (const call of [
        () => r.chat(request as ChatRequest),
        async () => {
          for await (const _ of r.stream(request as ChatRequest)) {
            /* drain */
          }
        },
      ]) {
        const error = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(InvalidRequestError.isInstance(error), String(error)).toBe(true);
        expect((error as InvalidRequestError).path?.startsWith(path), (error as InvalidRequestError).path).toBe(true);
        expect((error as InvalidRequestError).message).toMatch(message);
      }
      expect(m2.calls).toHaveLength(0);
    });
  }

  it('a bad request opens no breaker: the same model serves the next good request', async () => {
    const m2 = mockProvider();
    const r = createRouter({ providers: { m2 }, models: { y: { provider: 'm2', model: 'y' } }, circuitBreaker: { failureThreshold: 1 } });
    for (let i = 0; i < 3; i++)
      await expect(r.chat({ messages: [user], providerOptions: { m: { x: 1n } } } as unknown as ChatRequest)).rejects.toThrow(
        InvalidRequestError,
      );
    expect((await r.chat({ messages: [user] as ChatRequest['messages'] })).route.model).toBe('y');
    expect(r.health().models.y!.state).toBe('closed');
  });

  it('what can be sent still passes: shared sub-objects, undefined members, zod and boolean subschemas, the longest timer', async () => {
    const shared = { type: 'string' };
    const m2 = mockProvider();
    const r = createRouter({ providers: { m2 }, models: { y: { provider: 'm2', model: 'y' } } });
    const res = await r.chat({
      ...(withArgs({ a: shared, b: shared, c: undefined }) as ChatRequest),
      tools: [
        { name: 'f', parameters: { type: 'object', properties: { a: shared, b: shared, c: true }, additionalProperties: false } },
        { name: 'g', parameters: z.object({ q: z.string().regex(/^[a-z]+$/), n: z.number().int().optional() }) },
      ],
      timeoutMs: 2 ** 31 - 1,
    });
    expect(res.text.length).toBeGreaterThan(0);
    expect(m2.calls[0]!.request.tools?.[1]!.parameters).toMatchObject({
      type: 'object',
      properties: { q: { type: 'string', pattern: '^[a-z]+$' } },
    });
  });
});
