import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { AuthenticationError, ConfigError, ProviderUnavailableError } from '../../src/core/errors.js';
import { isLLMProvider } from '../../src/core/provider.js';
import { deepseek } from '../../src/providers/deepseek/index.js';
import { openaiCompatible } from '../../src/providers/openai-compatible/index.js';
import { openai } from '../../src/providers/openai/index.js';
import { apiKeyFromEnv } from '../../src/providers/shared/env.js';
import { sendJson } from '../helpers/loopback.js';
import { API_KEY, caught, collect, textRequest, useLoopback } from './openai/helpers.js';

describe('openai adapters: models, credentials, tokens, secrets', () => {
  const lb = useLoopback();

  it('every factory returns an LLMProvider with its kind', () => {
    const providers = [
      openai({ apiKey: API_KEY }),
      openaiCompatible({ name: 'vllm', baseURL: 'http://127.0.0.1:1/v1' }),
      deepseek({ apiKey: API_KEY }),
    ];
    expect(providers.map((p) => p.kind)).toEqual(['openai', 'openai-compatible', 'deepseek']);
    expect(providers.every(isLLMProvider)).toBe(true);
  });

  it('listModels reads GET /models', async () => {
    lb.current.handle((_req, res) =>
      sendJson(res, 200, {
        object: 'list',
        data: [
          { id: 'deepseek-chat', object: 'model', owned_by: 'deepseek' },
          { id: 'deepseek-reasoner', object: 'model', owned_by: 'deepseek' },
        ],
      }),
    );
    const models = await deepseek({ apiKey: API_KEY, baseURL: lb.current.url }).listModels();
    expect(lb.current.requests[0]).toMatchObject({ method: 'GET', url: '/models' });
    expect(lb.current.requests[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(models.map((m) => m.id)).toEqual(['deepseek-chat', 'deepseek-reasoner']);
    expect(models[1]).toMatchObject({ provider: 'deepseek', contextWindow: 128_000, capabilities: { reasoning: true } });
  });

  it('validateCredentials: ok with latency after one GET /models', async () => {
    lb.current.handle((_req, res) => sendJson(res, 200, { object: 'list', data: [{ id: 'gpt-4o', object: 'model' }] }));
    const check = await openai({ apiKey: API_KEY, baseURL: `${lb.current.url}/v1` }).validateCredentials();
    expect(check.ok).toBe(true);
    expect(check.latencyMs).toBeGreaterThanOrEqual(0);
    expect(check.error).toBeUndefined();
    expect(lb.current.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /v1/models']);
  });

  it('validateCredentials never throws: a 401 is reported as AuthenticationError', async () => {
    lb.current.handle((_req, res) =>
      sendJson(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }),
    );
    const check = await openai({ apiKey: API_KEY, baseURL: `${lb.current.url}/v1` }).validateCredentials();
    expect(check.ok).toBe(false);
    expect(AuthenticationError.isInstance(check.error)).toBe(true);
  });

  it('validateCredentials never throws: an unreachable endpoint is ProviderUnavailableError', async () => {
    const check = await openaiCompatible({ name: 'lmstudio', baseURL: 'http://127.0.0.1:9/v1' }).validateCredentials();
    expect(check.ok).toBe(false);
    expect(ProviderUnavailableError.isInstance(check.error)).toBe(true);
  });

  it('countTokens estimates offline, CJK about one token a character', async () => {
    lb.current.handle((_req, res) => sendJson(res, 500, {}));
    const p = openai({ apiKey: API_KEY, baseURL: `${lb.current.url}/v1` });
    const english = 'The quick brown fox jumps over the lazy dog near the river bank.'; // 64 chars
    const chinese = '请用简体中文总结这篇文章的主要观点和结论。'; // 21 CJK chars
    const en = await p.countTokens(textRequest(english), { model: 'gpt-4o' });
    const zh = await p.countTokens(textRequest(chinese), { model: 'gpt-4o' });
    expect(en).toBe(3 + 4 + Math.ceil(english.length / 4));
    expect(zh).toBe(3 + 4 + 21);
    expect(zh).toBeGreaterThan(chinese.length);
    expect(lb.current.requests).toHaveLength(0);
    expect(await deepseek({ apiKey: API_KEY }).countTokens(textRequest(chinese, { system: 'Be brief.' }), { model: 'deepseek-chat' })).toBe(
      zh + 4 + 3,
    );
  });

  it('no API key in a thrown error: message, stack, JSON.stringify, util.inspect', async () => {
    lb.current.handle((req, res) =>
      sendJson(res, 401, {
        error: {
          message: `Incorrect API key provided: ${API_KEY}. Header was ${String(req.headers.authorization)}`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      }),
    );
    const p = openai({ apiKey: API_KEY, baseURL: `${lb.current.url}/v1` });
    const errors = [
      await caught(() => p.chat(textRequest(), { model: 'gpt-4o' })),
      await caught(() => collect(p.stream(textRequest(), { model: 'gpt-4o' }))),
    ];
    for (const error of errors) {
      expect(AuthenticationError.isInstance(error)).toBe(true);
      const e = error as AuthenticationError;
      expect(e.message).toContain('Incorrect API key provided');
      for (const text of [
        e.message,
        e.stack ?? '',
        JSON.stringify(e),
        inspect(e),
        inspect(e, { depth: 10, showHidden: true }),
        String(e),
      ]) {
        expect(text).not.toContain('SECRETKEY');
        expect(text).not.toContain(API_KEY);
      }
    }
  });

  it('a key from a resolver is redacted too', async () => {
    const key = 'sk-resolved-HIDDEN-abcdef0123456789';
    lb.current.handle((_req, res) =>
      sendJson(res, 401, { error: { message: `bad key ${key}`, type: 'invalid_request_error', code: 'invalid_api_key' } }),
    );
    const error = await caught(() =>
      openai({ apiKey: () => key, baseURL: `${lb.current.url}/v1` }).chat(textRequest(), { model: 'gpt-4o' }),
    );
    expect(inspect(error)).not.toContain('HIDDEN');
    expect(JSON.stringify(error)).not.toContain('HIDDEN');
  });

  it('openai without any key reports an AuthenticationError at call time, not at construction', async () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const p = openai({ baseURL: `${lb.current.url}/v1` });
      const error = await caught(() => p.chat(textRequest(), { model: 'gpt-4o' }));
      expect(AuthenticationError.isInstance(error)).toBe(true);
      expect(lb.current.requests).toHaveLength(0);
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });

  it('deepseek never reads the environment on its own, and never sends an OpenAI key', async () => {
    lb.current.handle((_req, res) => sendJson(res, 200, { data: [] }));
    vi.stubEnv('OPENAI_API_KEY', 'sk-openai-env-key-should-not-leak');
    vi.stubEnv('DEEPSEEK_API_KEY', 'sk-deepseek-env-key-1234');
    try {
      const error = await caught(() => deepseek({ baseURL: lb.current.url }).listModels());
      expect(AuthenticationError.isInstance(error)).toBe(true);
      expect(lb.current.requests).toHaveLength(0);
      // Asked for explicitly: the DeepSeek variable, and only it.
      await deepseek({ baseURL: lb.current.url, apiKey: apiKeyFromEnv('deepseek') }).listModels();
      expect(lb.current.requests[0]!.headers.authorization).toBe('Bearer sk-deepseek-env-key-1234');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('the SDK is an optional peer: no provider source imports "openai" at load time', () => {
    const dirs = ['src/providers/openai', 'src/providers/openai-compatible', 'src/providers/deepseek'];
    for (const dir of dirs) {
      for (const file of readdirSync(dir)) {
        const source = readFileSync(join(dir, file), 'utf8');
        const valueImports = source.split('\n').filter((l) => /^import\s+(?!type\b).*from\s+'openai(\/.*)?'/.test(l));
        expect(valueImports, `${dir}/${file}`).toEqual([]);
      }
    }
  });
});

describe('when the openai package is missing', () => {
  it('the factory still works and the first call throws a ConfigError saying what to install', async () => {
    vi.resetModules();
    vi.doMock('openai', () => {
      throw new Error("Cannot find package 'openai'");
    });
    try {
      const { openai: fresh } = await import('../../src/providers/openai/index.js');
      const p = fresh({ apiKey: API_KEY, baseURL: 'http://127.0.0.1:9/v1' });
      const error = await caught(() => p.chat(textRequest(), { model: 'gpt-4o' }));
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('npm install openai');
    } finally {
      vi.doUnmock('openai');
      vi.resetModules();
    }
  });
});
