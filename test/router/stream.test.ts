import { describe, expect, expectTypeOf, it } from 'vitest';
import { AbortError, createRouter, InvalidResponseError, ProviderUnavailableError, type StreamEvent } from '../../src/index.js';
import { mockProvider, type MockReply } from '../../src/testing.js';

const messages = [{ role: 'user' as const, content: 'hello' }];

async function collect(iterable: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const ev of iterable) out.push(ev);
  return out;
}

function single(reply: MockReply | MockReply[], options: Parameters<typeof mockProvider>[0] = {}) {
  const m = mockProvider({ reply, ...options });
  return {
    m,
    router: createRouter({
      providers: { m },
      models: { x: { provider: 'm', model: 'x-1', pricing: { input: 1, output: 2 } } },
      retry: { retries: 0 },
    }),
  };
}

const scripts: Array<[string, MockReply]> = [
  ['plain text', 'The quick brown fox jumps over the lazy dog.'],
  ['Chinese text', '您好，请问有什么可以帮您？'],
  ['reasoning then text', { reasoning: 'Think first.', text: 'Answer.' }],
  [
    'tool calls',
    {
      toolCalls: [
        { name: 'a', args: { x: 1 } },
        { name: 'b', args: { y: 'two' } },
      ],
    },
  ],
  ['length cut', { text: 'partial answ', finishReason: 'length' }],
  ['empty text', { text: '' }],
];

describe('router.stream()', () => {
  it.each(scripts)('emits start, deltas, finish (with usage, cost and route) for %s', async (_name, reply) => {
    const { router } = single(reply);
    const events = await collect(router.stream({ messages, tenant: 't1' }));
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('start');
    expect(types[types.length - 1]).toBe('finish');
    expect(types.filter((t) => t === 'start' || t === 'finish')).toHaveLength(2);
    expect(types.slice(1, -1).every((t) => ['text-delta', 'reasoning-delta', 'tool-call-delta', 'tool-call'].includes(t))).toBe(true);
    const finish = events[events.length - 1] as Extract<StreamEvent, { type: 'finish' }>;
    expect(finish.usage.inputTokens).toBeGreaterThan(0);
    expect(finish.cost.priced).toBe(true);
    expect(finish.route).toMatchObject({ model: 'x', provider: 'm', context: { tenant: 't1' }, fallbackUsed: false });
    // The deltas add up to the response the finish event carries.
    const text = events.flatMap((e) => (e.type === 'text-delta' ? [e.delta] : [])).join('');
    expect(finish.response.text).toBe(text);
    const calls = events.flatMap((e) => (e.type === 'tool-call' ? [e.toolCall] : []));
    expect(finish.response.toolCalls).toEqual(calls);
    if (typeof reply === 'object' && 'toolCalls' in reply) expect(finish.finishReason).toBe('tool-calls');
  });

  it('gives the same response from collect() as from chat()', async () => {
    const { router } = single({ text: 'same either way', reasoning: 'hmm' });
    const streamed = await router.stream({ messages }).collect();
    const chatted = await router.chat({ messages });
    expect(streamed.text).toBe(chatted.text);
    expect(streamed.reasoning).toBe(chatted.reasoning);
    expect(streamed.usage).toEqual(chatted.usage);
    expect(streamed.cost).toEqual(chatted.cost);
  });

  it('falls back transparently when the stream fails before its first event', async () => {
    const primary = mockProvider({ name: 'primary', reply: { fail: 'provider-unavailable' } });
    const backup = mockProvider({ name: 'backup', reply: 'backup text' });
    const router = createRouter({
      providers: { primary, backup },
      models: { first: { provider: 'primary', model: 'p' }, second: { provider: 'backup', model: 'b' } },
      retry: { retries: 0 },
    });
    const events = await collect(router.stream({ messages }));
    expect(events[0]).toMatchObject({ type: 'start', model: 'second', provider: 'backup' });
    const finish = events.at(-1) as Extract<StreamEvent, { type: 'finish' }>;
    expect(finish.response.text).toBe('backup text');
    expect(finish.route.fallbackUsed).toBe(true);
    expect(finish.route.attempts.map((a) => a.errorClass ?? 'ok')).toEqual(['ProviderUnavailableError', 'ok']);
  });

  it('a connection reset after deltas were delivered emits an error event with the partial text, then throws the typed error; never a success', async () => {
    const { router } = single({ text: 'one two three four five', cutAfterChunks: 2 });
    const seen: StreamEvent[] = [];
    const errors: string[] = [];
    const responses: number[] = [];
    router.on('error', (e) => errors.push(`${e.error.name}:${e.route?.attempts.length}`));
    router.on('response', () => responses.push(1));
    const error = await (async () => {
      for await (const ev of router.stream({ messages })) seen.push(ev);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(seen.map((e) => e.type)).toEqual(['start', 'text-delta', 'text-delta', 'error']);
    const errorEvent = seen[3] as Extract<StreamEvent, { type: 'error' }>;
    expect(errorEvent.error).toBe(error);
    expect(errorEvent.partial.text).toBe('one two ');
    expect(errorEvent.partial.usage).toMatchObject({ estimated: true });
    expect(errorEvent.route.attempts.map((a) => a.errorClass)).toEqual(['ProviderUnavailableError']);
    expect(errors).toEqual(['ProviderUnavailableError:1']);
    expect(responses).toEqual([]);
  });

  it('a stream that ends without a finish from the vendor is an InvalidResponseError, not a success', async () => {
    const { router } = single({ text: 'one two three', truncateAfterChunks: 1 });
    await expect(collect(router.stream({ messages }))).rejects.toBeInstanceOf(InvalidResponseError);
  });

  it('estimates usage when the vendor reports none, and says so', async () => {
    const { router } = single('some answer text', { usage: 'none' });
    const res = await router.stream({ messages }).collect();
    expect(res.usage.estimated).toBe(true);
    expect(res.usage.outputTokens).toBeGreaterThan(0);
    expect(res.cost.estimated).toBe(true);
  });

  it('stopping iteration early cancels the provider stream and reports an AbortError event', async () => {
    const { m, router } = single('a b c d e f g');
    const errors: string[] = [];
    router.on('error', (e) => errors.push(e.error.name));
    for await (const ev of router.stream({ messages })) {
      if (ev.type === 'text-delta') break;
    }
    expect(m.calls[0]!.outcome).toBe('aborted');
    expect(errors).toEqual(['AbortError']);
  });

  it('an abort mid-stream ends the iteration with AbortError', async () => {
    const { router } = single('a b c d e f g', { chunkDelayMs: 5 });
    const controller = new AbortController();
    const error = await (async () => {
      for await (const ev of router.stream({ messages, signal: controller.signal })) if (ev.type === 'text-delta') controller.abort();
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
  });

  it('throws a bad request at once, before iteration', () => {
    const { router } = single('x');
    expect(() => router.stream({ messages: [] })).toThrow(/messages/);
  });

  it('has a discriminated event union', () => {
    expectTypeOf<StreamEvent['type']>().toEqualTypeOf<
      'start' | 'text-delta' | 'reasoning-delta' | 'tool-call-delta' | 'tool-call' | 'error' | 'finish'
    >();
    expectTypeOf<Extract<StreamEvent, { type: 'finish' }>['route']['fallbackUsed']>().toBeBoolean();
    expectTypeOf<Extract<StreamEvent, { type: 'text-delta' }>>().toHaveProperty('delta').toBeString();
  });
});
