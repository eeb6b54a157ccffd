import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRouter } from '../../src/index.js';
import { mockProvider } from '../../src/providers/mock/index.js';
import { openai } from '../../src/providers/openai/index.js';
import { sendJson, startLoopback, type Loopback } from '../helpers/loopback.js';

const OLD = 'sk-routerOLD-key-0123456789abcdef';
const NEW = 'sk-routerNEW-key-0123456789abcdef';

let lb: Loopback;
beforeAll(async () => {
  lb = await startLoopback();
});
afterAll(async () => {
  await lb.close();
});
beforeEach(() => {
  lb.requests.length = 0;
  lb.handle((req, res) => {
    if (req.headers.authorization === `Bearer ${OLD}`) {
      sendJson(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
      return;
    }
    sendJson(res, 200, {
      id: 'c1',
      object: 'chat.completion',
      model: 'gpt-4o',
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    });
  });
});

describe('router retry after a 401, through the real adapter', () => {
  it('the key rotated at the vendor is picked up without restart; the old key is sent once only', async () => {
    let current = OLD;
    const gpt = openai({ baseURL: `${lb.url}/v1`, apiKey: () => current });
    const router = createRouter({
      providers: { gpt, backup: mockProvider({ reply: 'backup' }) },
      models: { main: { provider: 'gpt', model: 'gpt-4o' }, spare: { provider: 'backup', model: 'y' } },
    });
    await gpt.client(); // the client is created with OLD
    current = NEW; // then the key is rotated at the vendor: OLD is revoked
    const res = await router.chat({ messages: [{ role: 'user', content: 'hi' }], model: 'main' });
    expect(res.text).toBe('ok');
    expect(lb.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${OLD}`, `Bearer ${NEW}`]);
    await router.chat({ messages: [{ role: 'user', content: 'hi' }], model: 'main' });
    expect(lb.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${OLD}`, `Bearer ${NEW}`, `Bearer ${NEW}`]);
  });

  it('a resolver still returning the revoked key: no retry with it, the request falls back', async () => {
    const router = createRouter({
      providers: { gpt: openai({ baseURL: `${lb.url}/v1`, apiKey: () => OLD }), backup: mockProvider({ reply: 'backup' }) },
      models: { main: { provider: 'gpt', model: 'gpt-4o' }, spare: { provider: 'backup', model: 'y' } },
    });
    const res = await router.chat({ messages: [{ role: 'user', content: 'hi' }] });
    expect(res.text).toBe('backup');
    expect(lb.requests).toHaveLength(1);
  });

  it('mockProvider rejectKeys drives the same flow', async () => {
    let resolutions = 0;
    // The first resolution returns the revoked key, later ones the fresh key (a secret store after rotation).
    const p = mockProvider({
      apiKey: () => (resolutions++ === 0 ? 'mock-revoked-key' : 'mock-fresh-key'),
      rejectKeys: ['mock-revoked-key'],
      reply: 'fresh',
    });
    const router = createRouter({ providers: { p }, models: { main: { provider: 'p', model: 'x' } } });
    expect((await router.chat({ messages: [{ role: 'user', content: 'hi' }] })).text).toBe('fresh');
    expect(p.calls.map((c) => c.apiKey)).toEqual(['mock-revoked-key', 'mock-fresh-key']);
  });
});
