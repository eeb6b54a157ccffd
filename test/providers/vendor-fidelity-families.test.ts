/**
 * #19 items 1-3 on every adapter of the family the issue names (vendor-fidelity.test.ts shows each on
 * one adapter): OpenAI usage with cache writes, deltas before an in-stream error and numeric error
 * codes on openai, deepseek and openai-compatible, chat and stream; Anthropic compaction iterations
 * in a stream; empty tool-call ids and nameless tool calls on every adapter that returns tool calls.
 * Real SDKs against a loopback vendor, at the public API.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createRouter,
  InvalidRequestError,
  InvalidResponseError,
  SwitchyardError,
  type LLMProvider,
  type StreamEvent,
} from '../../src/index.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { deepseek } from '../../src/providers/deepseek/index.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { openai } from '../../src/providers/openai/index.js';
import { openaiCompatible } from '../../src/providers/openai-compatible/index.js';
import { type Loopback, sendJson, sendPieces, startLoopback } from '../helpers/loopback.js';

const KEY = 'sk-families-test-key-0123456789abcdef';
const SSE = 'text/event-stream; charset=utf-8';
const data = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
const event = (o: { type: string } & Record<string, unknown>) => `event: ${o.type}\ndata: ${JSON.stringify(o)}\n\n`;
const ask = { messages: [{ role: 'user' as const, content: 'Hi' }], model: 'm' };
const weatherTool = { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } };
const withTools = { ...ask, tools: [weatherTool] };

let lb: Loopback;
beforeAll(async () => {
  lb = await startLoopback();
});
afterAll(() => lb.close());
beforeEach(() => {
  lb.requests.length = 0;
});

const openaiFamily: Array<{ name: string; make: () => LLMProvider }> = [
  { name: 'openai', make: () => openai({ apiKey: KEY, baseURL: `${lb.url}/v1` }) },
  { name: 'deepseek', make: () => deepseek({ apiKey: KEY, baseURL: `${lb.url}/v1` }) },
  { name: 'openai-compatible', make: () => openaiCompatible({ name: 'gw', apiKey: KEY, baseURL: `${lb.url}/v1` }) },
];

function routerOf(make: () => LLMProvider, retries = 0) {
  return createRouter({
    providers: { p: make() },
    models: { m: { provider: 'p', model: 'model-x', pricing: { input: 1, output: 4, cachedInput: 0.1, cacheWrite: 2 } } },
    retry: { retries, minDelayMs: 1, maxDelayMs: 5 },
  });
}

async function drain(stream: AsyncIterable<StreamEvent>): Promise<{ events: StreamEvent[]; error: unknown }> {
  const events: StreamEvent[] = [];
  try {
    for await (const ev of stream) events.push(ev);
  } catch (error) {
    return { events, error };
  }
  return { events, error: undefined };
}

/** The error of the one failed attempt behind whatever the router threw. */
function attemptError(error: unknown): SwitchyardError {
  expect(SwitchyardError.isInstance(error), String(error)).toBe(true);
  const e = error as SwitchyardError & { lastError?: SwitchyardError };
  return e.lastError ?? e;
}

const textOf = (events: StreamEvent[]) => events.flatMap((e) => (e.type === 'text-delta' ? [e.delta] : [])).join('');
const toolCallIds = (events: StreamEvent[]) => events.flatMap((e) => (e.type === 'tool-call' ? [e.toolCall.toolCallId] : []));

function expectDistinct(ids: string[], n: number): void {
  expect(ids).toHaveLength(n);
  expect(ids.every((id) => typeof id === 'string' && id !== '')).toBe(true);
  expect(new Set(ids).size).toBe(n);
}

describe('1. OpenAI usage with cache writes, chat and stream, on every OpenAI-family adapter', () => {
  const usage = {
    prompt_tokens: 1000,
    completion_tokens: 100,
    total_tokens: 1100,
    prompt_tokens_details: { cached_tokens: 200, cache_write_tokens: 300 },
  };
  it.each(openaiFamily)('$name: cache_write_tokens is reported, priced as cache writes and recorded', async ({ make }) => {
    lb.handle((req, res) => {
      if ((req.body as { stream?: boolean }).stream)
        return sendPieces(res, 200, SSE, [
          data({ id: 'c1', choices: [{ index: 0, delta: { role: 'assistant', content: 'ok' } }] }),
          data({ id: 'c1', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
          data({ id: 'c1', choices: [], usage }),
          'data: [DONE]\n\n',
        ]);
      return sendJson(res, 200, {
        id: 'c1',
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
        usage,
      });
    });
    const r = routerOf(make);
    const expected = { inputTokens: 1000, cachedInputTokens: 200, cacheWriteTokens: 300, outputTokens: 100 };
    // 500 plain at $1/M, 200 cache reads at $0.1/M, 300 cache writes at $2/M; 100 out at $4/M.
    const cost = { inputMicros: 500 + 20 + 600, outputMicros: 400 };
    const res = await r.chat(ask);
    expect(res.usage).toMatchObject(expected);
    expect(res.cost).toMatchObject(cost);
    const { events, error } = await drain(r.stream(ask));
    expect(error).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ type: 'finish', usage: expected, cost });
    const records = await r.costs.records({});
    expect(records).toHaveLength(2);
    for (const rec of records) expect(rec).toMatchObject({ tokens: { input: 1000, cachedInput: 200, cacheWrite: 300, output: 100 } });
    await r.close();
  });
});

describe('1. Anthropic compaction iterations in a stream', () => {
  it('the finish usage, cost and record are the sums over the iterations of message_delta', async () => {
    const usage = {
      input_tokens: 2_000,
      output_tokens: 500,
      cache_read_input_tokens: 1_000,
      iterations: [
        { type: 'compaction', input_tokens: 178_000, output_tokens: 3_500, cache_read_input_tokens: 0 },
        { type: 'message', input_tokens: 2_000, output_tokens: 500, cache_read_input_tokens: 1_000 },
      ],
    };
    lb.handle((_req, res) =>
      sendPieces(res, 200, SSE, [
        event({ type: 'message_start', message: { id: 'msg_1', model: 'model-x', usage: { input_tokens: 2_000, output_tokens: 1 } } }),
        event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
        event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'ok' } }),
        event({ type: 'content_block_stop', index: 0 }),
        event({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage }),
        event({ type: 'message_stop' }),
      ]),
    );
    const r = routerOf(() => anthropic({ apiKey: KEY, baseURL: lb.url }));
    const { events, error } = await drain(r.stream(ask));
    expect(error).toBeUndefined();
    expect(events.at(-1)).toMatchObject({
      type: 'finish',
      usage: { inputTokens: 181_000, cachedInputTokens: 1_000, outputTokens: 4_000, totalTokens: 185_000 },
      cost: { inputMicros: 180_000 + 100, outputMicros: 16_000 },
    });
    expect((await r.costs.records({}))[0]).toMatchObject({ tokens: { input: 181_000, output: 4_000 } });
    await r.close();
  });
});

describe('2. OpenAI-family streams, on every OpenAI-family adapter', () => {
  it.each(openaiFamily)('$name: deltas in the same network read as an in-stream error reach the caller first', async ({ make }) => {
    lb.handle((_req, res) =>
      sendPieces(res, 200, SSE, [
        data({ id: 'c1', choices: [{ index: 0, delta: { content: 'Hello ' } }] }) +
          data({ id: 'c1', choices: [{ index: 0, delta: { content: 'world' } }] }) +
          data({ error: { message: 'the server had an error', type: 'server_error' } }),
      ]),
    );
    const r = routerOf(make);
    const { events, error } = await drain(r.stream(ask));
    expect(textOf(events)).toBe('Hello world');
    expect(events.some((e) => e.type === 'finish')).toBe(false);
    expect(SwitchyardError.isInstance(error)).toBe(true);
    await r.close();
  });

  it.each(openaiFamily)('$name: an in-stream error with code 400 (a number) is an InvalidRequestError, not retried', async ({ make }) => {
    lb.handle((_req, res) => sendPieces(res, 200, SSE, [data({ error: { code: 400, message: 'Invalid argument: tools[0]' } })]));
    const r = routerOf(make, 2);
    const { error } = await drain(r.stream(ask));
    const e = attemptError(error);
    expect(InvalidRequestError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({ statusCode: 400, retryable: false });
    expect(lb.requests).toHaveLength(1);
    await r.close();
  });
});

describe('3. tool calls: empty ids and nameless calls on every adapter', () => {
  const call = (city: string) => ({ id: '', type: 'function', function: { name: 'weather', arguments: JSON.stringify({ city }) } });

  it.each(openaiFamily)('$name: empty ids on parallel calls get distinct ids, chat and stream', async ({ make }) => {
    lb.handle((req, res) => {
      if ((req.body as { stream?: boolean }).stream)
        return sendPieces(res, 200, SSE, [
          data({ id: 'c2', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, ...call('Oslo') }] } }] }),
          data({ id: 'c2', choices: [{ index: 0, delta: { tool_calls: [{ index: 1, ...call('Rome') }] } }] }),
          data({ id: 'c2', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] }),
          'data: [DONE]\n\n',
        ]);
      return sendJson(res, 200, {
        id: 'c1',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: null, tool_calls: [call('Oslo'), call('Rome')] },
            finish_reason: 'tool_calls',
          },
        ],
      });
    });
    const r = routerOf(make);
    expectDistinct(
      (await r.chat(withTools)).toolCalls.map((c) => c.toolCallId),
      2,
    );
    const { events, error } = await drain(r.stream(withTools));
    expect(error).toBeUndefined();
    expectDistinct(toolCallIds(events), 2);
    await r.close();
  });

  it.each(openaiFamily)(
    '$name: a streamed tool call that never gets a name fails the stream with InvalidResponseError',
    async ({ make }) => {
      lb.handle((_req, res) =>
        sendPieces(res, 200, SSE, [
          data({
            id: 'c3',
            choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', function: { arguments: '{"city":' } }] } }],
          }),
          data({ id: 'c3', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] } }] }),
          data({ id: 'c3', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] }),
          'data: [DONE]\n\n',
        ]),
      );
      const r = routerOf(make);
      const { events, error } = await drain(r.stream(withTools));
      expect(InvalidResponseError.isInstance(attemptError(error))).toBe(true);
      expect(events.some((e) => e.type === 'finish' || e.type === 'tool-call')).toBe(false);
      await r.close();
    },
  );

  it('anthropic: empty tool_use ids get distinct ids, chat and stream; an empty name fails the stream', async () => {
    const use = (city: string) => ({ type: 'tool_use', id: '', name: 'weather', input: { city } });
    let nameless = false;
    lb.handle((req, res) => {
      if (!(req.body as { stream?: boolean }).stream)
        return sendJson(res, 200, {
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          model: 'model-x',
          content: [use('Oslo'), use('Rome')],
          stop_reason: 'tool_use',
          usage: { input_tokens: 3, output_tokens: 4 },
        });
      const block = (index: number, city: string) => [
        event({
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: '', name: nameless ? '' : 'weather', input: {} },
        }),
        event({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify({ city }) } }),
        event({ type: 'content_block_stop', index }),
      ];
      return sendPieces(res, 200, SSE, [
        event({ type: 'message_start', message: { id: 'msg_2', model: 'model-x', usage: { input_tokens: 3, output_tokens: 1 } } }),
        ...block(0, 'Oslo'),
        ...block(1, 'Rome'),
        event({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 4 } }),
        event({ type: 'message_stop' }),
      ]);
    });
    const r = routerOf(() => anthropic({ apiKey: KEY, baseURL: lb.url }));
    expectDistinct(
      (await r.chat(withTools)).toolCalls.map((c) => c.toolCallId),
      2,
    );
    const streamed = await drain(r.stream(withTools));
    expect(streamed.error).toBeUndefined();
    expectDistinct(toolCallIds(streamed.events), 2);
    nameless = true;
    const { events, error } = await drain(r.stream(withTools));
    expect(InvalidResponseError.isInstance(attemptError(error))).toBe(true);
    expect(events.some((e) => e.type === 'finish' || e.type === 'tool-call')).toBe(false);
    await r.close();
  });

  it('gemini: parallel calls without ids get distinct ids; a call with an empty name is an InvalidResponseError', async () => {
    let name = 'weather';
    lb.handle((_req, res) =>
      sendJson(res, 200, {
        candidates: [
          {
            content: {
              role: 'model',
              parts: [{ functionCall: { name, args: { city: 'Oslo' } } }, { functionCall: { name, args: { city: 'Rome' } } }],
            },
            finishReason: 'STOP',
          },
        ],
        usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 4, totalTokenCount: 7 },
      }),
    );
    const r = routerOf(() => gemini({ apiKey: KEY, baseURL: lb.url }));
    expectDistinct(
      (await r.chat(withTools)).toolCalls.map((c) => c.toolCallId),
      2,
    );
    name = '';
    const error = await r.chat(withTools).catch((e: unknown) => e);
    expect(InvalidResponseError.isInstance(attemptError(error))).toBe(true);
    await r.close();
  });

  it('ollama: a streamed tool call with an empty name is an InvalidResponseError; empty ids are replaced in the stream', async () => {
    let name = 'weather';
    lb.handle((_req, res) =>
      sendPieces(res, 200, 'application/x-ndjson', [
        `${JSON.stringify({
          model: 'model-x',
          message: {
            role: 'assistant',
            content: '',
            tool_calls: [
              { id: '', function: { name, arguments: { city: 'Oslo' } } },
              { id: '', function: { name, arguments: { city: 'Rome' } } },
            ],
          },
          done: false,
        })}\n`,
        `${JSON.stringify({ model: 'model-x', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', prompt_eval_count: 3, eval_count: 4 })}\n`,
      ]),
    );
    const r = routerOf(() => ollama({ baseURL: lb.url }));
    const ok = await drain(r.stream(withTools));
    expect(ok.error).toBeUndefined();
    expectDistinct(toolCallIds(ok.events), 2);
    name = '';
    const { events, error } = await drain(r.stream(withTools));
    expect(InvalidResponseError.isInstance(attemptError(error))).toBe(true);
    expect(events.some((e) => e.type === 'finish' || e.type === 'tool-call')).toBe(false);
    await r.close();
  });
});
