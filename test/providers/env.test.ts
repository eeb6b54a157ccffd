import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { redact } from '../../src/core/redact.js';
import { apiKeyFromEnv, apiKeyFromEnvVar, ollamaBaseURLFromEnv } from '../../src/providers/shared/env.js';

const VARS = [
  'OPENAI_API_KEY',
  'ANTHROPIC_API_KEY',
  'GEMINI_API_KEY',
  'GOOGLE_API_KEY',
  'DEEPSEEK_API_KEY',
  'OLLAMA_HOST',
  'MY_VENDOR_KEY',
];
const saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));

function setEnv(values: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

afterEach(() => setEnv(saved));

describe('apiKeyFromEnv', () => {
  it.each([
    ['openai', 'OPENAI_API_KEY'],
    ['anthropic', 'ANTHROPIC_API_KEY'],
    ['gemini', 'GEMINI_API_KEY'],
    ['deepseek', 'DEEPSEEK_API_KEY'],
  ] as const)('%s reads %s when called, not when created', (kind, variable) => {
    setEnv({ [variable]: undefined });
    const resolver = apiKeyFromEnv(kind);
    setEnv({ [variable]: `env-${kind}-key-0001` });
    expect(resolver()).toBe(`env-${kind}-key-0001`);
    expect(redact(`x env-${kind}-key-0001`)).not.toContain('0001');
    setEnv({ [variable]: `env-${kind}-key-0002` });
    expect(resolver()).toBe(`env-${kind}-key-0002`);
  });

  it('gemini falls back to GOOGLE_API_KEY', () => {
    setEnv({ GEMINI_API_KEY: undefined, GOOGLE_API_KEY: 'google-env-key-abcdef' });
    expect(apiKeyFromEnv('gemini')()).toBe('google-env-key-abcdef');
    setEnv({ GEMINI_API_KEY: 'gemini-env-key-abcdef' });
    expect(apiKeyFromEnv('gemini')()).toBe('gemini-env-key-abcdef');
  });

  it('an unset (or blank) variable is a ConfigError naming it', () => {
    setEnv({ ANTHROPIC_API_KEY: '  ' });
    const error = (() => {
      try {
        apiKeyFromEnv('anthropic')();
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('ANTHROPIC_API_KEY');
    setEnv({ GEMINI_API_KEY: undefined, GOOGLE_API_KEY: undefined });
    expect(() => apiKeyFromEnv('gemini')()).toThrow(/GEMINI_API_KEY or GOOGLE_API_KEY/);
  });

  it('an unknown kind is a ConfigError', () => {
    expect(() => apiKeyFromEnv('nope' as 'openai')).toThrow(ConfigError);
  });

  it('apiKeyFromEnvVar reads any variable', () => {
    setEnv({ MY_VENDOR_KEY: 'my-vendor-key-123456' });
    expect(apiKeyFromEnvVar('MY_VENDOR_KEY')()).toBe('my-vendor-key-123456');
  });
});

describe('the public credentials module', () => {
  it('exports the helpers', async () => {
    const mod = await import('../../src/providers/shared/credentials.js');
    expect(Object.keys(mod).sort()).toEqual([
      'API_KEY_ENV',
      'apiKeyFromEnv',
      'apiKeyFromEnvVar',
      'createKeySource',
      'ollamaBaseURLFromEnv',
    ]);
  });
});

describe('ollamaBaseURLFromEnv', () => {
  it.each([
    [undefined, 'http://127.0.0.1:11434'],
    ['', 'http://127.0.0.1:11434'],
    ['0.0.0.0', 'http://0.0.0.0:11434'],
    ['gpu-box:8080', 'http://gpu-box:8080'],
    ['localhost:11434', 'http://localhost:11434'],
    ['http://gpu-box', 'http://gpu-box:80'],
    ['https://ollama.example.com', 'https://ollama.example.com:443'],
    ['https://ollama.example.com:8443/', 'https://ollama.example.com:8443'],
    ['http://10.0.0.5:11434/ollama', 'http://10.0.0.5:11434/ollama'],
    ['[::1]:11434', 'http://[::1]:11434'],
    ['::1', 'http://[::1]:11434'],
    ['"gpu-box:9000"', 'http://gpu-box:9000'],
  ])('OLLAMA_HOST=%j -> %s', (value, expected) => {
    setEnv({ OLLAMA_HOST: value });
    expect(ollamaBaseURLFromEnv()).toBe(expected);
  });
});
