import { inspect } from 'node:util';
import { GoogleGenerativeAI } from '@google/generative-ai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../src/core/errors.js';
import type { LLMProvider } from '../../src/core/provider.js';
import type { ProviderRequest } from '../../src/core/request.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { deepseek } from '../../src/providers/deepseek/index.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { mockProvider } from '../../src/providers/mock/index.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { openaiCompatible } from '../../src/providers/openai-compatible/index.js';
import { openai } from '../../src/providers/openai/index.js';
import type { ApiKey } from '../../src/providers/shared/options.js';
import { apiKeyFromEnv } from '../../src/providers/shared/env.js';
import { sendJson, startLoopback, type Loopback, type RecordedRequest } from '../helpers/loopback.js';

type Rotatable = LLMProvider & { rotateCredentials(): Promise<'rotated' | 'unchanged' | 'unsupported'> };

let lb: Loopback;
beforeAll(async () => {
  lb = await startLoopback(answer);
});
afterAll(async () => {
  await lb.close();
});
beforeEach(() => {
  lb.requests.length = 0;
  lb.handle(answer);
});

/** One loopback server answering every vendor's chat call with a minimal success. */
function answer(req: RecordedRequest, res: Parameters<Parameters<Loopback['handle']>[0]>[1]): void {
  if (req.url.endsWith('/chat/completions')) {
    sendJson(res, 200, {
      id: 'c1',
      object: 'chat.completion',
      model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    });
  } else if (req.url.startsWith('/v1/messages')) {
    sendJson(res, 200, {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: 'ok' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 1, output_tokens: 1 },
    });
  } else if (req.url.includes(':generateContent')) {
    sendJson(res, 200, {
      candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 1, totalTokenCount: 2 },
    });
  } else if (req.url === '/api/chat') {
    sendJson(res, 200, {
      model: 'llama3',
      created_at: '2025-01-01T00:00:00Z',
      message: { role: 'assistant', content: 'ok' },
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 1,
      eval_count: 1,
    });
  } else {
    sendJson(res, 404, { error: `unexpected ${req.url}` });
  }
}

const request = (): ProviderRequest => ({ messages: [{ role: 'user', content: 'hi' }], params: {} });

interface AdapterCase {
  kind: string;
  model: string;
  make(apiKey: ApiKey | undefined): Rotatable;
  /** The credential the loopback server received, as the key itself. */
  sentKey(req: RecordedRequest): string | undefined;
}

const bearer = (req: RecordedRequest) => {
  const h = req.headers.authorization;
  return typeof h === 'string' ? h.replace(/^Bearer /, '') : undefined;
};

/** `x-api-key` (SDK majors 0.x) or `Authorization: Bearer` (major 1). */
const anthropicKey = (req: RecordedRequest) => (req.headers['x-api-key'] as string | undefined) ?? bearer(req);

const ADAPTERS: AdapterCase[] = [
  {
    kind: 'openai',
    model: 'gpt-4o',
    make: (apiKey) => openai({ baseURL: `${lb.url}/v1`, ...(apiKey !== undefined && { apiKey }) }),
    sentKey: bearer,
  },
  {
    kind: 'openai-compatible',
    model: 'm',
    make: (apiKey) => openaiCompatible({ name: 'local', baseURL: `${lb.url}/v1`, ...(apiKey !== undefined && { apiKey }) }),
    sentKey: bearer,
  },
  {
    kind: 'deepseek',
    model: 'deepseek-chat',
    make: (apiKey) => deepseek({ baseURL: lb.url, ...(apiKey !== undefined && { apiKey }) }),
    sentKey: bearer,
  },
  {
    kind: 'anthropic',
    model: 'claude-sonnet-4-5',
    make: (apiKey) => anthropic({ baseURL: lb.url, ...(apiKey !== undefined && { apiKey }) }),
    sentKey: anthropicKey,
  },
  {
    kind: 'gemini',
    model: 'gemini-2.5-flash',
    make: (apiKey) => gemini({ baseURL: lb.url, ...(apiKey !== undefined && { apiKey }) }),
    sentKey: (req) => req.headers['x-goog-api-key'] as string | undefined,
  },
  {
    kind: 'ollama',
    model: 'llama3',
    make: (apiKey) => ollama({ baseURL: lb.url, ...(apiKey !== undefined && { apiKey }) }),
    sentKey: bearer,
  },
];

/** Neither the key nor its first 8 characters appear when the provider is printed. */
function expectNotPrinted(provider: object, ...keys: string[]): void {
  const printed = [
    JSON.stringify(provider),
    inspect(provider, { depth: 10 }),
    inspect(provider, { depth: 10, showHidden: true }),
    String(provider),
  ];
  for (const text of printed) {
    for (const key of keys) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(key.slice(0, 8));
    }
  }
}

describe.each(ADAPTERS)('$kind credentials', (adapter) => {
  const tag = adapter.kind
    .replace(/[^a-z]/g, '')
    .slice(0, 4)
    .toUpperCase();
  const OLD = `OLDK${tag}-first-key-0123456789`;
  const NEW = `NEWK${tag}-second-key-9876543210`;

  it('a resolver key is used on the wire; a new key rotates and the next call carries it, never the old one again', async () => {
    let current = OLD;
    let resolutions = 0;
    const p = adapter.make(async () => {
      resolutions++;
      return current;
    });
    await p.chat(request(), { model: adapter.model });
    await p.chat(request(), { model: adapter.model });
    expect(lb.requests.map(adapter.sentKey)).toEqual([OLD, OLD]);
    expect(resolutions).toBe(1);

    current = NEW;
    expect(await p.rotateCredentials()).toBe('rotated');
    await p.chat(request(), { model: adapter.model });
    await p.chat(request(), { model: adapter.model });
    expect(lb.requests.map(adapter.sentKey)).toEqual([OLD, OLD, NEW, NEW]);
    expectNotPrinted(p, OLD, NEW);
  });

  it('a resolver still returning the same key is unchanged, and the key in use stays the same', async () => {
    const p = adapter.make(() => OLD);
    await p.chat(request(), { model: adapter.model });
    expect(await p.rotateCredentials()).toBe('unchanged');
    await p.chat(request(), { model: adapter.model });
    expect(lb.requests.map(adapter.sentKey)).toEqual([OLD, OLD]);
  });

  it('a literal key cannot rotate', async () => {
    const p = adapter.make(OLD);
    expect(await p.rotateCredentials()).toBe('unsupported');
    await p.chat(request(), { model: adapter.model });
    expect(lb.requests.map(adapter.sentKey)).toEqual([OLD]);
    expectNotPrinted(p, OLD);
  });

  it('printing the provider shows kind, name and base URL, never the key or the client', async () => {
    const literal = adapter.make(OLD);
    const json = JSON.parse(JSON.stringify(literal)) as Record<string, unknown>;
    expect(json).toMatchObject({ kind: adapter.kind, apiKey: '[REDACTED]' });
    expect(typeof json.name).toBe('string');
    expect(String(json.baseURL)).toContain('127.0.0.1');
    expect(inspect(literal)).toContain(adapter.kind);
    const resolver = adapter.make(() => OLD);
    await resolver.chat(request(), { model: adapter.model });
    expect(JSON.parse(JSON.stringify(resolver))).toMatchObject({ apiKey: 'resolver' });
    expectNotPrinted(resolver, OLD);
  });
});

describe('no environment variable is read unless asked', () => {
  const ENV: Record<string, string> = {
    OPENAI_API_KEY: 'sk-envOPENAI-should-never-be-sent-000',
    OPENAI_ORG_ID: 'org-envORGID-never',
    OPENAI_PROJECT_ID: 'proj_envPROJECT-never',
    OPENAI_BASE_URL: 'http://127.0.0.1:9/openai-env-base',
    ANTHROPIC_API_KEY: 'sk-ant-envANTHROPIC-never-sent-000',
    ANTHROPIC_AUTH_TOKEN: 'envANTHROPICTOKEN-never-sent-000',
    ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/anthropic-env-base',
    GEMINI_API_KEY: 'AIzaEnvGEMINIneverSentxxxxxxxxxxxxx000',
    GOOGLE_API_KEY: 'AIzaEnvGOOGLEneverSentxxxxxxxxxxxxx000',
    GOOGLE_GEMINI_BASE_URL: 'http://127.0.0.1:9/gemini-env-base',
    DEEPSEEK_API_KEY: 'sk-envDEEPSEEK-never-sent-000',
    OLLAMA_HOST: 'http://127.0.0.1:9',
    OLLAMA_API_KEY: 'envOLLAMAKEY-never-sent-000',
  };
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const [k, v] of Object.entries(ENV)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  const envValues = () => Object.values(ENV).map((v) => v.slice(0, 12));
  function expectNoEnvOnWire(): void {
    for (const req of lb.requests) {
      const wire = `${req.url} ${JSON.stringify(req.headers)} ${req.text}`;
      for (const value of envValues()) expect(wire).not.toContain(value);
      expect(wire).not.toContain('envORGID');
      expect(wire).not.toContain('envPROJECT');
    }
  }

  it.each(ADAPTERS.filter((a) => a.kind !== 'openai-compatible' && a.kind !== 'ollama'))(
    '$kind without a key fails with an AuthenticationError and sends nothing',
    async (adapter) => {
      const p = adapter.make(undefined);
      const error = await p.chat(request(), { model: adapter.model }).catch((e: unknown) => e);
      expect(AuthenticationError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('apiKey');
      expect(lb.requests).toHaveLength(0);
    },
  );

  it.each(ADAPTERS.filter((a) => a.kind === 'openai-compatible' || a.kind === 'ollama'))(
    '$kind without a key sends no credential at all',
    async (adapter) => {
      await adapter.make(undefined).chat(request(), { model: adapter.model });
      expect(lb.requests).toHaveLength(1);
      expect(lb.requests[0]!.headers.authorization).toBeUndefined();
      expectNoEnvOnWire();
    },
  );

  it.each(ADAPTERS)('$kind with a key sends only that key, and no other environment value', async (adapter) => {
    await adapter.make(`explicit-${adapter.kind}-key-123456`).chat(request(), { model: adapter.model });
    expect(lb.requests.map(adapter.sentKey)).toEqual([`explicit-${adapter.kind}-key-123456`]);
    expect(lb.requests[0]!.headers['openai-organization']).toBeUndefined();
    expect(lb.requests[0]!.headers['openai-project']).toBeUndefined();
    expectNoEnvOnWire();
  });

  /** A fetch that records the URL and the credential headers, and answers like the loopback server. */
  function capturingFetch() {
    const seen: Array<{ url: string; headers: Headers }> = [];
    const fetchFn = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      seen.push({ url, headers: new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)) });
      const target = new URL(url);
      return fetch(`${lb.url}${target.pathname}${target.search}`, {
        ...init,
        ...(input instanceof Request && !init && { method: input.method, body: await input.text() }),
      });
    };
    return { seen, fetch: fetchFn as typeof globalThis.fetch };
  }

  it('without baseURL, each adapter uses the vendor default, not the *_BASE_URL / OLLAMA_HOST variables', async () => {
    const cases: Array<[LLMProvider, string, string]> = [];
    const o = capturingFetch();
    cases.push([openai({ apiKey: 'sk-explicit-openai-1234', fetch: o.fetch }), 'gpt-4o', 'https://api.openai.com/v1/']);
    const a = capturingFetch();
    cases.push([anthropic({ apiKey: 'sk-ant-explicit-1234', fetch: a.fetch }), 'claude-sonnet-4-5', 'https://api.anthropic.com/']);
    const g = capturingFetch();
    cases.push([
      gemini({ apiKey: 'explicit-gemini-key-1234', fetch: g.fetch }),
      'gemini-2.5-flash',
      'https://generativelanguage.googleapis.com/',
    ]);
    const d = capturingFetch();
    cases.push([deepseek({ apiKey: 'sk-explicit-deepseek-1234', fetch: d.fetch }), 'deepseek-chat', 'https://api.deepseek.com/']);
    const l = capturingFetch();
    cases.push([ollama({ fetch: l.fetch }), 'llama3', 'http://127.0.0.1:11434/']);
    for (const [p, model] of cases) await p.chat(request(), { model });
    const fetches = [o, a, g, d, l];
    cases.forEach(([, , prefix], i) => {
      expect(fetches[i]!.seen).toHaveLength(1);
      expect(fetches[i]!.seen[0]!.url.startsWith(prefix)).toBe(true);
    });
    expectNoEnvOnWire();
  });

  it('asked for explicitly, the helpers read the conventional variables', async () => {
    await openai({ baseURL: `${lb.url}/v1`, apiKey: apiKeyFromEnv('openai') }).chat(request(), { model: 'gpt-4o' });
    await anthropic({ baseURL: lb.url, apiKey: apiKeyFromEnv('anthropic') }).chat(request(), { model: 'claude-sonnet-4-5' });
    await gemini({ baseURL: lb.url, apiKey: apiKeyFromEnv('gemini') }).chat(request(), { model: 'gemini-2.5-flash' });
    await deepseek({ baseURL: lb.url, apiKey: apiKeyFromEnv('deepseek') }).chat(request(), { model: 'deepseek-chat' });
    expect(bearer(lb.requests[0]!)).toBe(ENV.OPENAI_API_KEY);
    expect(anthropicKey(lb.requests[1]!)).toBe(ENV.ANTHROPIC_API_KEY);
    expect(lb.requests[2]!.headers['x-goog-api-key']).toBe(ENV.GEMINI_API_KEY);
    expect(bearer(lb.requests[3]!)).toBe(ENV.DEEPSEEK_API_KEY);
  });

  it('an env-backed key rotates when the variable changes', async () => {
    const p = openai({ baseURL: `${lb.url}/v1`, apiKey: apiKeyFromEnv('openai') });
    await p.chat(request(), { model: 'gpt-4o' });
    expect(await p.rotateCredentials()).toBe('unchanged');
    process.env.OPENAI_API_KEY = 'sk-envOPENAI-rotated-value-111';
    expect(await p.rotateCredentials()).toBe('rotated');
    await p.chat(request(), { model: 'gpt-4o' });
    expect(lb.requests.map(bearer)).toEqual([ENV.OPENAI_API_KEY, 'sk-envOPENAI-rotated-value-111']);
  });
});

describe('ready clients and special cases', () => {
  it('a ready client cannot rotate and is not printed', async () => {
    const { default: OpenAI } = await import('openai');
    const client = new OpenAI({ apiKey: 'sk-readyclient-SECRET-0001', baseURL: `${lb.url}/v1` });
    const p = openai({ client });
    expect(await p.rotateCredentials()).toBe('unsupported');
    expect(JSON.parse(JSON.stringify(p))).toMatchObject({ kind: 'openai', apiKey: 'client' });
    expectNotPrinted(p, 'sk-readyclient-SECRET-0001');

    const legacy = gemini({ client: new GoogleGenerativeAI('AIzaReadyClientSECRET00000000000000'), baseURL: lb.url });
    expect(await legacy.rotateCredentials()).toBe('unsupported');
    expectNotPrinted(legacy, 'AIzaReadyClientSECRET00000000000000');

    const { default: Anthropic } = await import('@anthropic-ai/sdk');
    const claude = anthropic({ client: new Anthropic({ apiKey: 'sk-ant-readyclient-SECRET-01', baseURL: lb.url }) });
    expect(await claude.rotateCredentials()).toBe('unsupported');
    expectNotPrinted(claude, 'sk-ant-readyclient-SECRET-01');
  });

  it('a 401 with the old key, then rotation: the retry carries the new key (as the router does it)', async () => {
    let current = 'ROTA-old-key-abcdef012345';
    lb.handle((req, res) => {
      if (anthropicKey(req) === 'ROTA-old-key-abcdef012345') {
        sendJson(res, 401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
      } else answer(req, res);
    });
    const p = anthropic({ baseURL: lb.url, apiKey: () => current });
    const error = await p.chat(request(), { model: 'claude-sonnet-4-5' }).catch((e: unknown) => e);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(JSON.stringify(error)).not.toContain('ROTA-old');
    current = 'ROTB-new-key-abcdef012345';
    expect(await p.rotateCredentials()).toBe('rotated');
    const res = await p.chat(request(), { model: 'claude-sonnet-4-5' });
    expect(res.content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(lb.requests.map(anthropicKey)).toEqual(['ROTA-old-key-abcdef012345', 'ROTB-new-key-abcdef012345']);
  });

  it('secrets in the base URL are masked when printed', () => {
    const p = ollama({ baseURL: 'https://user:pa55word-SECRET@ollama.example.com/?token=tok-SECRET-123456' });
    const text = `${JSON.stringify(p)} ${inspect(p)}`;
    expect(text).not.toContain('pa55word');
    expect(text).not.toContain('tok-SECRET');
    expect(text).toContain('ollama.example.com');
  });
});

describe('mockProvider rotation', () => {
  it('rejectKeys fail with an AuthenticationError; after rotation the next call uses the new key', async () => {
    let key = 'mock-old-key';
    const p = mockProvider({ apiKey: () => key, rejectKeys: ['mock-old-key'], reply: 'hello' });
    const error = await p.chat(request(), { model: 'm' }).catch((e: unknown) => e);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect((error as AuthenticationError).statusCode).toBe(401);
    expect(await p.rotateCredentials()).toBe('unchanged');
    key = 'mock-new-key';
    expect(await p.rotateCredentials()).toBe('rotated');
    const res = await p.chat(request(), { model: 'm' });
    expect(res.content).toEqual([{ type: 'text', text: 'hello' }]);
    expect(p.calls.map((c) => [c.apiKey, c.outcome])).toEqual([
      ['mock-old-key', 'error'],
      ['mock-new-key', 'ok'],
    ]);
  });

  it('streams check the key too; a literal key or none is unsupported', async () => {
    const p = mockProvider({ apiKey: 'mock-literal-key-123', rejectKeys: ['mock-literal-key-123'] });
    const parts = async () => {
      for await (const part of p.stream(request(), { model: 'm' })) void part;
    };
    await expect(parts()).rejects.toSatisfy((e: unknown) => AuthenticationError.isInstance(e));
    expect(await p.rotateCredentials()).toBe('unsupported');
    expect(await mockProvider().rotateCredentials()).toBe('unsupported');
    expect(mockProvider().calls).toEqual([]);
    expectNotPrinted(p, 'mock-literal-key-123');
  });
});
