import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createRouter,
  InvalidRequestError,
  InvalidResponseError,
  RateLimitError,
  SwitchyardError,
  type ChatRequest,
  type StreamEvent,
} from '../../src/index.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { openai } from '../../src/providers/openai/index.js';
import { openaiCompatible } from '../../src/providers/openai-compatible/index.js';
import { type Loopback, sendJson, sendPieces, startLoopback } from '../helpers/loopback.js';

// Vendor shapes that an outside replay of a peer's vendor test data found we read wrongly. Each is
// driven through the real SDK against a loopback server, at the public API (createRouter).

const KEY = 'sk-fidelity-test-key-0123456789abcdef';
const SSE = 'text/event-stream; charset=utf-8';
const data = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
const event = (o: { type: string }) => `event: ${o.type}\ndata: ${JSON.stringify(o)}\n\n`;
const ask: ChatRequest = { messages: [{ role: 'user', content: 'Hi' }] };
const weatherTool = { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } };

let lb: Loopback;
beforeAll(async () => {
  lb = await startLoopback();
});
afterAll(() => lb.close());
beforeEach(() => {
  lb.requests.length = 0;
});

type Kind = 'openai' | 'compat' | 'anthropic' | 'gemini' | 'ollama';
function router(kind: Kind, retries = 0) {
  const providers = {
    openai: () => openai({ apiKey: KEY, baseURL: `${lb.url}/v1` }),
    compat: () => openaiCompatible({ name: 'gateway', apiKey: KEY, baseURL: `${lb.url}/v1` }),
    anthropic: () => anthropic({ apiKey: KEY, baseURL: lb.url }),
    gemini: () => gemini({ apiKey: KEY, baseURL: lb.url }),
    ollama: () => ollama({ baseURL: lb.url }),
  };
  return createRouter({
    providers: { p: providers[kind]() },
    models: { m: { provider: 'p', model: 'model-x', pricing: { input: 1, output: 4, cachedInput: 0.1, cacheWrite: 2 } } },
    retry: { retries, minDelayMs: 1, maxDelayMs: 5 },
  });
}

/** Every event of a stream, and the error it ended with (thrown, or as an `error` event). */
async function drain(stream: AsyncIterable<StreamEvent>): Promise<{ events: StreamEvent[]; error: unknown }> {
  const events: StreamEvent[] = [];
  try {
    for await (const ev of stream) events.push(ev);
  } catch (error) {
    return { events, error };
  }
  const failed = events.find((e) => e.type === 'error');
  return { events, error: failed?.type === 'error' ? failed.error : undefined };
}

/** The error of the one failed attempt behind whatever the router threw. */
function attemptError(error: unknown): SwitchyardError {
  expect(SwitchyardError.isInstance(error)).toBe(true);
  const e = error as SwitchyardError & { lastError?: SwitchyardError };
  return e.lastError ?? e;
}

async function rejection(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('1. usage: cache writes, thinking tokens, compaction iterations', () => {
  it('openai: prompt_tokens_details.cache_write_tokens is reported and priced as cache writes', async () => {
    lb.handle((_req, res) =>
      sendJson(res, 200, {
        id: 'c1',
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
        usage: {
          prompt_tokens: 1000,
          completion_tokens: 100,
          total_tokens: 1100,
          prompt_tokens_details: { cached_tokens: 200, cache_write_tokens: 300 },
        },
      }),
    );
    const r = router('compat');
    const res = await r.chat({ ...ask, model: 'm' });
    expect(res.usage).toMatchObject({ inputTokens: 1000, cachedInputTokens: 200, cacheWriteTokens: 300, outputTokens: 100 });
    // 500 plain at $1/M, 200 cache reads at $0.1/M, 300 cache writes at $2/M; 100 out at $4/M.
    expect(res.cost).toMatchObject({ inputMicros: 500 + 20 + 600, outputMicros: 400 });
    expect((await r.costs.records({}))[0]).toMatchObject({ tokens: { input: 1000, cachedInput: 200, cacheWrite: 300 } });
  });

  it('anthropic: output_tokens_details.thinking_tokens is reported as reasoning tokens, chat and stream', async () => {
    const usage = { input_tokens: 10, output_tokens: 500, output_tokens_details: { thinking_tokens: 300 } };
    lb.handle((_req, res) =>
      sendJson(res, 200, {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'model-x',
        content: [{ type: 'text', text: 'ok' }],
        stop_reason: 'end_turn',
        usage,
      }),
    );
    const res = await router('anthropic').chat({ ...ask, model: 'm' });
    expect(res.usage).toMatchObject({ inputTokens: 10, outputTokens: 500, reasoningTokens: 300 });

    lb.handle((_req, res) =>
      sendPieces(res, 200, SSE, [
        event({ type: 'message_start', message: { id: 'msg_2', model: 'model-x', usage: { input_tokens: 10, output_tokens: 1 } } } as {
          type: string;
        }),
        event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } as { type: string }),
        event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'ok' } } as { type: string }),
        event({ type: 'content_block_stop', index: 0 } as { type: string }),
        event({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage } as { type: string }),
        event({ type: 'message_stop' }),
      ]),
    );
    const { events } = await drain(router('anthropic').stream({ ...ask, model: 'm' }));
    expect(events.at(-1)).toMatchObject({ type: 'finish', usage: { outputTokens: 500, reasoningTokens: 300 } });
  });

  it('anthropic: with context-management iterations the billed totals are the sums over the iterations', async () => {
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
      sendJson(res, 200, {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'model-x',
        content: [{ type: 'text', text: 'ok' }],
        stop_reason: 'end_turn',
        usage,
      }),
    );
    const r = router('anthropic');
    const res = await r.chat({ ...ask, model: 'm' });
    expect(res.usage).toMatchObject({ inputTokens: 181_000, cachedInputTokens: 1_000, outputTokens: 4_000, totalTokens: 185_000 });
    expect(res.cost).toMatchObject({ inputMicros: 180_000 + 100, outputMicros: 16_000 });
    expect((await r.costs.records({}))[0]).toMatchObject({ tokens: { input: 181_000, output: 4_000 } });
  });
});

describe('2. OpenAI-family streams: deltas before an in-stream error, numeric error codes', () => {
  it('text in the same network read as an error event reaches the caller before the error', async () => {
    // One write: two deltas and the error, so they arrive in one read.
    lb.handle((_req, res) =>
      sendPieces(res, 200, SSE, [
        data({ id: 'c1', choices: [{ index: 0, delta: { content: 'Hello ' } }] }) +
          data({ id: 'c1', choices: [{ index: 0, delta: { content: 'world' } }] }) +
          data({ error: { message: 'the server had an error', type: 'server_error' } }),
      ]),
    );
    const { events, error } = await drain(router('openai').stream({ ...ask, model: 'm' }));
    const text = events.flatMap((e) => (e.type === 'text-delta' ? [e.delta] : [])).join('');
    expect(text).toBe('Hello world');
    expect(SwitchyardError.isInstance(error)).toBe(true);
    const lastDelta = events.findLastIndex((e) => e.type === 'text-delta');
    const errorAt = events.findIndex((e) => e.type === 'error');
    if (errorAt >= 0) expect(lastDelta).toBeLessThan(errorAt);
  });

  it.each([
    ['a number', 400],
    ['a numeric string', '400'],
  ])('an in-stream error whose code is %s maps by that status: a 400 is not retried', async (_title, code) => {
    lb.handle((_req, res) => sendPieces(res, 200, SSE, [data({ error: { code, message: 'Invalid argument: tools[0]' } })]));
    const { error } = await drain(router('compat', 2).stream({ ...ask, model: 'm' }));
    const e = attemptError(error);
    expect(InvalidRequestError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({ statusCode: 400, retryable: false });
    expect(lb.requests).toHaveLength(1);
  });

  it('an in-stream error with a numeric 429 code is a retryable rate limit', async () => {
    lb.handle((_req, res) => sendPieces(res, 200, SSE, [data({ error: { code: 429, message: 'slow down' } })]));
    const { error } = await drain(router('compat').stream({ ...ask, model: 'm' }));
    expect(RateLimitError.isInstance(attemptError(error))).toBe(true);
  });
});

describe('3. tool calls: empty ids, calls without a name', () => {
  it('empty ids on parallel calls get distinct generated ids (chat and stream)', async () => {
    const call = (city: string) => ({ id: '', type: 'function', function: { name: 'weather', arguments: JSON.stringify({ city }) } });
    lb.handle((_req, res) =>
      sendJson(res, 200, {
        id: 'c1',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: null, tool_calls: [call('Oslo'), call('Rome')] },
            finish_reason: 'tool_calls',
          },
        ],
      }),
    );
    const res = await router('compat').chat({ ...ask, model: 'm', tools: [weatherTool] });
    const ids = res.toolCalls.map((c) => c.toolCallId);
    expect(ids).toHaveLength(2);
    expect(ids.every((id) => id !== '')).toBe(true);
    expect(new Set(ids).size).toBe(2);

    lb.handle((_req, res) =>
      sendPieces(res, 200, SSE, [
        data({
          id: 'c2',
          choices: [
            { index: 0, delta: { tool_calls: [{ index: 0, id: '', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] } },
          ],
        }),
        data({
          id: 'c2',
          choices: [
            { index: 0, delta: { tool_calls: [{ index: 1, id: '', function: { name: 'weather', arguments: '{"city":"Rome"}' } }] } },
          ],
        }),
        data({ id: 'c2', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] }),
        'data: [DONE]\n\n',
      ]),
    );
    const { events, error } = await drain(router('compat').stream({ ...ask, model: 'm', tools: [weatherTool] }));
    expect(error).toBeUndefined();
    const streamed = events.flatMap((e) => (e.type === 'tool-call' ? [e.toolCall.toolCallId] : []));
    expect(streamed).toHaveLength(2);
    expect(new Set(streamed).size).toBe(2);
    expect(streamed.every((id) => id !== '')).toBe(true);
  });

  it('ollama: empty ids are replaced too', async () => {
    lb.handle((_req, res) =>
      sendJson(res, 200, {
        model: 'model-x',
        message: {
          role: 'assistant',
          content: '',
          tool_calls: [
            { id: '', function: { name: 'weather', arguments: { city: 'Oslo' } } },
            { id: '', function: { name: 'weather', arguments: { city: 'Rome' } } },
          ],
        },
        done: true,
        done_reason: 'stop',
        prompt_eval_count: 3,
        eval_count: 4,
      }),
    );
    const res = await router('ollama').chat({ ...ask, model: 'm', tools: [weatherTool] });
    const ids = res.toolCalls.map((c) => c.toolCallId);
    expect(new Set(ids).size).toBe(2);
    expect(ids.every((id) => id !== '')).toBe(true);
  });

  it('a streamed tool call that never gets a function name fails the stream with InvalidResponseError', async () => {
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
    const { events, error } = await drain(router('openai').stream({ ...ask, model: 'm', tools: [weatherTool] }));
    expect(InvalidResponseError.isInstance(attemptError(error))).toBe(true);
    expect(events.some((e) => e.type === 'finish')).toBe(false);
    expect(events.some((e) => e.type === 'tool-call')).toBe(false);
  });

  it('a tool call with an empty name is an InvalidResponseError in chat too (openai and anthropic)', async () => {
    lb.handle((_req, res) =>
      sendJson(res, 200, {
        id: 'c1',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 'call_1', type: 'function', function: { name: '', arguments: '{}' } }],
            },
            finish_reason: 'tool_calls',
          },
        ],
      }),
    );
    expect(InvalidResponseError.isInstance(attemptError(await rejection(() => router('openai').chat({ ...ask, model: 'm' }))))).toBe(true);
    lb.handle((_req, res) =>
      sendJson(res, 200, {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'toolu_1', name: '', input: {} }],
        stop_reason: 'tool_use',
        usage: { input_tokens: 1, output_tokens: 1 },
      }),
    );
    expect(InvalidResponseError.isInstance(attemptError(await rejection(() => router('anthropic').chat({ ...ask, model: 'm' }))))).toBe(
      true,
    );
  });
});

describe('4. Gemini thought signatures through an OpenAI-compatible endpoint', () => {
  const signed = (id: string) => ({
    id,
    type: 'function',
    function: { name: 'weather', arguments: '{"city":"Oslo"}' },
    extra_content: { google: { thought_signature: `sig-${id}` } },
  });

  it('chat: kept on the tool call and sent back on the next turn', async () => {
    lb.handle((_req, res) =>
      sendJson(res, 200, {
        id: 'c1',
        choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [signed('fc_1')] }, finish_reason: 'tool_calls' }],
      }),
    );
    const r = router('compat');
    const first = await r.chat({ ...ask, model: 'm', tools: [weatherTool] });
    expect(first.toolCalls[0]).toMatchObject({
      toolCallId: 'fc_1',
      providerMetadata: { 'openai-compatible': { thoughtSignature: 'sig-fc_1' } },
    });

    lb.handle((_req, res) =>
      sendJson(res, 200, { id: 'c2', choices: [{ index: 0, message: { role: 'assistant', content: 'Sunny.' }, finish_reason: 'stop' }] }),
    );
    await r.chat({
      model: 'm',
      tools: [weatherTool],
      messages: [
        ...ask.messages,
        { role: 'assistant', content: first.content },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'fc_1', toolName: 'weather', result: 'sunny' }] },
      ],
    });
    const sent = lb.requests[1]!.body as { messages: Array<{ role: string; tool_calls?: unknown[] }> };
    expect(sent.messages.find((m) => m.role === 'assistant')?.tool_calls?.[0]).toMatchObject({
      id: 'fc_1',
      extra_content: { google: { thought_signature: 'sig-fc_1' } },
    });
  });

  it('stream: the signature on the first delta of a call is kept on the finished tool call', async () => {
    lb.handle((_req, res) =>
      sendPieces(res, 200, SSE, [
        data({
          id: 'c1',
          choices: [
            {
              index: 0,
              delta: { role: 'assistant', tool_calls: [{ index: 0, ...signed('fc_2'), function: { name: 'weather', arguments: '' } }] },
            },
          ],
        }),
        data({ id: 'c1', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":"Oslo"}' } }] } }] }),
        data({ id: 'c1', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] }),
        'data: [DONE]\n\n',
      ]),
    );
    const { events } = await drain(router('compat').stream({ ...ask, model: 'm', tools: [weatherTool] }));
    const call = events.find((e) => e.type === 'tool-call');
    expect(call).toMatchObject({
      toolCall: { toolCallId: 'fc_2', args: { city: 'Oslo' }, providerMetadata: { 'openai-compatible': { thoughtSignature: 'sig-fc_2' } } },
    });
  });

  it('a signature the Gemini adapter kept is sent to an OpenAI-compatible endpoint; plain OpenAI gets none', async () => {
    const history: ChatRequest['messages'] = [
      ...ask.messages,
      {
        role: 'assistant',
        content: [
          {
            type: 'tool-call',
            toolCallId: 'c9',
            toolName: 'weather',
            args: {},
            providerMetadata: { gemini: { thoughtSignature: 'g-sig' } },
          },
        ],
      },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c9', toolName: 'weather', result: 'sunny' }] },
    ];
    lb.handle((_req, res) =>
      sendJson(res, 200, { id: 'c', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] }),
    );
    await router('compat').chat({ model: 'm', tools: [weatherTool], messages: history });
    await router('openai').chat({ model: 'm', tools: [weatherTool], messages: history });
    const calls = lb.requests.map(
      (r) => (r.body as { messages: Array<{ tool_calls?: Array<Record<string, unknown>> }> }).messages[1]!.tool_calls![0]!,
    );
    expect(calls[0]).toMatchObject({ extra_content: { google: { thought_signature: 'g-sig' } } });
    expect(calls[1]).not.toHaveProperty('extra_content');
  });
});

describe('5. Google throttling wording is a rate limit', () => {
  const exhausted = 'Resource has been exhausted (e.g. check quota).';

  it.each<[Kind, (res: ServerResponse) => void]>([
    ['compat', (res) => sendJson(res, 429, [{ error: { code: 429, message: exhausted, status: 'RESOURCE_EXHAUSTED' } }])],
    ['compat', (res) => sendJson(res, 429, { error: { code: 429, message: exhausted, status: 'RESOURCE_EXHAUSTED' } })],
    ['gemini', (res) => sendJson(res, 429, { error: { code: 429, message: exhausted, status: 'RESOURCE_EXHAUSTED' } })],
  ])('%s: a 429 "Resource has been exhausted (e.g. check quota)" without RetryInfo is retried as a RateLimitError', async (kind, fail) => {
    let calls = 0;
    lb.handle((_req, res) => {
      calls++;
      if (calls === 1) return fail(res);
      if (kind === 'gemini')
        return sendJson(res, 200, { candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' }] });
      return sendJson(res, 200, { id: 'c', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] });
    });
    const res = await router(kind, 1).chat({ ...ask, model: 'm' });
    expect(res.text).toBe('ok');
    expect(res.route.attempts[0]).toMatchObject({ ok: false, errorClass: 'RateLimitError' });
  });

  it('an account out of credit is still a PermissionError (not retried)', async () => {
    lb.handle((_req, res) =>
      sendJson(res, 429, {
        error: {
          message: 'You exceeded your current quota, please check your plan and billing details.',
          type: 'insufficient_quota',
          code: 'insufficient_quota',
        },
      }),
    );
    const e = attemptError(await rejection(() => router('openai', 2).chat({ ...ask, model: 'm' })));
    expect(e.name).toBe('PermissionError');
    expect(lb.requests).toHaveLength(1);
  });
});

describe('6. Anthropic streams: one message per stream; negative retry-after-ms', () => {
  it('a second message_start while a message is open is an InvalidResponseError, not a spliced answer', async () => {
    const start = (id: string) =>
      event({ type: 'message_start', message: { id, model: 'model-x', usage: { input_tokens: 5, output_tokens: 1 } } } as { type: string });
    lb.handle((_req, res) =>
      sendPieces(res, 200, SSE, [
        start('msg_a'),
        event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } as { type: string }),
        event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'first' } } as { type: string }),
        start('msg_b'),
        event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } as { type: string }),
        event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'second' } } as { type: string }),
        event({ type: 'content_block_stop', index: 0 } as { type: string }),
        event({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } } as { type: string }),
        event({ type: 'message_stop' }),
      ]),
    );
    const { events, error } = await drain(router('anthropic').stream({ ...ask, model: 'm' }));
    expect(InvalidResponseError.isInstance(attemptError(error))).toBe(true);
    expect(events.some((e) => e.type === 'finish')).toBe(false);
    expect(events.flatMap((e) => (e.type === 'text-delta' ? [e.delta] : [])).join('')).not.toContain('second');
  });

  it.each(['-1000', '-0.5'])('retry-after-ms: %s is no hint (undefined), not 0', async (value) => {
    lb.handle((_req, res) =>
      sendJson(res, 429, { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } }, { 'retry-after-ms': value }),
    );
    const e = attemptError(await rejection(() => router('anthropic').chat({ ...ask, model: 'm' })));
    expect(RateLimitError.isInstance(e)).toBe(true);
    expect((e as RateLimitError).retryAfterMs).toBeUndefined();
  });

  it('a negative retry-after-ms falls back to a valid retry-after', async () => {
    lb.handle((_req, res) =>
      sendJson(
        res,
        429,
        { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } },
        { 'retry-after-ms': '-5', 'retry-after': '2' },
      ),
    );
    const e = attemptError(await rejection(() => router('anthropic').chat({ ...ask, model: 'm' })));
    expect((e as RateLimitError).retryAfterMs).toBe(2000);
  });
});
