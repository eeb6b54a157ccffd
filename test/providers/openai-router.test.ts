import { describe, expect, it } from 'vitest';
import { createRouter, type StreamEvent } from '../../src/index.js';
import { deepseek } from '../../src/providers/deepseek/index.js';
import { openai } from '../../src/providers/openai/index.js';
import { sendJson } from '../helpers/loopback.js';
import { API_KEY, sendSse, useLoopback } from './openai/helpers.js';

const completion = (text: string, model: string) => ({
  id: `chatcmpl-${model}`,
  model,
  choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15, prompt_tokens_details: { cached_tokens: 4 } },
});

const sse = (obj: unknown) => `data: ${JSON.stringify(obj)}\n\n`;

describe('openai adapters through the public router', () => {
  const lb = useLoopback();

  function router() {
    return createRouter({
      providers: {
        gpt: openai({ name: 'gpt', apiKey: API_KEY, baseURL: `${lb.current.url}/v1` }),
        ds: deepseek({ apiKey: 'sk-deepseek-test-key-0000', baseURL: `${lb.current.url}/ds` }),
      },
      models: {
        'gpt-mini': { provider: 'gpt', model: 'gpt-4o-mini', pricing: { input: 0.15, output: 0.6 } },
        'ds-chat': { provider: 'ds', model: 'deepseek-chat' },
      },
      retry: { retries: 0 },
    });
  }

  it('chat end to end: text, usage, cost and route', async () => {
    lb.current.handle((_req, res) => sendJson(res, 200, completion('Hello from GPT', 'gpt-4o-mini-2024-07-18')));
    const res = await router().chat({ messages: [{ role: 'user', content: 'Hi' }], model: 'gpt-mini' });
    expect(res.text).toBe('Hello from GPT');
    expect(res.finishReason).toBe('stop');
    expect(res.usage).toMatchObject({ inputTokens: 12, outputTokens: 3, totalTokens: 15, cachedInputTokens: 4 });
    expect(res.providerResponseId).toBe('chatcmpl-gpt-4o-mini-2024-07-18');
    expect(res.route).toMatchObject({ model: 'gpt-mini', provider: 'gpt', providerModel: 'gpt-4o-mini', fallbackUsed: false });
    expect(res.cost.priced).toBe(true);
    expect(lb.current.requests.map((r) => r.url)).toEqual(['/v1/chat/completions']);
  });

  it('stream end to end: start, text deltas, tool call, finish with usage', async () => {
    lb.current.handle((_req, res) =>
      sendSse(res, [
        sse({
          id: 'c1',
          model: 'gpt-4o-mini',
          choices: [{ index: 0, delta: { role: 'assistant', content: 'Let me ' }, finish_reason: null }],
          usage: null,
        }),
        sse({ id: 'c1', choices: [{ index: 0, delta: { content: 'check.' }, finish_reason: null }] }),
        sse({
          id: 'c1',
          choices: [
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, id: 'call_9', type: 'function', function: { name: 'weather', arguments: '' } }] },
              finish_reason: null,
            },
          ],
        }),
        sse({
          id: 'c1',
          choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }, finish_reason: null }],
        }),
        sse({
          id: 'c1',
          choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] }, finish_reason: null }],
        }),
        sse({ id: 'c1', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }], usage: null }),
        sse({
          id: 'c1',
          choices: [],
          usage: { prompt_tokens: 20, completion_tokens: 9, total_tokens: 29, completion_tokens_details: { reasoning_tokens: 0 } },
        }),
        'data: [DONE]\n\n',
      ]),
    );
    const events: StreamEvent[] = [];
    for await (const ev of router().stream({ messages: [{ role: 'user', content: 'Weather in Oslo?' }], model: 'gpt-mini' }))
      events.push(ev);
    expect(events.map((e) => e.type)).toEqual([
      'start',
      'text-delta',
      'text-delta',
      'tool-call-delta',
      'tool-call-delta',
      'tool-call',
      'finish',
    ]);
    expect(events[0]).toMatchObject({ type: 'start', model: 'gpt-mini', provider: 'gpt', warnings: [] });
    const finish = events[events.length - 1] as Extract<StreamEvent, { type: 'finish' }>;
    expect(finish.finishReason).toBe('tool-calls');
    expect(finish.rawFinishReason).toBe('tool_calls');
    expect(finish.usage).toMatchObject({ inputTokens: 20, outputTokens: 9, totalTokens: 29, reasoningTokens: 0 });
    expect(finish.response.text).toBe('Let me check.');
    expect(finish.response.toolCalls).toEqual([{ type: 'tool-call', toolCallId: 'call_9', toolName: 'weather', args: { city: 'Oslo' } }]);
    expect((lb.current.requests[0]!.body as { stream_options: unknown }).stream_options).toEqual({ include_usage: true });
  });

  it('falls back from an openai target answering 503 to a deepseek target', async () => {
    lb.current.handle((req, res) => {
      if (req.url.startsWith('/v1/'))
        sendJson(res, 503, { error: { message: 'The engine is currently overloaded', type: 'server_error', code: null } });
      else sendJson(res, 200, completion('Hello from DeepSeek', 'deepseek-chat'));
    });
    const fallbacks: unknown[] = [];
    const r = router();
    r.on('fallback', (e) => fallbacks.push(e));
    const res = await r.chat({ messages: [{ role: 'user', content: 'Hi' }] });
    expect(res.text).toBe('Hello from DeepSeek');
    expect(res.route.model).toBe('ds-chat');
    expect(res.route.fallbackUsed).toBe(true);
    expect(res.route.attempts.map((a) => [a.model, a.ok, a.errorClass])).toEqual([
      ['gpt-mini', false, 'ProviderUnavailableError'],
      ['ds-chat', true, undefined],
    ]);
    expect(res.route.attempts[0]!.error).toMatchObject({ statusCode: 503, provider: 'gpt', model: 'gpt-4o-mini' });
    expect(fallbacks).toHaveLength(1);
    expect(lb.current.requests.map((r) => r.url)).toEqual(['/v1/chat/completions', '/ds/chat/completions']);
  });

  it('a streamed request also falls back when the openai stream fails to open', async () => {
    lb.current.handle((req, res) => {
      if (req.url.startsWith('/v1/')) sendJson(res, 503, { error: { message: 'overloaded', type: 'server_error' } });
      else
        sendSse(res, [
          sse({ id: 'd1', model: 'deepseek-chat', choices: [{ index: 0, delta: { content: 'Hej' }, finish_reason: null }] }),
          ': keep-alive\n\n',
          sse({
            id: 'd1',
            choices: [{ index: 0, delta: { content: '!' }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7, prompt_cache_hit_tokens: 3 },
          }),
          'data: [DONE]\n\n',
        ]);
    });
    const res = await router()
      .stream({ messages: [{ role: 'user', content: 'Hi' }] })
      .collect();
    expect(res.text).toBe('Hej!');
    expect(res.route).toMatchObject({ model: 'ds-chat', fallbackUsed: true });
    expect(res.usage).toMatchObject({ inputTokens: 5, outputTokens: 2, cachedInputTokens: 3 });
  });
});
