import { expect, it, vi } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';

vi.mock('@google/genai', () => {
  throw new Error("Cannot find package '@google/genai'");
});

it('importing the adapter works without @google/genai; the first call fails with a ConfigError that says what to install', async () => {
  const { gemini } = await import('../../../src/providers/gemini/index.js');
  const p = gemini({ apiKey: 'AIzaTESTSECRETKEY1234567890abcdefghij', baseURL: 'http://127.0.0.1:9' });
  expect(p.kind).toBe('gemini');
  const err = await p
    .chat({ messages: [{ role: 'user', content: 'hi' }], params: {} }, { model: 'gemini-2.5-flash' })
    .catch((e: unknown) => e);
  expect(ConfigError.isInstance(err)).toBe(true);
  expect((err as ConfigError).message).toContain('npm install @google/genai');
  const check = await p.validateCredentials();
  expect(check.ok).toBe(false);
  expect(ConfigError.isInstance(check.error)).toBe(true);
});
