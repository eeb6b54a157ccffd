import { GoogleGenerativeAI } from '@google/generative-ai';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthenticationError, createRouter, memorySink, SwitchyardError, type LLMProvider } from '../../src/index.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { deepseek } from '../../src/providers/deepseek/index.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { openai } from '../../src/providers/openai/index.js';
import { openaiCompatible } from '../../src/providers/openai-compatible/index.js';
import { type Loopback, sendJson, startLoopback } from '../helpers/loopback.js';

// A vendor that echoes the caller's key back in its 401 (whole, masked with its tail visible, and in
// headers). Whatever the adapter keeps of that answer, the key and every 4+ character tail of it
// must appear nowhere a user can print: the error, its cause, router events and ledger records.

const KEY = 'sk-echo-Zq8W3xK5vN2mP7rT4yQ9hJ6b';

/** The key as the vendor echoed it: whole, masked OpenAI-style, and as bare tails of 16, 9 and 5 characters. */
function echoes(key: string): string {
  return `Incorrect API key provided: ${key}. Masked: ${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}; ending ...${key.slice(-16)}; last 9: ${key.slice(-9)}; key=${key.slice(-5)}`;
}

function echoHeaders(key: string): Record<string, string> {
  return { 'x-echo-key': key, 'www-authenticate': `Bearer realm="api", error="invalid_token", key="${key}"`, 'x-request-id': 'req_echo_1' };
}

type Body = (key: string) => unknown;
const bodies: Record<string, Body> = {
  openai: (key) => ({ error: { message: echoes(key), type: 'invalid_request_error', param: key, code: 'invalid_api_key' } }),
  anthropic: (key) => ({ type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key: ${echoes(key)}` } }),
  gemini: (key) => ({
    error: {
      code: 401,
      message: `API key not valid. ${echoes(key)}`,
      status: 'UNAUTHENTICATED',
      details: [{ '@type': 'type.googleapis.com/google.rpc.DebugInfo', detail: `key=${key}` }],
    },
  }),
  ollama: (key) => ({ error: `unauthorized: ${echoes(key)}` }),
};

/** The key the request carried, from whichever header the SDK puts it in. */
function sentKey(headers: IncomingHttpHeaders): string {
  const auth = headers.authorization ?? headers['x-api-key'] ?? headers['x-goog-api-key'] ?? '';
  return String(auth).replace(/^Bearer\s+/i, '') || KEY;
}

/** Every place the key (or a 4+ character tail of it) might surface. */
function expectNowhere(key: string, texts: Record<string, string>): void {
  for (const [where, text] of Object.entries(texts)) {
    expect(text, `${where} holds the whole key`).not.toContain(key);
    expect(text, `${where} holds a key prefix`).not.toContain(key.slice(0, 12));
    for (let n = key.length - 1; n >= 4; n--)
      expect(text.includes(key.slice(-n)), `${where} holds the ${n}-character tail of the key`).toBe(false);
  }
}

function printed(e: unknown): Record<string, string> {
  const err = e as SwitchyardError;
  return {
    'String(e)': String(e),
    'e.stack': String(err.stack),
    'util.inspect(e)': inspect(e, { depth: 10 }),
    'JSON.stringify(e)': JSON.stringify(e),
    'util.inspect(e.cause)': inspect(err.cause, { depth: 10 }),
    'JSON.stringify(e.cause)': JSON.stringify(err.cause) ?? '',
    'String(e.cause)': String(err.cause),
  };
}

let lb: Loopback;
beforeAll(async () => {
  lb = await startLoopback();
});
afterAll(() => lb.close());
beforeEach(() => {
  lb.requests.length = 0;
});

const cases: Array<{ title: string; vendor: keyof typeof bodies; key: string; make: () => LLMProvider }> = [
  { title: 'openai', vendor: 'openai', key: KEY, make: () => openai({ apiKey: KEY, baseURL: `${lb.url}/v1` }) },
  { title: 'deepseek', vendor: 'openai', key: KEY, make: () => deepseek({ apiKey: KEY, baseURL: `${lb.url}/v1` }) },
  {
    title: 'openai-compatible',
    vendor: 'openai',
    key: KEY,
    make: () => openaiCompatible({ name: 'gw', apiKey: KEY, baseURL: `${lb.url}/v1` }),
  },
  {
    title: 'openai-compatible with the key in a custom header',
    vendor: 'openai',
    key: 'hdr-Lm4Pq7Rs2Tv9Wx3Yz6Ab8Cd',
    make: () => openaiCompatible({ name: 'gw', baseURL: `${lb.url}/v1`, headers: { 'x-api-key': 'hdr-Lm4Pq7Rs2Tv9Wx3Yz6Ab8Cd' } }),
  },
  {
    title: 'openai with a key resolver',
    vendor: 'openai',
    key: KEY,
    make: () => openai({ apiKey: async () => KEY, baseURL: `${lb.url}/v1` }),
  },
  { title: 'anthropic', vendor: 'anthropic', key: KEY, make: () => anthropic({ apiKey: KEY, baseURL: lb.url }) },
  { title: 'gemini (@google/genai, built from options)', vendor: 'gemini', key: KEY, make: () => gemini({ apiKey: KEY, baseURL: lb.url }) },
  {
    title: 'gemini (@google/generative-ai, a ready client)',
    vendor: 'gemini',
    key: KEY,
    make: () => gemini({ client: new GoogleGenerativeAI(KEY), baseURL: lb.url }),
  },
  { title: 'ollama with an apiKey', vendor: 'ollama', key: KEY, make: () => ollama({ apiKey: KEY, baseURL: lb.url }) },
  {
    title: 'ollama with the key in an Authorization header',
    vendor: 'ollama',
    key: 'olh-Mn5Bv8Cx2Zl4Kj7Hg3Fd9Sa',
    make: () => ollama({ baseURL: lb.url, headers: { Authorization: 'Bearer olh-Mn5Bv8Cx2Zl4Kj7Hg3Fd9Sa' } }),
  },
];

describe('a vendor that echoes the key in its 401: the key shows nowhere', () => {
  it.each(cases)('$title: chat, stream, validateCredentials, router events and records', async ({ vendor, key, make }) => {
    lb.handle((req, res: ServerResponse) => {
      const echoed = req.headers['x-api-key'] && vendor === 'openai' ? String(req.headers['x-api-key']) : sentKey(req.headers);
      sendJson(res, 401, bodies[vendor]!(echoed), echoHeaders(echoed));
    });
    const errors: unknown[] = [];
    const sink = memorySink();
    const router = createRouter({
      providers: { p: make() },
      models: { m: { provider: 'p', model: 'model-x', pricing: { input: 1, output: 1 } } },
      retry: { retries: 0 },
      audit: { sink, content: 'include' },
    });
    const events: unknown[] = [];
    router.on('error', (ev) => events.push(ev));
    router.on('attempt', (ev) => events.push(ev));
    router.on('fallback', (ev) => events.push(ev));
    router.on('response', (ev) => events.push(ev));

    const ask = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };
    try {
      await router.chat(ask);
    } catch (e) {
      errors.push(e);
    }
    try {
      for await (const _ of router.stream(ask)) {
        // no part is expected before the 401
      }
    } catch (e) {
      errors.push(e);
    }
    expect(errors).toHaveLength(2);
    const provider = make();
    const check = await provider.validateCredentials();
    expect(check.ok).toBe(false);
    errors.push(check.error);

    // The key really was echoed, and the error is still typed as an authentication failure.
    expect(lb.requests.length).toBeGreaterThanOrEqual(3);
    for (const e of errors) {
      expect(SwitchyardError.isInstance(e)).toBe(true);
      const last = (e as SwitchyardError & { lastError?: SwitchyardError }).lastError ?? e;
      expect(AuthenticationError.isInstance(last), `${String(e)}`).toBe(true);
      expectNowhere(key, printed(e));
      if (last !== e) expectNowhere(key, printed(last));
    }
    const records = await router.costs.records({});
    await router.close();
    // Both failed requests reached the audit log (with their error), and the key is not in it.
    expect(sink.entries.filter((e) => e.type === 'request' && e.outcome === 'error')).toHaveLength(2);
    expectNowhere(key, {
      events: inspect(events, { depth: 10 }),
      'events JSON': JSON.stringify(events),
      records: JSON.stringify(records),
      'audit entries': JSON.stringify(sink.entries),
    });
  });

  it('the scrubbed cause keeps the useful facts: class, status, request id, vendor error type', async () => {
    lb.handle((req, res) => sendJson(res, 401, bodies.openai!(KEY), echoHeaders(KEY)));
    const check = await openai({ apiKey: KEY, baseURL: `${lb.url}/v1` }).validateCredentials();
    const cause = check.error!.cause as Record<string, unknown>;
    expect(cause).toBeInstanceOf(Error);
    expect(cause).toMatchObject({
      status: 401,
      requestID: 'req_echo_1',
      code: 'invalid_api_key',
      type: 'invalid_request_error',
      error: { type: 'invalid_request_error', code: 'invalid_api_key' },
    });
    expect(String(cause.message)).toContain('Incorrect API key provided');
    expect(cause).not.toHaveProperty('headers');
  });
});
