import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, InvalidResponseError, ProviderUnavailableError } from '../../src/core/errors.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { sendJson, startLoopback, type Loopback } from '../helpers/loopback.js';

const tags = {
  models: [
    {
      name: 'llama3.1:8b',
      model: 'llama3.1:8b',
      modified_at: '2025-07-01T10:00:00.000Z',
      size: 4920753328,
      digest: '46e0c10c039e019119339687c3c1757cc81b9da49709a3b3924863ba87ca666e',
      details: {
        parent_model: '',
        format: 'gguf',
        family: 'llama',
        families: ['llama'],
        parameter_size: '8.0B',
        quantization_level: 'Q4_K_M',
      },
    },
    { name: 'nomic-embed-text:latest', model: 'nomic-embed-text:latest', size: 274302450 },
  ],
};

describe('ollama listModels and validateCredentials', () => {
  let loopback: Loopback;
  beforeAll(async () => {
    loopback = await startLoopback();
  });
  afterAll(() => loopback.close());

  it('listModels reads GET /api/tags', async () => {
    loopback.handle((_req, res) => sendJson(res, 200, tags));
    const models = await ollama({ baseURL: loopback.url, name: 'local' }).listModels();
    expect(models).toEqual([
      { id: 'llama3.1:8b', provider: 'local', displayName: 'llama3.1:8b (8.0B, Q4_K_M)' },
      { id: 'nomic-embed-text:latest', provider: 'local' },
    ]);
    expect(loopback.requests.at(-1)).toMatchObject({ method: 'GET', url: '/api/tags' });
  });

  it('listModels with an unreadable body -> InvalidResponseError', async () => {
    loopback.handle((_req, res) => sendJson(res, 200, { models: [{ size: 1 }] }));
    await expect(ollama({ baseURL: loopback.url }).listModels()).rejects.toSatisfy(InvalidResponseError.isInstance);
  });

  it('validateCredentials: ok with a latency, Bearer sent when a key is set', async () => {
    loopback.handle((_req, res) => sendJson(res, 200, { models: [] }));
    const check = await ollama({ baseURL: loopback.url, apiKey: 'cloud-key-abcdef123' }).validateCredentials();
    expect(check.ok).toBe(true);
    expect(check.error).toBeUndefined();
    expect(check.latencyMs).toBeGreaterThanOrEqual(0);
    expect(loopback.requests.at(-1)!.headers.authorization).toBe('Bearer cloud-key-abcdef123');
  });

  it('validateCredentials: 401 -> ok false with AuthenticationError, never throws', async () => {
    loopback.handle((_req, res) => sendJson(res, 401, { error: 'unauthorized' }));
    const check = await ollama({ baseURL: loopback.url, apiKey: 'wrong-key-abcdef123' }).validateCredentials();
    expect(check.ok).toBe(false);
    expect(AuthenticationError.isInstance(check.error)).toBe(true);
    expect(check.error!.message).not.toContain('wrong-key-abcdef123');
  });

  it('validateCredentials: no server -> ok false with ProviderUnavailableError', async () => {
    const closed = await startLoopback();
    const url = closed.url;
    await closed.close();
    const check = await ollama({ baseURL: url }).validateCredentials();
    expect(check.ok).toBe(false);
    expect(ProviderUnavailableError.isInstance(check.error)).toBe(true);
  });
});
