import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type BudgetAlert, type StreamEvent } from '../../src/index.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { deepseek } from '../../src/providers/deepseek/index.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { openai } from '../../src/providers/openai/index.js';
import { sendJson, sendPieces, startLoopback, type Loopback } from '../helpers/loopback.js';

// Usage a vendor reported for a call that failed anyway is billed: the router records it (the
// vendor's exact figures, not an estimate) next to the fallback's record, and the budget counts both.

const sse = (obj: unknown) => `data: ${JSON.stringify(obj)}\n\n`;
const ev = (name: string, obj: unknown) => `event: ${name}\ndata: ${JSON.stringify(obj)}\n\n`;
const messages = [{ role: 'user' as const, content: 'Hi' }];

/** The fallback (DeepSeek) always answers well. */
const dsCompletion = {
  id: 'ds-1',
  model: 'deepseek-chat',
  choices: [{ index: 0, message: { role: 'assistant', content: 'From DeepSeek' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
};
const dsStream = [
  sse({
    id: 'ds-1',
    model: 'deepseek-chat',
    choices: [{ index: 0, delta: { role: 'assistant', content: 'From DeepSeek' }, finish_reason: null }],
  }),
  sse({
    id: 'ds-1',
    choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
  }),
  'data: [DONE]\n\n',
];

/** OpenAI: content, finish_reason, the usage chunk, then the connection is reset before `[DONE]`. */
const openaiCutAfterUsage = [
  sse({ id: 'c1', model: 'gpt-4o-mini', choices: [{ index: 0, delta: { role: 'assistant', content: 'Hello' }, finish_reason: null }] }),
  sse({ id: 'c1', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
  sse({ id: 'c1', choices: [], usage: { prompt_tokens: 1234, completion_tokens: 567, total_tokens: 1801 } }),
  'data: [DONE]\n\n',
];

/** Anthropic: a text block, message_delta with the usage, then the connection is reset before message_stop. */
const anthropicCutAfterUsage = [
  ev('message_start', {
    type: 'message_start',
    message: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5',
      content: [],
      usage: { input_tokens: 321, output_tokens: 1 },
    },
  }),
  ev('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
  ev('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Bonjour' } }),
  ev('content_block_stop', { type: 'content_block_stop', index: 0 }),
  ev('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 45 } }),
  ev('message_stop', { type: 'message_stop' }),
];

/** Gemini: every chunk carries the usage so far; two chunks, then the connection is reset before a finishReason. */
const geminiCutMidStream = [
  sse({
    candidates: [{ content: { role: 'model', parts: [{ text: 'Hal' }] }, index: 0 }],
    usageMetadata: { promptTokenCount: 210, candidatesTokenCount: 12, totalTokenCount: 222 },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'r1',
  }),
  sse({
    candidates: [{ content: { role: 'model', parts: [{ text: 'lo' }] }, index: 0 }],
    usageMetadata: { promptTokenCount: 210, candidatesTokenCount: 30, totalTokenCount: 240 },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'r1',
  }),
  sse({
    candidates: [{ content: { role: 'model', parts: [{ text: '!' }] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 210, candidatesTokenCount: 31, totalTokenCount: 241 },
  }),
];

describe('usage billed on a failed call is recorded as the vendor reported it', () => {
  let lb: Loopback;
  beforeAll(async () => {
    lb = await startLoopback();
  });
  afterAll(async () => {
    await lb.close();
  });

  function router(primary: 'gpt' | 'claude' | 'gem', extra: { buffer?: boolean } = {}) {
    const alerts: BudgetAlert[] = [];
    const r = createRouter({
      providers: {
        gpt: openai({ name: 'gpt', apiKey: 'sk-test-openai-0000000000', baseURL: `${lb.url}/v1` }),
        claude: anthropic({ apiKey: 'sk-ant-test-0000000000', baseURL: `${lb.url}/anth` }),
        ds: deepseek({ apiKey: 'sk-deepseek-test-key-0000', baseURL: `${lb.url}/ds` }),
        gem: gemini({ apiKey: 'gemini-test-key-000000000', baseURL: `${lb.url}/gem` }),
      },
      models: {
        main:
          primary === 'gpt'
            ? { provider: 'gpt', model: 'gpt-4o-mini', pricing: { input: 1, output: 4 } }
            : primary === 'gem'
              ? { provider: 'gem', model: 'gemini-2.5-flash', pricing: { input: 1, output: 5 } }
              : { provider: 'claude', model: 'claude-haiku-4-5', pricing: { input: 1, output: 5 } },
        spare: { provider: 'ds', model: 'deepseek-chat', pricing: { input: 2, output: 8 } },
      },
      routes: [{ when: () => true, use: ['main', 'spare'] }],
      retry: { retries: 0 },
      ...(extra.buffer !== false && { streamRecovery: { mode: 'buffer', chars: 100_000 } }),
      // A threshold of one micro-dollar: the alert after the request's settle carries what it spent.
      budgets: [{ scope: {}, period: 'total', limitUsd: 10, onExceed: 'block', alertAt: [1e-7] }],
    });
    r.on('budget-alert', (a) => alerts.push(a));
    return { router: r, alerts };
  }

  async function expectBilledAndServed(
    r: ReturnType<typeof router>,
    billed: { model: string; input: number; output: number; costMicros: number },
  ) {
    const records = await r.router.costs.records({});
    const attempt = records.find((x) => x.kind === 'billed-attempt');
    const served = records.find((x) => x.kind === 'request');
    expect(records).toHaveLength(2);
    expect(attempt).toMatchObject({
      model: billed.model,
      outcome: 'error',
      estimated: false,
      tokens: { input: billed.input, output: billed.output },
      costMicros: billed.costMicros,
    });
    // The fallback's success: 5 in at $2/M, 2 out at $8/M.
    expect(served).toMatchObject({
      model: 'spare',
      outcome: 'ok',
      fallbackUsed: true,
      estimated: false,
      tokens: { input: 5, output: 2 },
      costMicros: 26,
    });
    expect(attempt!.requestId).toBe(served!.requestId);
    expect(r.alerts).toHaveLength(1);
    expect(r.alerts[0]!.spentMicros).toBe(billed.costMicros + 26);
  }

  it('OpenAI stream reset after its usage chunk: a billed attempt with its exact usage, then the fallback', async () => {
    lb.handle((req, res) =>
      req.url.startsWith('/v1/')
        ? sendPieces(res, 200, 'text/event-stream', openaiCutAfterUsage, { cutAfter: 3 })
        : sendPieces(res, 200, 'text/event-stream', dsStream),
    );
    const r = router('gpt');
    const response = await r.router.stream({ messages }).collect();
    expect(response.text).toBe('From DeepSeek');
    // 1234 in at $1/M + 567 out at $4/M = 1234 + 2268 micro-dollars.
    await expectBilledAndServed(r, { model: 'main', input: 1234, output: 567, costMicros: 3502 });
  });

  it('Anthropic stream reset after message_delta: a billed attempt with its exact usage, then the fallback', async () => {
    lb.handle((req, res) =>
      req.url.startsWith('/anth/')
        ? sendPieces(res, 200, 'text/event-stream', anthropicCutAfterUsage, { cutAfter: 5 })
        : sendPieces(res, 200, 'text/event-stream', dsStream),
    );
    const r = router('claude');
    const response = await r.router.stream({ messages }).collect();
    expect(response.text).toBe('From DeepSeek');
    // 321 in at $1/M + 45 out at $5/M.
    await expectBilledAndServed(r, { model: 'main', input: 321, output: 45, costMicros: 321 + 225 });
  });

  it('Gemini stream reset mid-answer: a billed attempt with the usage of its last chunk, then the fallback', async () => {
    lb.handle((req, res) =>
      req.url.startsWith('/gem/')
        ? sendPieces(res, 200, 'text/event-stream', geminiCutMidStream, { cutAfter: 2 })
        : sendPieces(res, 200, 'text/event-stream', dsStream),
    );
    const r = router('gem');
    const response = await r.router.stream({ messages }).collect();
    expect(response.text).toBe('From DeepSeek');
    // The last chunk seen: 210 in at $1/M + 30 out at $5/M.
    await expectBilledAndServed(r, { model: 'main', input: 210, output: 30, costMicros: 210 + 150 });
  });

  it('chat: a 200 with a usage block and an unreadable body is billed with that usage, then the fallback', async () => {
    lb.handle((req, res) => {
      if (req.url.startsWith('/v1/'))
        sendJson(res, 200, {
          id: 'c1',
          model: 'gpt-4o-mini',
          choices: 'not a list',
          usage: { prompt_tokens: 800, completion_tokens: 100, total_tokens: 900 },
        });
      else sendJson(res, 200, dsCompletion);
    });
    const r = router('gpt');
    const response = await r.router.chat({ messages });
    expect(response.text).toBe('From DeepSeek');
    await expectBilledAndServed(r, { model: 'main', input: 800, output: 100, costMicros: 800 + 400 });
  });

  it('chat (Anthropic): a 200 Message with usage but malformed content is billed with that usage', async () => {
    lb.handle((req, res) => {
      if (req.url.startsWith('/anth/'))
        sendJson(res, 200, {
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          content: 'oops',
          usage: { input_tokens: 70, output_tokens: 30 },
        });
      else sendJson(res, 200, dsCompletion);
    });
    const r = router('claude');
    expect((await r.router.chat({ messages })).text).toBe('From DeepSeek');
    await expectBilledAndServed(r, { model: 'main', input: 70, output: 30, costMicros: 70 + 150 });
  });

  it('a stream cut after its usage once delivered (no buffer) is billed with the vendor figures, not an estimate', async () => {
    lb.handle((_req, res) => sendPieces(res, 200, 'text/event-stream', openaiCutAfterUsage, { cutAfter: 3 }));
    const r = router('gpt', { buffer: false });
    const events: StreamEvent[] = [];
    const error = await (async () => {
      for await (const e of r.router.stream({ messages, model: 'main' })) events.push(e);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const last = events.at(-1) as Extract<StreamEvent, { type: 'error' }>;
    expect(last.type).toBe('error');
    expect(last.partial.usage).toMatchObject({ inputTokens: 1234, outputTokens: 567 });
    expect(last.partial.usage.estimated).toBeUndefined();
    const records = await r.router.costs.records({});
    expect(records.map((x) => x.kind).sort()).toEqual(['billed-attempt', 'request']);
    expect(records.find((x) => x.kind === 'billed-attempt')).toMatchObject({
      estimated: false,
      tokens: { input: 1234, output: 567 },
      costMicros: 3502,
    });
    expect(r.alerts[0]!.spentMicros).toBe(3502);
  });

  it('a failure before the vendor reported usage writes no billed record (nothing is estimated as reported)', async () => {
    lb.handle((req, res) =>
      req.url.startsWith('/v1/')
        ? sendPieces(res, 200, 'text/event-stream', openaiCutAfterUsage, { cutAfter: 1 })
        : sendPieces(res, 200, 'text/event-stream', dsStream),
    );
    const r = router('gpt');
    expect((await r.router.stream({ messages }).collect()).text).toBe('From DeepSeek');
    const records = await r.router.costs.records({});
    expect(records.map((x) => x.kind)).toEqual(['request']);
    expect(r.alerts[0]!.spentMicros).toBe(26);
  });
});
