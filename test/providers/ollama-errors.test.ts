import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError,
  AuthenticationError,
  ContextLengthError,
  InvalidRequestError,
  InvalidResponseError,
  NotFoundError,
  ProviderUnavailableError,
  RateLimitError,
  SwitchyardError,
  TimeoutError,
} from '../../src/core/errors.js';
import type { ProviderStreamPart } from '../../src/core/stream.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { sendJson, sendPieces, startLoopback, type Loopback } from '../helpers/loopback.js';
import { user } from './ollama/helpers.js';

const line = (o: unknown) => `${JSON.stringify(o)}\n`;
const delta = (content: string) => line({ model: 'llama3.1', message: { role: 'assistant', content }, done: false });
const done = line({
  model: 'llama3.1',
  message: { role: 'assistant', content: '' },
  done: true,
  done_reason: 'stop',
  prompt_eval_count: 3,
  eval_count: 2,
});

/** Runs a stream, keeping the parts seen before the failure. */
async function failStream(parts: AsyncIterable<ProviderStreamPart>): Promise<{ seen: ProviderStreamPart[]; error: unknown }> {
  const seen: ProviderStreamPart[] = [];
  try {
    for await (const p of parts) seen.push(p);
  } catch (error) {
    return { seen, error };
  }
  throw new Error(`the stream did not fail; parts: ${seen.map((p) => p.type).join(', ')}`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('ollama adapter: error mapping', () => {
  let loopback: Loopback;
  beforeAll(async () => {
    loopback = await startLoopback();
  });
  afterAll(() => loopback.close());

  async function chatError(status: number, body: unknown, headers: Record<string, string> = {}, model = 'llama3.1', apiKey?: string) {
    loopback.handle((_req, res) => sendJson(res, status, body, headers));
    const error: unknown = await ollama({ baseURL: loopback.url, ...(apiKey && { apiKey }) })
      .chat(user('hi'), { model })
      .catch((e: unknown) => e);
    expect(SwitchyardError.isInstance(error)).toBe(true);
    return error as SwitchyardError;
  }

  it('404 model not found -> NotFoundError naming the model, body as cause', async () => {
    const e = await chatError(404, { error: 'model "llama9:70b" not found, try pulling it first' }, {}, 'llama9:70b');
    expect(NotFoundError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({ provider: 'ollama', model: 'llama9:70b', statusCode: 404, retryable: false, fallbackable: true });
    expect(e.message).toContain('model "llama9:70b" not found, try pulling it first');
    expect(e.cause).toEqual({ status: 404, body: '{"error":"model \\"llama9:70b\\" not found, try pulling it first"}' });
  });

  it('400 "does not support tools" -> InvalidRequestError (no fallback by default)', async () => {
    const e = await chatError(400, { error: 'registry.ollama.ai/library/gemma3:1b does not support tools' }, {}, 'gemma3:1b');
    expect(InvalidRequestError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({ model: 'gemma3:1b', statusCode: 400, fallbackable: false });
  });

  it('400 with context-length wording -> ContextLengthError (a bigger model may take it)', async () => {
    const e = await chatError(400, { error: 'the input length exceeds the context length' });
    expect(ContextLengthError.isInstance(e)).toBe(true);
    expect(e.fallbackable).toBe(true);
  });

  it('401 from ollama.com -> AuthenticationError; the key never appears in the error', async () => {
    const key = 'ollama-secret-key-0123456789abcdef';
    const e = await chatError(401, { error: `unauthorized: invalid key ${key}` }, {}, 'gpt-oss:120b', key);
    expect(AuthenticationError.isInstance(e)).toBe(true);
    expect(e.message).toContain('unauthorized');
    expect(e.message).not.toContain(key);
    expect(e.message).not.toContain(key.slice(0, 12));
    expect(JSON.stringify(e.toJSON())).not.toContain(key.slice(0, 12));
    expect(JSON.stringify(e.cause)).not.toContain(key.slice(0, 12));
    expect(loopback.requests.at(-1)!.headers.authorization).toBe(`Bearer ${key}`);
  });

  it('429 -> RateLimitError with retry-after in ms', async () => {
    const e = await chatError(429, { error: 'too many requests' }, { 'retry-after': '3' });
    expect(RateLimitError.isInstance(e)).toBe(true);
    expect((e as RateLimitError).retryAfterMs).toBe(3000);
    expect(e.retryable).toBe(true);
  });

  it.each([500, 502, 503])('%i -> ProviderUnavailableError (retryable)', async (status) => {
    const e = await chatError(status, { error: 'llama runner process has terminated: signal: killed' });
    expect(ProviderUnavailableError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({ statusCode: status, retryable: true, provider: 'ollama', model: 'llama3.1' });
    expect(e.message).toContain('llama runner process has terminated');
  });

  it('a plain-text error body (e.g. "404 page not found" from a wrong baseURL) keeps its text', async () => {
    loopback.handle((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 page not found');
    });
    const e = await ollama({ baseURL: loopback.url })
      .chat(user('hi'), { model: 'm' })
      .catch((x: unknown) => x);
    expect(NotFoundError.isInstance(e)).toBe(true);
    expect((e as Error).message).toContain('404 page not found');
  });

  it('a malformed JSON body -> InvalidResponseError, not a SyntaxError', async () => {
    const e = await chatError(200, '{"model":"llama3.1","message":{"role":"assistant","content":"hi"');
    expect(InvalidResponseError.isInstance(e)).toBe(true);
    expect(e.message).toContain('malformed JSON');
    expect(e.model).toBe('llama3.1');
  });

  it('a JSON body of the wrong shape -> InvalidResponseError with the path', async () => {
    const e = await chatError(200, { model: 'llama3.1', message: { content: 42 }, done: true });
    expect(InvalidResponseError.isInstance(e)).toBe(true);
    expect(e.message).toContain('message.content');
  });

  it('a non-stream body without done:true -> InvalidResponseError', async () => {
    const e = await chatError(200, { model: 'llama3.1', message: { role: 'assistant', content: 'half' }, done: false });
    expect(InvalidResponseError.isInstance(e)).toBe(true);
  });

  it('a malformed NDJSON line mid-stream -> InvalidResponseError after the good parts', async () => {
    loopback.handle((_req, res) => sendPieces(res, 200, 'application/x-ndjson', [delta('Hel'), '{"model":"llama3.1","message":\n', done]));
    const { seen, error } = await failStream(ollama({ baseURL: loopback.url }).stream(user('hi'), { model: 'llama3.1' }));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(seen.map((p) => p.type)).toEqual(['stream-start', 'response-metadata', 'text-delta']);
  });

  it('an {"error":...} line mid-stream -> ProviderUnavailableError; context wording -> ContextLengthError', async () => {
    loopback.handle((_req, res) =>
      sendPieces(res, 200, 'application/x-ndjson', [
        delta('a'),
        line({ error: 'an error was encountered while running the model: unexpected EOF' }),
      ]),
    );
    const first = await failStream(ollama({ baseURL: loopback.url }).stream(user('hi'), { model: 'llama3.1' }));
    expect(ProviderUnavailableError.isInstance(first.error)).toBe(true);
    expect((first.error as Error).message).toContain('unexpected EOF');
    expect(first.error).toMatchObject({ provider: 'ollama', model: 'llama3.1' });

    loopback.handle((_req, res) =>
      sendPieces(res, 200, 'application/x-ndjson', [line({ error: 'input exceeds the context length of the model' })]),
    );
    const second = await failStream(ollama({ baseURL: loopback.url }).stream(user('hi'), { model: 'llama3.1' }));
    expect(ContextLengthError.isInstance(second.error)).toBe(true);
  });

  it('a connection reset mid-stream -> ProviderUnavailableError, never a finish', async () => {
    loopback.handle((_req, res) =>
      sendPieces(res, 200, 'application/x-ndjson', [delta('one '), delta('two '), delta('three'), done], { cutAfter: 2 }),
    );
    const { seen, error } = await failStream(ollama({ baseURL: loopback.url }).stream(user('hi'), { model: 'llama3.1' }));
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'ollama', model: 'llama3.1' });
    expect(seen.some((p) => p.type === 'finish')).toBe(false);
    expect(seen.filter((p) => p.type === 'text-delta')).toHaveLength(2);
  });

  it('a stream that ends cleanly without a done:true line -> InvalidResponseError, never a finish', async () => {
    loopback.handle((_req, res) => sendPieces(res, 200, 'application/x-ndjson', [delta('one '), delta('two')]));
    const { seen, error } = await failStream(ollama({ baseURL: loopback.url }).stream(user('hi'), { model: 'llama3.1' }));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('done: true');
    expect(seen.some((p) => p.type === 'finish')).toBe(false);
  });

  it('a stalled stream ends promptly with AbortError when the caller aborts', async () => {
    loopback.handle((_req, res) => sendPieces(res, 200, 'application/x-ndjson', [delta('one'), delta('two'), done], { stallAfter: 1 }));
    const controller = new AbortController();
    const parts = ollama({ baseURL: loopback.url }).stream(user('hi'), { model: 'llama3.1', signal: controller.signal });
    const seen: string[] = [];
    const started = performance.now();
    const result = (async () => {
      for await (const p of parts) {
        seen.push(p.type);
        if (p.type === 'text-delta') setTimeout(() => controller.abort(), 50);
      }
    })().catch((e: unknown) => e);
    const error = await result;
    expect(AbortError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'ollama', model: 'llama3.1', retryable: false, fallbackable: false });
    expect(seen).toEqual(['stream-start', 'response-metadata', 'text-delta']);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('a consumer that stops early closes the connection to the server', async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((r) => (closed = r));
    loopback.handle((_req, res) => {
      res.on('close', () => closed());
      return sendPieces(res, 200, 'application/x-ndjson', [delta('one'), delta('two'), done], { stallAfter: 1 });
    });
    for await (const p of ollama({ baseURL: loopback.url }).stream(user('hi'), { model: 'llama3.1' })) {
      if (p.type === 'text-delta') break;
    }
    await expect(serverSawClose).resolves.toBeUndefined();
  });

  it('a consumer that stops right after stream-start (before any line is read) closes the connection too', async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((r) => (closed = r));
    loopback.handle((_req, res) => {
      res.on('close', () => closed());
      return sendPieces(res, 200, 'application/x-ndjson', [delta('one'), done], { stallAfter: 1 });
    });
    for await (const p of ollama({ baseURL: loopback.url }).stream(user('hi'), { model: 'llama3.1' })) {
      expect(p.type).toBe('stream-start');
      break;
    }
    await expect(serverSawClose).resolves.toBeUndefined();
  });

  it('an already-aborted signal -> AbortError without any request', async () => {
    const before = loopback.requests.length;
    const e = await ollama({ baseURL: loopback.url })
      .chat(user('hi'), { model: 'llama3.1', signal: AbortSignal.abort() })
      .catch((x: unknown) => x);
    expect(AbortError.isInstance(e)).toBe(true);
    expect(loopback.requests.length).toBe(before);
  });

  it('a timeout signal -> TimeoutError', async () => {
    loopback.handle(() => undefined); // never answers
    const e = await ollama({ baseURL: loopback.url })
      .chat(user('hi'), { model: 'llama3.1', signal: AbortSignal.timeout(50) })
      .catch((x: unknown) => x);
    expect(TimeoutError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({ provider: 'ollama', model: 'llama3.1' });
  });

  it('connection refused (no server on the port) -> ProviderUnavailableError naming provider and model', async () => {
    const port = await freePort();
    const provider = ollama({ baseURL: `http://127.0.0.1:${port}`, name: 'local' });
    const e = await provider.chat(user('hi'), { model: 'llama3.1' }).catch((x: unknown) => x);
    expect(ProviderUnavailableError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({ provider: 'local', model: 'llama3.1', retryable: true, fallbackable: true });
    expect((e as Error).message).toContain('ECONNREFUSED');
    const s = await failStream(provider.stream(user('hi'), { model: 'llama3.1' }));
    expect(ProviderUnavailableError.isInstance(s.error)).toBe(true);
    expect(s.seen).toEqual([]);
  });

  it('an invalid providerOptions.ollama -> InvalidRequestError with the path, before any request', async () => {
    const before = loopback.requests.length;
    const e = await ollama({ baseURL: loopback.url })
      .chat({ ...user('hi'), providerOptions: { ollama: { num_cxt: 4096 } } }, { model: 'llama3.1' })
      .catch((x: unknown) => x);
    expect(InvalidRequestError.isInstance(e)).toBe(true);
    expect((e as InvalidRequestError).path).toBe('providerOptions.ollama.num_cxt');
    expect(loopback.requests.length).toBe(before);
  });
});
