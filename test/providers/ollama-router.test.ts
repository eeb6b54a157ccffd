import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllAttemptsFailedError, createRouter, NotFoundError, type StreamEvent } from '../../src/index.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { sendJson, sendPieces, startLoopback, type Loopback } from '../helpers/loopback.js';

const line = (o: unknown) => `${JSON.stringify(o)}\n`;
const ndjson = [
  line({ model: 'qwen3:8b', message: { role: 'assistant', content: '', thinking: 'Greet ' }, done: false }),
  line({ model: 'qwen3:8b', message: { role: 'assistant', content: '', thinking: 'briefly.' }, done: false }),
  line({ model: 'qwen3:8b', message: { role: 'assistant', content: '你好' }, done: false }),
  line({ model: 'qwen3:8b', message: { role: 'assistant', content: '!' }, done: false }),
  line({
    model: 'qwen3:8b',
    message: { role: 'assistant', content: '' },
    done: true,
    done_reason: 'stop',
    prompt_eval_count: 12,
    eval_count: 9,
  }),
];

async function refusedURL(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

describe('ollama through the public router', () => {
  let loopback: Loopback;
  beforeAll(async () => {
    loopback = await startLoopback();
  });
  afterAll(() => loopback.close());

  const single = () =>
    createRouter({
      providers: { local: ollama({ baseURL: loopback.url, name: 'local' }) },
      models: { qwen: { provider: 'local', model: 'qwen3:8b', pricing: { input: 0, output: 0 } } },
    });

  it('router.chat(): text, reasoning, usage, zero cost and the route', async () => {
    loopback.handle((_req, res) =>
      sendJson(res, 200, {
        model: 'qwen3:8b',
        message: { role: 'assistant', content: 'Hello!', thinking: 'Greet.' },
        done: true,
        done_reason: 'stop',
        prompt_eval_count: 12,
        eval_count: 4,
      }),
    );
    const res = await single().chat({
      messages: [{ role: 'user', content: 'hi' }],
      params: { temperature: 0.1 },
      providerOptions: { ollama: { think: true } },
    });
    expect(res.text).toBe('Hello!');
    expect(res.reasoning).toBe('Greet.');
    expect(res.finishReason).toBe('stop');
    expect(res.usage).toMatchObject({ inputTokens: 12, outputTokens: 4, totalTokens: 16 });
    expect(res.cost).toMatchObject({ totalMicros: 0, totalUsd: 0, priced: true });
    expect(res.route).toMatchObject({ model: 'qwen', provider: 'local', providerModel: 'qwen3:8b', fallbackUsed: false });
    expect(loopback.requests.at(-1)!.body).toMatchObject({ model: 'qwen3:8b', stream: false, think: true, options: { temperature: 0.1 } });
  });

  it('router.stream(): start, reasoning deltas, text deltas (Chinese), finish with usage and response', async () => {
    loopback.handle((_req, res) => sendPieces(res, 200, 'application/x-ndjson', ndjson));
    const events: StreamEvent[] = [];
    for await (const ev of single().stream({ messages: [{ role: 'user', content: '打个招呼' }] })) events.push(ev);
    expect(events.map((e) => e.type)).toEqual(['start', 'reasoning-delta', 'reasoning-delta', 'text-delta', 'text-delta', 'finish']);
    const finish = events.at(-1) as Extract<StreamEvent, { type: 'finish' }>;
    expect(finish.response.text).toBe('你好!');
    expect(finish.response.reasoning).toBe('Greet briefly.');
    expect(finish.usage).toMatchObject({ inputTokens: 12, outputTokens: 9 });
    expect(finish).toMatchObject({ finishReason: 'stop', rawFinishReason: 'stop', cost: { totalMicros: 0 } });
    expect(finish.route.provider).toBe('local');
  });

  it('falls back from a refused connection to a working Ollama (chat)', async () => {
    loopback.handle((_req, res) =>
      sendJson(res, 200, {
        model: 'llama3.1',
        message: { role: 'assistant', content: 'from backup' },
        done: true,
        done_reason: 'stop',
        prompt_eval_count: 1,
        eval_count: 2,
      }),
    );
    const router = createRouter({
      providers: { down: ollama({ baseURL: await refusedURL(), name: 'down' }), up: ollama({ baseURL: loopback.url, name: 'up' }) },
      models: {
        primary: { provider: 'down', model: 'llama3.1', pricing: { input: 0, output: 0 } },
        backup: { provider: 'up', model: 'llama3.1', pricing: { input: 0, output: 0 } },
      },
      retry: { retries: 0 },
    });
    const res = await router.chat({ messages: [{ role: 'user', content: 'hi' }] });
    expect(res.text).toBe('from backup');
    expect(res.route.fallbackUsed).toBe(true);
    expect(res.route.attempts.map((a) => [a.model, a.ok, a.errorClass])).toEqual([
      ['primary', false, 'ProviderUnavailableError'],
      ['backup', true, undefined],
    ]);
  });

  it('falls back from a 500 to another Ollama model (stream), and reports every attempt when all fail', async () => {
    loopback.handle((req, res) => {
      const model = (req.body as { model: string }).model;
      if (model === 'broken') sendJson(res, 500, { error: 'llama runner process has terminated' });
      else sendPieces(res, 200, 'application/x-ndjson', ndjson);
    });
    const router = createRouter({
      providers: { local: ollama({ baseURL: loopback.url, name: 'local' }) },
      models: {
        a: { provider: 'local', model: 'broken', pricing: { input: 0, output: 0 } },
        b: { provider: 'local', model: 'qwen3:8b', pricing: { input: 0, output: 0 } },
      },
      retry: { retries: 0 },
    });
    const response = await router.stream({ messages: [{ role: 'user', content: 'hi' }] }).collect();
    expect(response.text).toBe('你好!');
    expect(response.route.fallbackUsed).toBe(true);
    expect(response.route.attempts[0]).toMatchObject({ model: 'a', ok: false, errorClass: 'ProviderUnavailableError' });

    loopback.handle((_req, res) => sendJson(res, 404, { error: 'model "qwen3:8b" not found, try pulling it first' }));
    const error = await router.chat({ messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(AllAttemptsFailedError.isInstance(error)).toBe(true);
    const all = error as AllAttemptsFailedError;
    expect(all.errors).toHaveLength(2);
    expect(all.errors.every((e) => NotFoundError.isInstance(e))).toBe(true);
    expect(all.errors.map((e) => e.model)).toEqual(['broken', 'qwen3:8b']);
  });
});
