import { GoogleGenAI } from '@google/genai';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
} from '../../src/core/errors.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { type Loopback, sendJson, sendPieces, startLoopback } from '../helpers/loopback.js';
import { KEY, MODEL, providerFor, SDKS, simpleRequest, sse } from './gemini/setup.js';

let lb: Loopback;
beforeAll(async () => {
  lb = await startLoopback();
});
afterAll(() => lb.close());

const call = { model: MODEL };

async function drain(parts: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of parts);
}

function googleError(code: number, status: string, message: string, details: unknown[] = []) {
  return { error: { code, message, status, details } };
}

/** The error a chat call fails with (asserting it fails with one of ours). */
async function chatError(p: ReturnType<typeof providerFor>, signal?: AbortSignal): Promise<SwitchyardError> {
  const err = await p.chat(simpleRequest(), { ...call, ...(signal && { signal }) }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(SwitchyardError.isInstance(err)).toBe(true);
  return err as SwitchyardError;
}

async function streamError(p: ReturnType<typeof providerFor>, signal?: AbortSignal): Promise<{ error: SwitchyardError; seen: string[] }> {
  const seen: string[] = [];
  const err = await (async () => {
    for await (const part of p.stream(simpleRequest(), { ...call, ...(signal && { signal }) })) seen.push(part.type);
  })().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(SwitchyardError.isInstance(err)).toBe(true);
  return { error: err as SwitchyardError, seen };
}

function expectNoKey(err: unknown) {
  const e = err as Error;
  for (const text of [e.message, e.stack ?? '', JSON.stringify(e), inspect(e, { depth: 5 })]) {
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(KEY.slice(0, 12));
  }
}

const cases: Array<{ title: string; status: number; body: unknown; check: (e: SwitchyardError) => void }> = [
  {
    title: '429 RESOURCE_EXHAUSTED with RetryInfo "37s" -> RateLimitError.retryAfterMs',
    status: 429,
    body: googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', [
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' },
    ]),
    check: (e) => {
      expect(RateLimitError.isInstance(e)).toBe(true);
      expect((e as RateLimitError).retryAfterMs).toBe(37_000);
      expect(e.retryable).toBe(true);
    },
  },
  {
    title: '401 UNAUTHENTICATED -> AuthenticationError',
    status: 401,
    body: googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'),
    check: (e) => expect(AuthenticationError.isInstance(e)).toBe(true),
  },
  {
    title: '400 API_KEY_INVALID -> AuthenticationError (not InvalidRequestError)',
    status: 400,
    body: googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
    ]),
    check: (e) => {
      expect(AuthenticationError.isInstance(e)).toBe(true);
      expect(e.vendorCode).toBe('API_KEY_INVALID');
    },
  },
  {
    title: '403 PERMISSION_DENIED -> PermissionError',
    status: 403,
    body: googleError(403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers."),
    check: (e) => {
      expect(PermissionError.isInstance(e)).toBe(true);
      // @google/generative-ai keeps only message and details of the body, not `status`.
      if (e.vendorCode !== undefined) expect(e.vendorCode).toBe('PERMISSION_DENIED');
    },
  },
  {
    title: '400 token limit wording -> ContextLengthError',
    status: 400,
    body: googleError(400, 'INVALID_ARGUMENT', 'The input token count (1250000) exceeds the maximum number of tokens allowed (1048576).'),
    check: (e) => {
      expect(ContextLengthError.isInstance(e)).toBe(true);
      expect(e.fallbackable).toBe(true);
    },
  },
  {
    title: '400 INVALID_ARGUMENT -> InvalidRequestError with the vendor message',
    status: 400,
    body: googleError(400, 'INVALID_ARGUMENT', 'Invalid value at \'generation_config.temperature\' (TYPE_FLOAT), "hot"'),
    check: (e) => {
      expect(InvalidRequestError.isInstance(e)).toBe(true);
      expect(e.message).toContain('generation_config.temperature');
      expect(e.statusCode).toBe(400);
    },
  },
  {
    title: '404 NOT_FOUND -> NotFoundError naming the model',
    status: 404,
    body: googleError(404, 'NOT_FOUND', `models/${MODEL} is not found for API version v1beta, or is not supported for generateContent.`),
    check: (e) => {
      expect(NotFoundError.isInstance(e)).toBe(true);
      expect(e.message).toContain(`model "${MODEL}" was not found`);
    },
  },
  {
    title: '500 INTERNAL -> ProviderUnavailableError',
    status: 500,
    body: googleError(500, 'INTERNAL', 'An internal error has occurred.'),
    check: (e) => {
      expect(ProviderUnavailableError.isInstance(e)).toBe(true);
      expect(e.statusCode).toBe(500);
    },
  },
  {
    title: '503 UNAVAILABLE -> ProviderUnavailableError',
    status: 503,
    body: googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'),
    check: (e) => {
      expect(ProviderUnavailableError.isInstance(e)).toBe(true);
      expect(e.retryable).toBe(true);
    },
  },
];

describe.each(SDKS)('gemini error mapping with %s', (sdk) => {
  for (const c of cases) {
    it(`${c.title} (chat and stream; provider, model and the raw cause kept)`, async () => {
      lb.handle((_req, res) => sendJson(res, c.status, c.body));
      const before = lb.requests.length;
      const e = await chatError(providerFor(sdk, lb));
      c.check(e);
      expect(e.provider).toBe('gemini');
      expect(e.model).toBe(MODEL);
      expect(e.cause).toBeDefined();
      // SDK retries are off: one HTTP request per call.
      expect(lb.requests.length - before).toBe(1);
      const { error, seen } = await streamError(providerFor(sdk, lb));
      c.check(error);
      expect(seen).not.toContain('finish');
      expectNoKey(e);
    });
  }

  it('a malformed JSON body -> InvalidResponseError', async () => {
    lb.handle((_req, res) => sendJson(res, 200, '{"candidates": [ {"content": '));
    const e = await chatError(providerFor(sdk, lb));
    expect(InvalidResponseError.isInstance(e)).toBe(true);
    expect(e.model).toBe(MODEL);
  });

  it('a well-formed body of the wrong shape -> InvalidResponseError naming the field', async () => {
    lb.handle((_req, res) => sendJson(res, 200, { candidates: [{ content: { parts: [{ text: 42 }] } }] }));
    const e = await chatError(providerFor(sdk, lb));
    expect(InvalidResponseError.isInstance(e)).toBe(true);
    expect(e.message).toContain('candidates.0.content.parts.0.text');
  });

  it('a connection reset mid-stream -> ProviderUnavailableError after the first deltas, never a finish', async () => {
    const chunk = (t: string) => `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: t }] } }] })}\r\n\r\n`;
    lb.handle((_req, res) =>
      sendPieces(res, 200, 'text/event-stream', [chunk('Hel'), chunk('lo'), chunk('!')], { cutAfter: 2, gapMs: 20 }),
    );
    const { error, seen } = await streamError(providerFor(sdk, lb));
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect(seen).toContain('text-delta');
    expect(seen).not.toContain('finish');
  });

  it('a stream that closes without any finishReason -> InvalidResponseError, never a finish', async () => {
    const chunk = `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'partial' }] } }] })}\r\n\r\n`;
    lb.handle((_req, res) => sse(res, [chunk]));
    const { error, seen } = await streamError(providerFor(sdk, lb));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.message).toContain('without a finishReason');
    expect(seen).toEqual(['stream-start', 'text-delta']);
  });

  it('an error event inside a 200 stream -> the mapped error', async () => {
    const ok = `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'a' }] } }] })}\r\n\r\n`;
    const bad = `data: ${JSON.stringify(googleError(503, 'UNAVAILABLE', 'The model is overloaded.'))}\r\n\r\n`;
    lb.handle((_req, res) => sse(res, [ok, bad]));
    const { error } = await streamError(providerFor(sdk, lb));
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
  });

  it("a stalled stream ended by the caller's abort -> AbortError, promptly", async () => {
    const chunk = `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'thinking...' }] } }] })}\r\n\r\n`;
    lb.handle((_req, res) => sendPieces(res, 200, 'text/event-stream', [chunk, chunk], { stallAfter: 1 }));
    const controller = new AbortController();
    const seen: string[] = [];
    let abortedAt = 0;
    const err = await (async () => {
      for await (const part of providerFor(sdk, lb).stream(simpleRequest(), { ...call, signal: controller.signal })) {
        seen.push(part.type);
        // The server now stalls; abort once the first delta is in.
        if (part.type === 'text-delta') {
          setTimeout(() => {
            abortedAt = Date.now();
            controller.abort();
          }, 50);
        }
      }
    })().catch((e: unknown) => e);
    expect(AbortError.isInstance(err)).toBe(true);
    expect((err as AbortError).retryable).toBe(false);
    expect(seen).toEqual(['stream-start', 'text-delta']);
    expect(Date.now() - abortedAt).toBeLessThan(5_000);
  });

  it('an abort before the response -> AbortError for chat', async () => {
    lb.handle(() => undefined); // never answers
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const e = await chatError(providerFor(sdk, lb), controller.signal);
    expect(AbortError.isInstance(e)).toBe(true);
  });

  it('connection refused -> ProviderUnavailableError; validateCredentials reports it without throwing', async () => {
    const dead = await startLoopback();
    const url = dead.url;
    await dead.close();
    const p = providerFor(sdk, { ...lb, url });
    const e = await chatError(p);
    expect(ProviderUnavailableError.isInstance(e)).toBe(true);
    const check = await p.validateCredentials();
    expect(check.ok).toBe(false);
    expect(ProviderUnavailableError.isInstance(check.error)).toBe(true);
  });

  it('no API key in message, stack, JSON or inspect, even when the vendor echoes it', async () => {
    lb.handle((_req, res) =>
      sendJson(
        res,
        400,
        googleError(400, 'INVALID_ARGUMENT', `API key not valid: ${KEY}`, [
          { '@type': 'type.googleapis.com/google.rpc.DebugInfo', detail: `Invalid API key: ${KEY}` },
        ]),
      ),
    );
    const e = await chatError(providerFor(sdk, lb));
    expect(AuthenticationError.isInstance(e)).toBe(true);
    expect(inspect(e.cause, { depth: 10 })).not.toContain(KEY); // the cause kept is scrubbed too
    expectNoKey(e);
    const { error } = await streamError(providerFor(sdk, lb));
    expectNoKey(error);
  });

  it('the key is sent in a header, never in the URL', async () => {
    lb.handle((_req, res) =>
      sendJson(res, 200, { candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' }] }),
    );
    await providerFor(sdk, lb).chat(simpleRequest(), call);
    const req = lb.requests.at(-1)!;
    expect(req.headers['x-goog-api-key']).toBe(KEY);
    expect(req.url).not.toContain(KEY);
  });
});

describe('gemini errors: key redaction of URLs, SDK retries', () => {
  it('a network error whose message carries a ?key= URL is redacted', async () => {
    const p = gemini({
      apiKey: KEY,
      baseURL: lb.url,
      fetch: async (input) => {
        throw new TypeError(`fetch failed: ${String(input)}?key=${KEY}`);
      },
    });
    const e = await chatError(p);
    expect(ProviderUnavailableError.isInstance(e)).toBe(true);
    expect(e.message).toContain('key=[REDACTED]');
    expectNoKey(e);
  });

  it('a user GoogleGenAI client configured with retries still makes one request per call', async () => {
    lb.handle((_req, res) => sendJson(res, 503, googleError(503, 'UNAVAILABLE', 'overloaded')));
    const client = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: lb.url, retryOptions: { attempts: 4, initialDelay: 0.01 } } });
    const before = lb.requests.length;
    const e = await chatError(gemini({ client }));
    expect(ProviderUnavailableError.isInstance(e)).toBe(true);
    expect(lb.requests.length - before).toBe(1);
  });

  it('a client the adapter builds makes one request per call on a retryable status (the router retries, not the SDK)', async () => {
    for (const [status, code] of [
      [503, 'UNAVAILABLE'],
      [429, 'RESOURCE_EXHAUSTED'],
      [500, 'INTERNAL'],
    ] as const) {
      lb.handle((_req, res) => sendJson(res, status, googleError(status, code, 'try later')));
      const p = gemini({ baseURL: lb.url, apiKey: KEY });
      for (const headers of [undefined, { 'x-trace': 't-1' }]) {
        let before = lb.requests.length;
        await expect(p.chat(simpleRequest(), { ...call, ...(headers && { headers }) })).rejects.toMatchObject({ provider: 'gemini' });
        expect(lb.requests.length - before).toBe(1);
        before = lb.requests.length;
        await expect(drain(p.stream(simpleRequest(), { ...call, ...(headers && { headers }) }))).rejects.toMatchObject({
          provider: 'gemini',
        });
        expect(lb.requests.length - before).toBe(1);
        if (headers) expect(lb.requests.at(-1)!.headers['x-trace']).toBe('t-1');
      }
    }
  });

  it('a key resolver that throws fails the call, and is retried on the next call', async () => {
    let calls = 0;
    lb.handle((_req, res) =>
      sendJson(res, 200, { candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' }] }),
    );
    const p = gemini({
      baseURL: lb.url,
      apiKey: () => {
        calls++;
        if (calls === 1) throw new Error('vault unavailable');
        return KEY;
      },
    });
    await expect(p.chat(simpleRequest(), call)).rejects.toBeInstanceOf(Error);
    const res = await p.chat(simpleRequest(), call);
    expect(res.content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(lb.requests.at(-1)!.headers['x-goog-api-key']).toBe(KEY);
  });
});

describe.each(SDKS)('gemini models, credentials and token counts with %s', (sdk) => {
  it('validateCredentials: one GET models?pageSize=1, ok with a latency', async () => {
    lb.handle((_req, res) =>
      sendJson(res, 200, {
        models: [{ name: 'models/gemini-2.5-flash', supportedGenerationMethods: ['generateContent'] }],
        nextPageToken: 'next',
      }),
    );
    const before = lb.requests.length;
    const check = await providerFor(sdk, lb).validateCredentials();
    expect(check.ok).toBe(true);
    expect(check.latencyMs).toBeGreaterThanOrEqual(0);
    expect(lb.requests.length - before).toBe(1);
    const req = lb.requests.at(-1)!;
    expect(req.method).toBe('GET');
    expect(req.url).toMatch(/^\/v1beta\/models\?pageSize=1/);
    expect(req.headers['x-goog-api-key']).toBe(KEY);
  });

  it('validateCredentials with a bad key: ok false and an AuthenticationError, no throw', async () => {
    lb.handle((_req, res) =>
      sendJson(
        res,
        400,
        googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' },
        ]),
      ),
    );
    const check = await providerFor(sdk, lb).validateCredentials();
    expect(check.ok).toBe(false);
    expect(AuthenticationError.isInstance(check.error)).toBe(true);
    expectNoKey(check.error);
  });

  it('listModels follows pages and maps limits and capabilities', async () => {
    lb.handle((req, res) => {
      if (req.url.includes('pageToken=p2')) {
        return sendJson(res, 200, {
          models: [
            {
              name: 'models/gemini-2.5-pro',
              displayName: 'Gemini 2.5 Pro',
              inputTokenLimit: 1048576,
              outputTokenLimit: 65536,
              supportedGenerationMethods: ['generateContent', 'streamGenerateContent'],
              thinking: true,
            },
          ],
        });
      }
      sendJson(res, 200, {
        models: [
          {
            name: 'models/gemini-2.0-flash',
            inputTokenLimit: 1048576,
            outputTokenLimit: 8192,
            supportedGenerationMethods: ['generateContent', 'countTokens'],
          },
        ],
        nextPageToken: 'p2',
      });
    });
    const models = await providerFor(sdk, lb).listModels();
    expect(models.map((m) => m.id)).toEqual(['gemini-2.0-flash', 'gemini-2.5-pro']);
    expect(models[1]).toMatchObject({
      displayName: 'Gemini 2.5 Pro',
      contextWindow: 1048576,
      maxOutputTokens: 65536,
      capabilities: { streaming: true, reasoning: true },
    });
    expect(models[0]!.capabilities?.streaming).toBe(false);
  });

  it('countTokens: an offline estimate by default (no request), the vendor count when asked', async () => {
    const before = lb.requests.length;
    const estimate = await providerFor(sdk, lb).countTokens(simpleRequest('a fairly short prompt'), call);
    expect(estimate).toBeGreaterThan(0);
    expect(lb.requests.length).toBe(before);
    lb.handle((_req, res) => sendJson(res, 200, { totalTokens: 123 }));
    const vendor = await providerFor(sdk, lb, { countTokens: 'vendor' }).countTokens(simpleRequest(), call);
    expect(vendor).toBe(123);
    expect(lb.requests.at(-1)!.url).toBe(`/v1beta/models/${MODEL}:countTokens`);
  });
});
