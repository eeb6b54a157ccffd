import { createServer } from 'node:net';
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
} from '../../src/core/errors.js';
import { openai } from '../../src/providers/openai/index.js';
import { sendJson } from '../helpers/loopback.js';
import { API_KEY, caught, collect, sendSse, textRequest, useLoopback } from './openai/helpers.js';

const MODEL = 'gpt-4o-mini';

function errorBody(message: string, type: string, code: string | null, param: string | null = null) {
  return { error: { message, type, param, code } };
}

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', model: MODEL, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

describe('openai error mapping (real SDK, loopback)', () => {
  const lb = useLoopback();
  const provider = (extra: Parameters<typeof openai>[0] = {}) => openai({ apiKey: API_KEY, baseURL: `${lb.current.url}/v1`, ...extra });
  const chatError = async () => caught(() => provider().chat(textRequest(), { model: MODEL }));

  it('429 with retry-after (seconds) -> RateLimitError.retryAfterMs, no SDK retry', async () => {
    lb.current.handle((_req, res) =>
      sendJson(res, 429, errorBody('Rate limit reached for gpt-4o-mini on requests per min (RPM)', 'requests', 'rate_limit_exceeded'), {
        'retry-after': '2',
      }),
    );
    const error = await chatError();
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      retryAfterMs: 2000,
      statusCode: 429,
      vendorCode: 'rate_limit_exceeded',
      provider: 'openai',
      model: MODEL,
      retryable: true,
    });
    expect(lb.current.requests).toHaveLength(1);
  });

  it('429 with retry-after-ms -> RateLimitError.retryAfterMs', async () => {
    lb.current.handle((_req, res) =>
      sendJson(res, 429, errorBody('Rate limit reached', 'tokens', 'rate_limit_exceeded'), {
        'retry-after-ms': '1500',
        'retry-after': '9',
      }),
    );
    const error = await chatError();
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(1500);
  });

  it('429 insufficient_quota is a PermissionError (retrying does not help)', async () => {
    lb.current.handle((_req, res) =>
      sendJson(
        res,
        429,
        errorBody(
          'You exceeded your current quota, please check your plan and billing details.',
          'insufficient_quota',
          'insufficient_quota',
        ),
      ),
    );
    expect(PermissionError.isInstance(await chatError())).toBe(true);
  });

  it('401 -> AuthenticationError', async () => {
    lb.current.handle((_req, res) =>
      sendJson(res, 401, errorBody('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key')),
    );
    const error = await chatError();
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 401, vendorCode: 'invalid_api_key', retryable: false, fallbackable: true });
  });

  it('403 -> PermissionError', async () => {
    lb.current.handle((_req, res) =>
      sendJson(res, 403, errorBody('Project does not have access to model gpt-4o-mini', 'invalid_request_error', 'model_not_found')),
    );
    expect(PermissionError.isInstance(await chatError())).toBe(true);
  });

  it("400 context_length_exceeded with OpenAI's wording -> ContextLengthError", async () => {
    const message =
      "This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens. Please reduce the length of the messages.";
    lb.current.handle((_req, res) =>
      sendJson(res, 400, errorBody(message, 'invalid_request_error', 'context_length_exceeded', 'messages')),
    );
    const error = await chatError();
    expect(ContextLengthError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ vendorCode: 'context_length_exceeded', statusCode: 400, fallbackable: true, model: MODEL });
    expect((error as Error).message).toContain('maximum context length is 128000 tokens');
  });

  it('400 invalid request -> InvalidRequestError with the raw SDK error as cause', async () => {
    lb.current.handle((_req, res) =>
      sendJson(
        res,
        400,
        errorBody("Invalid value for 'temperature': must be <= 2.", 'invalid_request_error', 'invalid_value', 'temperature'),
      ),
    );
    const error = await chatError();
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ vendorCode: 'invalid_value', retryable: false, fallbackable: false });
    expect((error as Error).cause).toMatchObject({ status: 400, param: 'temperature' });
  });

  it('404 unknown model -> NotFoundError naming the model', async () => {
    lb.current.handle((_req, res) =>
      sendJson(
        res,
        404,
        errorBody('The model `gpt-9` does not exist or you do not have access to it.', 'invalid_request_error', 'model_not_found'),
      ),
    );
    const error = await caught(() => provider().chat(textRequest(), { model: 'gpt-9' }));
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ model: 'gpt-9', provider: 'openai', vendorCode: 'model_not_found', statusCode: 404 });
    expect((error as Error).message).toContain('"gpt-9"');
  });

  it.each([500, 502, 503])('%i -> ProviderUnavailableError (retryable), one request only', async (status) => {
    lb.current.handle((_req, res) => sendJson(res, status, errorBody('The server is overloaded', 'server_error', null)));
    const error = await chatError();
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: status, retryable: true, provider: 'openai', model: MODEL });
    expect(lb.current.requests).toHaveLength(1);
  });

  it('503 when a stream opens -> ProviderUnavailableError before any part', async () => {
    lb.current.handle((_req, res) => sendJson(res, 503, errorBody('overloaded', 'server_error', null)));
    const error = await caught(() => collect(provider().stream(textRequest(), { model: MODEL })));
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
  });

  it('a malformed JSON body -> InvalidResponseError', async () => {
    lb.current.handle((_req, res) => sendJson(res, 200, '{"id":"chatcmpl-1","choices":[{"index":0,'));
    const error = await chatError();
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'openai', model: MODEL, retryable: true });
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it('a JSON body of the wrong shape -> InvalidResponseError listing the path', async () => {
    lb.current.handle((_req, res) => sendJson(res, 200, { id: 'x', choices: [] }));
    const error = await chatError();
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('choices');
  });

  it('a malformed SSE chunk -> InvalidResponseError (not a crash, no console output)', async () => {
    lb.current.handle((_req, res) =>
      sendSse(res, [chunk({ content: 'Hi' }), 'data: {"id":"chatcmpl-1","choices":[{\n\n', 'data: [DONE]\n\n']),
    );
    const error = await caught(() => collect(provider().stream(textRequest(), { model: MODEL })));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
  });

  it('a chunk of the wrong shape -> InvalidResponseError', async () => {
    lb.current.handle((_req, res) =>
      sendSse(res, ['data: {"id":"c","choices":[{"index":0,"delta":{"content":42}}]}\n\n', 'data: [DONE]\n\n']),
    );
    const error = await caught(() => collect(provider().stream(textRequest(), { model: MODEL })));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('choices[0].delta.content');
  });

  it('an error event inside the stream is mapped by its type', async () => {
    lb.current.handle((_req, res) =>
      sendSse(res, [chunk({ content: 'Hi' }), `data: ${JSON.stringify(errorBody('The server had an error', 'server_error', null))}\n\n`]),
    );
    const error = await caught(() => collect(provider().stream(textRequest(), { model: MODEL })));
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ vendorCode: 'server_error', model: MODEL });
  });

  it('a connection reset mid-stream -> ProviderUnavailableError, no finish', async () => {
    const pieces = [
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hel' }),
      chunk({ content: 'lo' }),
      chunk({}, 'stop'),
      'data: [DONE]\n\n',
    ];
    lb.current.handle((_req, res) => sendSse(res, pieces, { cutAfter: 2 }));
    const seen: string[] = [];
    const error = await caught(async () => {
      for await (const p of provider().stream(textRequest(), { model: MODEL })) seen.push(p.type);
    });
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'openai', model: MODEL, retryable: true });
    expect(seen).toContain('text-delta');
    expect(seen).not.toContain('finish');
  });

  it('a stalled stream ends with AbortError when the caller aborts', async () => {
    lb.current.handle((_req, res) => sendSse(res, [chunk({ content: 'Hel' }), chunk({ content: 'lo' })], { stallAfter: 1 }));
    const controller = new AbortController();
    const seen: string[] = [];
    const error = await caught(async () => {
      for await (const p of provider().stream(textRequest(), { model: MODEL, signal: controller.signal })) {
        seen.push(p.type);
        if (p.type === 'text-delta') setTimeout(() => controller.abort(), 20);
      }
    });
    expect(AbortError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'openai', model: MODEL, retryable: false, fallbackable: false });
    expect(seen).not.toContain('finish');
  });

  it('AbortSignal.timeout on a chat call that never answers -> AbortError', async () => {
    lb.current.handle(() => undefined); // never answers
    const error = await caught(() => provider().chat(textRequest(), { model: MODEL, signal: AbortSignal.timeout(50) }));
    expect(AbortError.isInstance(error)).toBe(true);
  });

  it('an SDK timeout (timeoutMs) -> TimeoutError', async () => {
    lb.current.handle(() => undefined);
    const error = await caught(() => provider({ timeoutMs: 50 }).chat(textRequest(), { model: MODEL }));
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'openai', model: MODEL, retryable: true });
  });

  it('connection refused -> ProviderUnavailableError', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    await new Promise<void>((r) => server.close(() => r()));
    const error = await caught(() =>
      openai({ apiKey: API_KEY, baseURL: `http://127.0.0.1:${port}/v1` }).chat(textRequest(), { model: MODEL }),
    );
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('Could not connect');
  });

  it('every error is a SwitchyardError naming provider and model', async () => {
    for (const status of [400, 401, 403, 404, 409, 422, 429, 500]) {
      lb.current.handle((_req, res) => sendJson(res, status, errorBody(`status ${status}`, 'x', null)));
      const error = await chatError();
      expect(SwitchyardError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ provider: 'openai', model: MODEL, statusCode: status });
    }
  });
});

describe('deepseek error mapping', () => {
  const lb = useLoopback();

  it('402 insufficient balance -> PermissionError (fallbackable, not retryable) naming deepseek', async () => {
    const { deepseek } = await import('../../src/providers/deepseek/index.js');
    lb.current.handle((_req, res) =>
      sendJson(res, 402, { error: { message: 'Insufficient Balance', type: 'unknown_error', param: null, code: 'invalid_request_error' } }),
    );
    const error = await caught(() =>
      deepseek({ apiKey: API_KEY, baseURL: lb.current.url }).chat(textRequest(), { model: 'deepseek-chat' }),
    );
    expect(PermissionError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 402, provider: 'deepseek', model: 'deepseek-chat', retryable: false, fallbackable: true });
    expect((error as Error).message).toContain('Insufficient Balance');
  });
});
