import { GoogleGenerativeAI } from '@google/generative-ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, ProviderUnavailableError, type StreamEvent } from '../../src/index.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { type Loopback, sendJson, startLoopback } from '../helpers/loopback.js';
import { KEY, sse } from './gemini/setup.js';

const chunk = (o: unknown) => `data: ${JSON.stringify(o)}\r\n\r\n`;
const streamBody = [
  chunk({
    candidates: [{ content: { role: 'model', parts: [{ text: 'Considering the greeting.', thought: true }] } }],
    responseId: 'r-1',
    modelVersion: 'gemini-2.5-flash',
  }),
  chunk({
    candidates: [{ content: { role: 'model', parts: [{ text: 'Hello' }] } }],
    usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 1, totalTokenCount: 6 },
  }),
  chunk({
    candidates: [{ content: { role: 'model', parts: [{ text: ' there!' }] }, finishReason: 'STOP' }],
    usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 3, thoughtsTokenCount: 7, totalTokenCount: 15 },
  }),
];

describe('gemini through the public router', () => {
  let lb: Loopback;
  beforeAll(async () => {
    lb = await startLoopback();
  });
  afterAll(() => lb.close());

  const router = () =>
    createRouter({
      providers: { gem: gemini({ apiKey: KEY, baseURL: lb.url }) },
      models: { flash: { provider: 'gem', model: 'gemini-2.5-flash', pricing: { input: 0.3, output: 2.5 } } },
    });

  it('router.chat(): text, tool calls, usage with thoughts, cost and route', async () => {
    lb.handle((_req, res) =>
      sendJson(res, 200, {
        responseId: 'r-9',
        modelVersion: 'gemini-2.5-flash',
        candidates: [
          {
            content: {
              role: 'model',
              parts: [{ text: 'Checking.' }, { functionCall: { name: 'weather', args: { city: 'Oslo' } }, thoughtSignature: 'SIG' }],
            },
            finishReason: 'STOP',
          },
        ],
        usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 20, thoughtsTokenCount: 30, totalTokenCount: 150 },
      }),
    );
    const res = await router().chat({
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [{ name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
    });
    expect(res.text).toBe('Checking.');
    expect(res.toolCalls).toEqual([
      {
        type: 'tool-call',
        toolCallId: 'weather_0_r-9',
        toolName: 'weather',
        args: { city: 'Oslo' },
        providerMetadata: { gemini: { thoughtSignature: 'SIG' } },
      },
    ]);
    expect(res.finishReason).toBe('tool-calls');
    expect(res.rawFinishReason).toBe('STOP');
    expect(res.providerResponseId).toBe('r-9');
    expect(res.usage).toMatchObject({ inputTokens: 100, outputTokens: 50, totalTokens: 150, reasoningTokens: 30 });
    // 100 * 0.3 + 50 * 2.5 = 155 micro-dollars.
    expect(res.cost).toMatchObject({ inputMicros: 30, outputMicros: 125, totalMicros: 155, priced: true });
    expect(res.route).toMatchObject({ model: 'flash', provider: 'gem', providerModel: 'gemini-2.5-flash', fallbackUsed: false });
  });

  it('router.stream(): start, reasoning, text deltas, finish with the assembled response', async () => {
    lb.handle((_req, res) => sse(res, streamBody));
    const events: StreamEvent[] = [];
    for await (const ev of router().stream({ messages: [{ role: 'user', content: 'hi' }] })) events.push(ev);
    expect(events.map((e) => e.type)).toEqual(['start', 'reasoning-delta', 'text-delta', 'text-delta', 'finish']);
    const finish = events.at(-1) as Extract<StreamEvent, { type: 'finish' }>;
    expect(finish.response.text).toBe('Hello there!');
    expect(finish.response.reasoning).toBe('Considering the greeting.');
    expect(finish.response.providerResponseId).toBe('r-1');
    expect(finish).toMatchObject({
      finishReason: 'stop',
      rawFinishReason: 'STOP',
      usage: { inputTokens: 5, outputTokens: 10, totalTokens: 15, reasoningTokens: 7 },
    });
    expect(lb.requests.at(-1)!.url).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  });

  it('falls back to the next model after a 503, recording the typed first attempt (chat and stream)', async () => {
    lb.handle((req, res) => {
      if (req.url.includes('gemini-2.5-pro'))
        return sendJson(res, 503, { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } });
      if (req.url.includes(':streamGenerateContent')) return sse(res, streamBody);
      sendJson(res, 200, { candidates: [{ content: { role: 'model', parts: [{ text: 'from backup' }] }, finishReason: 'STOP' }] });
    });
    const r = createRouter({
      providers: {
        primary: gemini({ apiKey: KEY, baseURL: lb.url }),
        // The backup uses the end-of-life SDK: both work behind the same adapter.
        backup: gemini({ client: new GoogleGenerativeAI(KEY), baseURL: lb.url }),
      },
      models: {
        pro: { provider: 'primary', model: 'gemini-2.5-pro' },
        flash: { provider: 'backup', model: 'gemini-2.5-flash' },
      },
      strategy: 'fallback',
      routes: [{ when: {}, use: ['pro', 'flash'] }],
      retry: { retries: 0 },
    });
    const res = await r.chat({ messages: [{ role: 'user', content: 'hi' }] });
    expect(res.text).toBe('from backup');
    expect(res.route.fallbackUsed).toBe(true);
    expect(res.route.model).toBe('flash');
    const failed = res.route.attempts.find((a) => !a.ok)!;
    expect(failed.model).toBe('pro');
    expect(ProviderUnavailableError.isInstance(failed.error)).toBe(true);
    expect(failed.error!.statusCode).toBe(503);

    const events: StreamEvent[] = [];
    for await (const ev of r.stream({ messages: [{ role: 'user', content: 'hi' }] })) events.push(ev);
    const finish = events.at(-1) as Extract<StreamEvent, { type: 'finish' }>;
    expect(finish.response.text).toBe('Hello there!');
    expect(finish.route.fallbackUsed).toBe(true);
    expect(events[0]).toMatchObject({ type: 'start', model: 'flash' });
  });
});
