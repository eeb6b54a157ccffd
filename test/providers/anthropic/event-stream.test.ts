import { getEventListeners } from 'node:events';
import { APIError } from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { createRouter, InvalidResponseError, ProviderUnavailableError, RateLimitError } from '../../../src/index.js';
import { type ProviderStreamPart } from '../../../src/provider.js';
import { mapAnthropicError } from '../../../src/providers/anthropic/map-error.js';
import {
  API_KEY,
  collect,
  events,
  messageStart,
  provider,
  replySse,
  request,
  SSE,
  streamFailure,
  textStream,
  useLoopback,
} from './setup.js';
import { anthropic } from '../../../src/providers/anthropic/index.js';

// The adapter reads the SSE body itself (not through the SDK's Stream): these check that a user sees
// what the SDK's reader gave before, whatever way the bytes arrive.

const { server } = useLoopback();
const MODEL = 'claude-haiku-4-5';

const textOf = (parts: ProviderStreamPart[]) => parts.flatMap((p) => (p.type === 'text-delta' ? [p.delta] : [])).join('');

const textStart = { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } };
const textDelta = (text: string) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });

describe('anthropic stream: event: error', () => {
  const overloaded = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };

  it('overloaded_error mid-stream, in the same network write as the deltas before it: the deltas first, then ProviderUnavailableError', async () => {
    server().handle((_req, res) =>
      replySse(res, [events(messageStart(), textStart, textDelta('Hel'), textDelta('lo'), overloaded).join('')]),
    );
    const { error, seen } = await streamFailure(() => provider(server()).stream(request(), { model: MODEL }));
    expect(textOf(seen)).toBe('Hello');
    expect(seen.some((p) => p.type === 'finish')).toBe(false);
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 529, vendorCode: 'overloaded_error', provider: 'anthropic', model: MODEL, retryable: true });
    expect(error.message).toBe(`Anthropic (model "${MODEL}") stream error overloaded_error: Overloaded`);
  });

  it('is typed as the SDK APIError the SDK reader threw for it (class, status, vendor code); the message names the vendor error', async () => {
    for (const body of [
      overloaded,
      { type: 'error', error: { type: 'api_error', message: 'Internal' } },
      { type: 'error', error: { type: 'brand_new_error' } },
    ]) {
      server().handle((_req, res) => replySse(res, events(messageStart(), body)));
      const { error } = await streamFailure(() => provider(server()).stream(request(), { model: MODEL }));
      const viaSdk = mapAnthropicError(new APIError(undefined, body, undefined, new Headers()), { provider: 'anthropic', model: MODEL });
      expect({ name: error.name, statusCode: error.statusCode, vendorCode: error.vendorCode }).toEqual({
        name: viaSdk.name,
        statusCode: viaSdk.statusCode,
        vendorCode: viaSdk.vendorCode,
      });
      // The SDK's own wording of a message-less error changed between majors (1.17 adds "(type: ...)"): ours names the type.
      expect(error.message).toContain(body.error.type);
      if ('message' in body.error) expect(error.message).toContain(body.error.message);
      expect(error.cause).toEqual(body);
    }
  });

  it('rate_limit_error with retry-after on the stream response -> RateLimitError with retryAfterMs, through the router', async () => {
    server().handle((_req, res) =>
      replySse(
        res,
        events(messageStart(), textStart, textDelta('x'), { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } }),
        { headers: { 'retry-after': '3' } },
      ),
    );
    const router = createRouter({
      providers: { claude: anthropic({ apiKey: API_KEY, baseURL: server().url }) },
      models: { haiku: { provider: 'claude', model: MODEL } },
      retry: { retries: 0 },
    });
    const error = await router
      .stream({ messages: [{ role: 'user', content: 'hi' }] })
      .collect()
      .catch((e: unknown) => e);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ vendorCode: 'rate_limit_error', retryAfterMs: 3000, model: MODEL });
    await router.close();
  });
});

describe('anthropic stream: how the bytes arrive', () => {
  it('Chinese text written 3 bytes at a time (cut inside UTF-8 characters) arrives whole', async () => {
    const text = '你好，世界！流式输出测试 🚀 第二段：中文标点。';
    const bytes = Buffer.from(textStream(text).join(''), 'utf8');
    server().handle(async (_req, res) => {
      res.writeHead(200, { 'content-type': SSE });
      for (let i = 0; i < bytes.length; i += 3) {
        res.write(bytes.subarray(i, i + 3));
        await new Promise((r) => setImmediate(r));
      }
      res.end();
    });
    const parts = await collect(provider(server()).stream(request(), { model: MODEL }));
    expect(textOf(parts)).toBe(text);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
  });

  it('ping events, `: comment` lines, unnamed events and unknown event names are ignored', async () => {
    const wire = [
      ': keep-alive\n\n',
      ...events(messageStart()),
      'event: ping\ndata: {"type": "ping"}\n\n',
      ...events(textStart),
      ': another comment\n',
      ...events(textDelta('Hello')),
      'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"NOT SHOWN"}}\n\n',
      'event: some_future_event\ndata: {"type":"some_future_event","detail":1}\n\n',
      'event: ping\r\ndata: {"type": "ping"}\r\n\r\n',
      ...events(
        textDelta(', world'),
        { type: 'content_block_stop', index: 0 },
        { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } },
        { type: 'message_stop' },
      ),
    ];
    server().handle((_req, res) => replySse(res, wire));
    const parts = await collect(provider(server()).stream(request(), { model: MODEL }));
    expect(textOf(parts)).toBe('Hello, world');
    expect(parts.map((p) => p.type)).toEqual(['stream-start', 'response-metadata', 'text-delta', 'text-delta', 'finish']);
    expect(parts.at(-1)).toMatchObject({ finishReason: 'stop', usage: { outputTokens: 3 } });
  });

  it('a body that ends before message_stop -> InvalidResponseError (through the router too), the text already sent', async () => {
    // The last event is cut mid-way: an incomplete event is dropped, never half-read.
    const wire = [
      ...events(messageStart(), textStart, textDelta('partial'), { type: 'content_block_stop', index: 0 }),
      'event: message_delta\ndata: {"type":"message_de',
    ];
    server().handle((_req, res) => replySse(res, wire));
    const { error, seen } = await streamFailure(() => provider(server()).stream(request(), { model: MODEL }));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.message).toContain('message_stop');
    expect(textOf(seen)).toBe('partial');
    expect(seen.some((p) => p.type === 'finish')).toBe(false);

    const router = createRouter({
      providers: { claude: anthropic({ apiKey: API_KEY, baseURL: server().url }) },
      models: { haiku: { provider: 'claude', model: MODEL } },
      retry: { retries: 0 },
    });
    const routed = await router
      .stream({ messages: [{ role: 'user', content: 'hi' }] })
      .collect()
      .catch((e: unknown) => e);
    expect(InvalidResponseError.isInstance(routed)).toBe(true);
    await router.close();
  });

  it('a known event whose data is not JSON -> InvalidResponseError', async () => {
    server().handle((_req, res) =>
      replySse(res, [...events(messageStart(), textStart), 'event: content_block_delta\ndata: {not json\n\n']),
    );
    const { error } = await streamFailure(() => provider(server()).stream(request(), { model: MODEL }));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.message).toContain('malformed JSON');
  });
});

describe('anthropic stream: the call signal', () => {
  it('one long-lived signal shared by many streams keeps no listener from them (no MaxListenersExceededWarning)', async () => {
    server().handle((_req, res) => replySse(res, textStream('ok')));
    const controller = new AbortController();
    const p = provider(server());
    for (let i = 0; i < 12; i++) expect(textOf(await collect(p.stream(request(), { model: MODEL, signal: controller.signal })))).toBe('ok');
    // A failed stream and one stopped early let go of it too.
    server().handle((_req, res) =>
      replySse(res, events(messageStart(), { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })),
    );
    await streamFailure(() => p.stream(request(), { model: MODEL, signal: controller.signal }));
    server().handle((_req, res) => replySse(res, textStream('ok')));
    for await (const part of p.stream(request(), { model: MODEL, signal: controller.signal })) if (part.type === 'response-metadata') break;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
