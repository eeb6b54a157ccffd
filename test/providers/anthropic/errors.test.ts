import { describe, expect, it } from 'vitest';
import {
  AbortError,
  AuthenticationError,
  ContextLengthError,
  InvalidRequestError,
  InvalidResponseError,
  NotFoundError,
  PermissionError,
  ProviderUnavailableError,
  RateLimitError,
  SwitchyardError,
  TimeoutError,
} from '../../../src/core/errors.js';
import { sendJson } from '../../helpers/loopback.js';
import { anthropic } from '../../../src/providers/anthropic/index.js';
import { API_KEY, events, messageStart, provider, replySse, request, streamFailure, useLoopback } from './setup.js';

const { server } = useLoopback();
const MODEL = 'claude-haiku-4-5';

const errorBody = (type: string, message: string) => ({ type: 'error', error: { type, message } });

async function chatError(status: number, body: unknown, headers: Record<string, string> = {}): Promise<SwitchyardError> {
  server().handle((_req, res) => sendJson(res, status, body, headers));
  const error = await provider(server())
    .chat(request(), { model: MODEL })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  if (!SwitchyardError.isInstance(error)) throw new Error(`expected a SwitchyardError, got ${String(error)}`);
  return error;
}

describe('anthropic HTTP error mapping (real SDK, loopback)', () => {
  it('429 with retry-after -> RateLimitError with retryAfterMs, vendor code, provider and model', async () => {
    const e = await chatError(429, errorBody('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'), {
      'retry-after': '7',
    });
    expect(RateLimitError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({
      retryAfterMs: 7000,
      statusCode: 429,
      vendorCode: 'rate_limit_error',
      provider: 'anthropic',
      model: MODEL,
      retryable: true,
    });
    expect(e.message).toContain('per-minute rate limit');
    expect(e.cause).toBeInstanceOf(Error);
    // One request only: SDK retries are off, the router owns retries.
    expect(server().requests).toHaveLength(1);
  });

  it('401 -> AuthenticationError', async () => {
    const e = await chatError(401, errorBody('authentication_error', 'invalid x-api-key'));
    expect(AuthenticationError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({ statusCode: 401, vendorCode: 'authentication_error', model: MODEL });
  });

  it('403 -> PermissionError', async () => {
    const e = await chatError(403, errorBody('permission_error', 'Your API key does not have permission to use the specified resource.'));
    expect(PermissionError.isInstance(e)).toBe(true);
    expect(e.statusCode).toBe(403);
  });

  it('400 "prompt is too long" -> ContextLengthError (fallback may help)', async () => {
    const e = await chatError(400, errorBody('invalid_request_error', 'prompt is too long: 215000 tokens > 200000 maximum'));
    expect(ContextLengthError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({ fallbackable: true, vendorCode: 'invalid_request_error' });
    expect(e.message).toContain('215000 tokens');
  });

  it('400 invalid request -> InvalidRequestError (no fallback)', async () => {
    const e = await chatError(400, errorBody('invalid_request_error', 'messages: roles must alternate between "user" and "assistant"'));
    expect(InvalidRequestError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({ fallbackable: false, retryable: false, statusCode: 400 });
  });

  it('404 unknown model -> NotFoundError naming the model', async () => {
    const e = await chatError(404, errorBody('not_found_error', 'model: claude-nonexistent-9'));
    expect(NotFoundError.isInstance(e)).toBe(true);
    expect(e.message).toContain(`Model "${MODEL}" was not found`);
    expect(e.model).toBe(MODEL);
  });

  it.each([
    [500, 'api_error', 'Internal server error'],
    [503, 'api_error', 'Service unavailable'],
    [529, 'overloaded_error', 'Overloaded'],
  ])('%i %s -> ProviderUnavailableError (retryable, fallbackable)', async (status, type, message) => {
    const e = await chatError(status, errorBody(type, message));
    expect(ProviderUnavailableError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({ statusCode: status, vendorCode: type, retryable: true, fallbackable: true });
  });

  it('a malformed JSON body -> InvalidResponseError', async () => {
    server().handle((_req, res) => sendJson(res, 200, '{"id":"msg_1","content":[{"type":"text","te'));
    const e = await provider(server())
      .chat(request(), { model: MODEL })
      .catch((x: unknown) => x);
    expect(InvalidResponseError.isInstance(e)).toBe(true);
    expect((e as SwitchyardError).model).toBe(MODEL);
  });

  it('a JSON body that is not a Message -> InvalidResponseError', async () => {
    server().handle((_req, res) => sendJson(res, 200, { hello: 'world' }));
    const e = await provider(server())
      .chat(request(), { model: MODEL })
      .catch((x: unknown) => x);
    expect(InvalidResponseError.isInstance(e)).toBe(true);
    expect((e as Error).message).toContain('not a Message');
  });

  it('an unreachable server -> ProviderUnavailableError', async () => {
    const p = anthropic({ apiKey: API_KEY, baseURL: 'http://127.0.0.1:9' });
    const e = await p.chat(request(), { model: MODEL }).catch((x: unknown) => x);
    expect(ProviderUnavailableError.isInstance(e)).toBe(true);
    expect((e as SwitchyardError).cause).toBeDefined();
  });

  it('an SDK timeout -> TimeoutError', async () => {
    server().handle(() => undefined); // never answers
    const e = await provider(server(), { sdkTimeoutMs: 50 })
      .chat(request(), { model: MODEL })
      .catch((x: unknown) => x);
    expect(TimeoutError.isInstance(e)).toBe(true);
  });

  it('an abort before the response -> AbortError', async () => {
    server().handle(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const e = await provider(server())
      .chat(request(), { model: MODEL, signal: controller.signal })
      .catch((x: unknown) => x);
    expect(AbortError.isInstance(e)).toBe(true);
    expect((e as SwitchyardError).retryable).toBe(false);
  });
});

describe('anthropic stream error mapping', () => {
  it('an HTTP 529 on a stream request -> ProviderUnavailableError thrown from the iterator', async () => {
    server().handle((_req, res) => sendJson(res, 529, errorBody('overloaded_error', 'Overloaded')));
    const { error, seen } = await streamFailure(() => provider(server()).stream(request(), { model: MODEL }));
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect(error.statusCode).toBe(529);
    expect(seen).toEqual([{ type: 'stream-start', warnings: [] }]);
  });

  it('an in-stream error event (overloaded_error) -> ProviderUnavailableError after the deltas already sent', async () => {
    server().handle((_req, res) =>
      replySse(res, [
        ...events(
          messageStart(),
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } },
        ),
        ...events({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
      ]),
    );
    const { error, seen } = await streamFailure(() => provider(server()).stream(request(), { model: MODEL }));
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ vendorCode: 'overloaded_error', provider: 'anthropic', model: MODEL });
    expect(error.message).toMatch(/stream error overloaded_error: Overloaded/);
    expect(seen).toContainEqual({ type: 'text-delta', delta: 'Hel' });
  });

  it('an in-stream rate_limit_error event -> RateLimitError', async () => {
    server().handle((_req, res) =>
      replySse(res, events(messageStart(), { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } })),
    );
    const { error } = await streamFailure(() => provider(server()).stream(request(), { model: MODEL }));
    expect(RateLimitError.isInstance(error)).toBe(true);
  });

  it('a malformed SSE data line -> InvalidResponseError', async () => {
    server().handle((_req, res) =>
      replySse(res, [...events(messageStart()), 'event: content_block_start\ndata: {"type":"content_block_start",\n\n']),
    );
    const { error } = await streamFailure(() => provider(server()).stream(request(), { model: MODEL }));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
  });

  it('a delta that breaks the schema -> InvalidResponseError', async () => {
    server().handle((_req, res) =>
      replySse(
        res,
        events(
          messageStart(),
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 42 } },
        ),
      ),
    );
    const { error } = await streamFailure(() => provider(server()).stream(request(), { model: MODEL }));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.message).toContain('text_delta');
  });

  it('malformed tool input JSON at content_block_stop -> InvalidResponseError', async () => {
    server().handle((_req, res) =>
      replySse(
        res,
        events(
          messageStart(),
          { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} } },
          { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"city": "Par' } },
          { type: 'content_block_stop', index: 0 },
          { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 3 } },
          { type: 'message_stop' },
        ),
      ),
    );
    const { error, seen } = await streamFailure(() => provider(server()).stream(request(), { model: MODEL }));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.message).toContain('get_weather');
    expect(seen.some((p) => (p as { type: string }).type === 'finish')).toBe(false);
  });

  it('a connection reset mid-stream -> ProviderUnavailableError, never a finish', async () => {
    const pieces = events(
      messageStart(),
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'partial' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } },
      { type: 'message_stop' },
    );
    server().handle((_req, res) => replySse(res, pieces, { cutAfter: 3 }));
    const { error, seen } = await streamFailure(() => provider(server()).stream(request(), { model: MODEL }));
    expect(error.name).toBe('ProviderUnavailableError');
    expect(error.model).toBe(MODEL);
    expect(seen).toContainEqual({ type: 'text-delta', delta: 'partial' });
    expect(seen.some((p) => (p as { type: string }).type === 'finish')).toBe(false);
  });

  it('a stream that ends cleanly without message_stop -> InvalidResponseError', async () => {
    server().handle((_req, res) =>
      replySse(
        res,
        events(
          messageStart(),
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x' } },
        ),
      ),
    );
    const { error, seen } = await streamFailure(() => provider(server()).stream(request(), { model: MODEL }));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(seen.some((p) => (p as { type: string }).type === 'finish')).toBe(false);
  });

  it('a stalled stream ended by abort -> AbortError', async () => {
    const pieces = events(
      messageStart(),
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'wait' } },
      { type: 'message_stop' },
    );
    server().handle((_req, res) => replySse(res, pieces, { stallAfter: 3 }));
    const controller = new AbortController();
    const { error, seen } = await streamFailure(async function* () {
      for await (const p of provider(server()).stream(request(), { model: MODEL, signal: controller.signal })) {
        yield p;
        if (p.type === 'text-delta') setTimeout(() => controller.abort(), 20);
      }
    });
    expect(AbortError.isInstance(error)).toBe(true);
    expect(error.model).toBe(MODEL);
    expect(seen).toContainEqual({ type: 'text-delta', delta: 'wait' });
  });
});

describe('anthropic validateCredentials / listModels / countTokens', () => {
  const models = {
    data: [
      {
        type: 'model',
        id: 'claude-haiku-4-5-20251001',
        display_name: 'Claude Haiku 4.5',
        created_at: '2025-10-01T00:00:00Z',
        max_input_tokens: 200000,
        max_tokens: 64000,
      },
      { type: 'model', id: 'claude-opus-4-1-20250805', display_name: 'Claude Opus 4.1', created_at: '2025-08-05T00:00:00Z' },
    ],
    has_more: false,
    first_id: 'claude-haiku-4-5-20251001',
    last_id: 'claude-opus-4-1-20250805',
  };

  it('validateCredentials makes one GET /v1/models?limit=1 with the key and reports ok', async () => {
    server().handle((_req, res) => sendJson(res, 200, { ...models, data: models.data.slice(0, 1) }));
    const check = await provider(server()).validateCredentials();
    expect(check.ok).toBe(true);
    expect(check.latencyMs).toBeGreaterThanOrEqual(0);
    expect(server().requests).toHaveLength(1);
    expect(server().requests[0]).toMatchObject({ method: 'GET', url: '/v1/models?limit=1' });
    // SDK 1.x sends the key as a bearer token; 0.x as x-api-key.
    const h = server().requests[0]!.headers;
    expect(h['x-api-key'] ?? h.authorization).toMatch(new RegExp(`^(Bearer )?${API_KEY}$`));
  });

  it('validateCredentials never throws: a 401 comes back as { ok: false, error }', async () => {
    server().handle((_req, res) => sendJson(res, 401, errorBody('authentication_error', 'invalid x-api-key')));
    const check = await provider(server()).validateCredentials();
    expect(check.ok).toBe(false);
    expect(AuthenticationError.isInstance(check.error)).toBe(true);
  });

  it('listModels maps /v1/models', async () => {
    server().handle((_req, res) => sendJson(res, 200, models));
    const list = await provider(server()).listModels();
    expect(list).toEqual([
      {
        id: 'claude-haiku-4-5-20251001',
        provider: 'anthropic',
        displayName: 'Claude Haiku 4.5',
        contextWindow: 200000,
        maxOutputTokens: 64000,
      },
      { id: 'claude-opus-4-1-20250805', provider: 'anthropic', displayName: 'Claude Opus 4.1' },
    ]);
  });

  it('countTokens estimates offline by default (no request)', async () => {
    const n = await provider(server()).countTokens(request('hello world, how are you today?'), { model: MODEL });
    expect(n).toBeGreaterThan(5);
    expect(server().requests).toHaveLength(0);
  });

  it("countTokens: 'vendor' calls /v1/messages/count_tokens with the converted request", async () => {
    server().handle((_req, res) => sendJson(res, 200, { input_tokens: 321 }));
    const n = await provider(server(), { countTokens: 'vendor' }).countTokens(
      request('hi', { system: 'Be brief.', params: { temperature: 0.2 } }),
      { model: MODEL },
    );
    expect(n).toBe(321);
    expect(server().requests[0]!.url).toBe('/v1/messages/count_tokens');
    expect(server().requests[0]!.body).toEqual({
      model: MODEL,
      system: 'Be brief.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    });
  });
});
