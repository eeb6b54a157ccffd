import { describe, expect, it } from 'vitest';
import { ConfigError, InvalidResponseError } from '../../src/core/errors.js';
import { openaiCompatible } from '../../src/providers/openai-compatible/index.js';
import { openai } from '../../src/providers/openai/index.js';
import { sendJson } from '../helpers/loopback.js';
import { API_KEY, caught, collect, sendSse, summarize, textRequest, useLoopback } from './openai/helpers.js';

const body = (message: Record<string, unknown>, finish: string, extraChoices: unknown[] = []) => ({
  id: 'chatcmpl-r',
  model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }, ...extraChoices],
  usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
});

const sse = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

describe('response conversion edge cases', () => {
  const lb = useLoopback();
  const provider = () => openai({ apiKey: API_KEY, baseURL: `${lb.current.url}/v1` });

  it('a non-stream refusal: kept in providerMetadata, warned about, finish content-filter (raw stop)', async () => {
    lb.current.handle((_req, res) => sendJson(res, 200, body({ content: null, refusal: "I'm sorry, I can't help with that." }, 'stop')));
    const res = await provider().chat(textRequest(), { model: 'gpt-4o' });
    expect(res.content).toEqual([]);
    expect(res.finishReason).toBe('content-filter');
    expect(res.rawFinishReason).toBe('stop');
    expect(res.providerMetadata).toEqual({ openai: { refusal: "I'm sorry, I can't help with that." } });
    expect(res.warnings).toEqual([{ type: 'other', path: 'refusal', message: "The model refused: I'm sorry, I can't help with that." }]);
  });

  it('finish_reason content_filter maps to content-filter', async () => {
    lb.current.handle((_req, res) => sendJson(res, 200, body({ content: '' }, 'content_filter')));
    const res = await provider().chat(textRequest(), { model: 'gpt-4o' });
    expect([res.finishReason, res.rawFinishReason]).toEqual(['content-filter', 'content_filter']);
  });

  it('several choices in a non-stream body: choice 0 is returned and a warning says so', async () => {
    lb.current.handle((_req, res) =>
      sendJson(
        res,
        200,
        body({ content: 'first' }, 'stop', [{ index: 1, message: { role: 'assistant', content: 'second' }, finish_reason: 'stop' }]),
      ),
    );
    const res = await provider().chat(textRequest(), { model: 'gpt-4o' });
    expect(res.content).toEqual([{ type: 'text', text: 'first' }]);
    expect(res.warnings).toEqual([{ type: 'other', message: 'The response has 2 choices; only choice 0 is returned' }]);
  });

  it('no usage in the body: an estimate marked estimated', async () => {
    lb.current.handle((_req, res) =>
      sendJson(res, 200, { id: 'x', choices: [{ index: 0, message: { content: 'Hello there' }, finish_reason: 'stop' }] }),
    );
    const res = await provider().chat(textRequest('Hi'), { model: 'gpt-4o' });
    expect(res.usage).toMatchObject({ estimated: true, outputTokens: 3 });
    expect(res.usage.inputTokens).toBeGreaterThan(0);
  });

  it('parallel tool calls in a non-stream body (content null): every call with parsed args, in order', async () => {
    const calls = [
      { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
      { id: 'call_b', type: 'function', function: { name: 'stock', arguments: '{"ticker":"AAPL","exchange":"NASDAQ"}' } },
    ];
    lb.current.handle((_req, res) => sendJson(res, 200, body({ content: null, tool_calls: calls, refusal: null }, 'tool_calls')));
    const res = await provider().chat(textRequest(), { model: 'gpt-4o' });
    expect(res.content).toEqual([
      { type: 'tool-call', toolCallId: 'call_a', toolName: 'weather', args: { city: 'Oslo' } },
      { type: 'tool-call', toolCallId: 'call_b', toolName: 'stock', args: { ticker: 'AAPL', exchange: 'NASDAQ' } },
    ]);
    expect(res.finishReason).toBe('tool-calls');
    expect(res.providerMetadata).toBeUndefined();
  });

  it('malformed tool arguments are an InvalidResponseError naming the tool', async () => {
    lb.current.handle((_req, res) =>
      sendJson(
        res,
        200,
        body(
          { content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"q": ' } }] },
          'tool_calls',
        ),
      ),
    );
    const error = await caught(() => provider().chat(textRequest(), { model: 'gpt-4o' }));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('"lookup"');
  });

  it('tool arguments cut by the token limit are kept as the raw string', async () => {
    lb.current.handle((_req, res) =>
      sendSse(res, [
        sse({ tool_calls: [{ index: 0, id: 'c1', function: { name: 'lookup', arguments: '{"q": "par' } }] }),
        sse({}, 'length'),
        'data: [DONE]\n\n',
      ]),
    );
    const s = summarize(await collect(provider().stream(textRequest(), { model: 'gpt-4o' })));
    expect(s.toolCalls).toEqual([{ toolCallId: 'c1', toolName: 'lookup', args: '{"q": "par' }]);
    expect(s.finish).toMatchObject({ finishReason: 'length' });
  });

  it('a tool call with empty arguments parses to {}', async () => {
    lb.current.handle((_req, res) =>
      sendSse(res, [
        sse({ tool_calls: [{ index: 0, id: 'c1', function: { name: 'now', arguments: '' } }] }),
        sse({}, 'tool_calls'),
        'data: [DONE]\n\n',
      ]),
    );
    const s = summarize(await collect(provider().stream(textRequest(), { model: 'gpt-4o' })));
    expect(s.toolCalls).toEqual([{ toolCallId: 'c1', toolName: 'now', args: {} }]);
    expect(s.toolCallDeltas).toEqual({});
  });

  it('OpenRouter-style `reasoning` deltas become reasoning-delta parts', async () => {
    lb.current.handle((_req, res) =>
      sendSse(res, [sse({ reasoning: 'Thinking…' }), sse({ content: 'Done.' }, 'stop'), 'data: [DONE]\n\n']),
    );
    const s = summarize(
      await collect(openaiCompatible({ name: 'openrouter', baseURL: `${lb.current.url}/api/v1` }).stream(textRequest(), { model: 'x' })),
    );
    expect([s.reasoning, s.text]).toEqual(['Thinking…', 'Done.']);
  });

  it('openaiCompatible without baseURL or client fails at construction with a ConfigError', () => {
    let error: unknown;
    try {
      openaiCompatible({ name: 'vllm' });
    } catch (e) {
      error = e;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(['baseURL']);
  });
});
