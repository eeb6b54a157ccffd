/**
 * router.object() and router.run() through the real vendor SDKs on loopback servers: what goes on the
 * wire for structured output per vendor, repair and failure over the wire, and a tool loop that falls
 * back as a whole when its second step's vendor fails.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { anthropic, createRouter, deepseek, gemini, ObjectValidationError, ollama, openai, tool } from '../../src/index.js';
import { sendJson, sendPieces, startLoopback, type Loopback, type RecordedRequest } from '../helpers/loopback.js';

const KEY = 'sk-test-SECRETKEY-1234567890abcdef';
const GEMINI_KEY = 'AIzaTESTSECRETKEY1234567890abcdefghij';
const refundDecision = z.object({ approve: z.boolean(), amountUsd: z.number().min(0), reason: z.string() });
const valid = { approve: true, amountUsd: 25, reason: 'arrived damaged' };
const messages = [{ role: 'user' as const, content: 'Order A-1 arrived damaged. Refund?' }];

const openaiReply = (message: Record<string, unknown>, finish = 'stop') => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: null, ...message }, finish_reason: finish }],
  usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
});
const anthropicReply = (content: unknown[], stop = 'end_turn') => ({
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-haiku-4-5',
  content,
  stop_reason: stop,
  stop_sequence: null,
  usage: { input_tokens: 100, output_tokens: 20 },
});
const geminiReply = (text: string) => ({
  candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP' }],
  usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 20, totalTokenCount: 120 },
});

let oai: Loopback;
let ant: Loopback;
let gem: Loopback;
let ds: Loopback;
let oll: Loopback;
beforeAll(async () => {
  [oai, ant, gem, ds, oll] = await Promise.all([startLoopback(), startLoopback(), startLoopback(), startLoopback(), startLoopback()]);
});
afterAll(() => Promise.all([oai, ant, gem, ds, oll].map((l) => l.close())));
beforeEach(() => {
  for (const l of [oai, ant, gem, ds, oll]) l.requests.length = 0;
});

function routerOf(...use: Array<'gpt' | 'claude' | 'flash' | 'ds' | 'llama'>) {
  const all = {
    gpt: { provider: 'oai', model: 'gpt-4o-mini', pricing: { input: 0.15, output: 0.6 } },
    claude: { provider: 'ant', model: 'claude-haiku-4-5', pricing: { input: 1, output: 5 } },
    flash: { provider: 'gem', model: 'gemini-2.5-flash', pricing: { input: 0.3, output: 2.5 } },
    ds: { provider: 'ds', model: 'deepseek-chat', pricing: { input: 0.28, output: 0.42 } },
    llama: { provider: 'oll', model: 'llama3.1:8b', pricing: { input: 0, output: 0 } },
  };
  return createRouter({
    providers: {
      oai: openai({ apiKey: KEY, baseURL: `${oai.url}/v1` }),
      ant: anthropic({ apiKey: KEY, baseURL: ant.url }),
      gem: gemini({ apiKey: GEMINI_KEY, baseURL: gem.url }),
      ds: deepseek({ apiKey: KEY, baseURL: ds.url }),
      oll: ollama({ baseURL: oll.url }),
    },
    models: Object.fromEntries(use.map((m) => [m, all[m]])),
    retry: { retries: 0 },
  });
}

const body = (r: RecordedRequest | undefined) => r?.body as Record<string, unknown>;

describe('router.object() on the wire', () => {
  it('OpenAI: response_format json_schema with the zod schema', async () => {
    oai.handle((_req, res) => sendJson(res, 200, openaiReply({ content: JSON.stringify(valid) })));
    const { object, response } = await routerOf('gpt').object({ messages, schema: refundDecision, schemaName: 'refundDecision' });
    expect(object).toEqual(valid);
    expect(response.cost.totalMicros).toBe(27); // 100 x 0.15 + 20 x 0.6
    expect(body(oai.requests[0]).response_format).toMatchObject({
      type: 'json_schema',
      json_schema: {
        name: 'refundDecision',
        schema: {
          type: 'object',
          properties: { approve: { type: 'boolean' }, amountUsd: { type: 'number', minimum: 0 } },
          required: ['approve', 'amountUsd', 'reason'],
        },
      },
    });
  });

  it('Anthropic: a forced tool whose input schema is the schema; its input is the answer', async () => {
    ant.handle((_req, res) =>
      sendJson(res, 200, anthropicReply([{ type: 'tool_use', id: 'toolu_1', name: 'refundDecision', input: valid }], 'tool_use')),
    );
    const { object } = await routerOf('claude').object({ messages, schema: refundDecision, schemaName: 'refundDecision' });
    expect(object).toEqual(valid);
    const sent = body(ant.requests[0]);
    expect(sent.tools).toMatchObject([
      { name: 'refundDecision', input_schema: { type: 'object', required: ['approve', 'amountUsd', 'reason'] } },
    ]);
    expect(sent.tool_choice).toEqual({ type: 'tool', name: 'refundDecision' });
  });

  it('Gemini: responseMimeType application/json with a responseSchema', async () => {
    gem.handle((_req, res) => sendJson(res, 200, geminiReply(JSON.stringify(valid))));
    const { object } = await routerOf('flash').object({ messages, schema: refundDecision });
    expect(object).toEqual(valid);
    const config = body(gem.requests[0]).generationConfig as Record<string, unknown>;
    expect(config.responseMimeType).toBe('application/json');
    expect(config.responseSchema).toMatchObject({
      properties: { approve: { type: expect.stringMatching(/^boolean$/i) }, reason: { type: expect.stringMatching(/^string$/i) } },
    });
  });

  it('Gemini: a schema its OpenAPI subset cannot express falls back to prompt mode on the same model', async () => {
    const withMap = z.object({ approve: z.boolean(), scores: z.record(z.string(), z.number()) });
    gem.handle((_req, res) => sendJson(res, 200, geminiReply('{"approve":true,"scores":{"tone":0.9}}')));
    const { object, tries } = await routerOf('flash').object({ messages, schema: withMap });
    expect(object).toEqual({ approve: true, scores: { tone: 0.9 } });
    expect(tries.map((t) => [t.mode, t.ok, t.error?.code])).toEqual([
      ['native', false, 'invalid-request'],
      ['prompt', true, undefined],
    ]);
    expect(gem.requests).toHaveLength(1); // the refusal was local: nothing was sent in native mode
    const config = body(gem.requests[0]).generationConfig as Record<string, unknown>;
    expect(config.responseMimeType).toBe('application/json');
    expect(config.responseSchema).toBeUndefined();
  });

  it('Ollama: the schema as `format`', async () => {
    oll.handle((_req, res) =>
      sendJson(res, 200, {
        model: 'llama3.1:8b',
        message: { role: 'assistant', content: JSON.stringify(valid) },
        done: true,
        done_reason: 'stop',
        prompt_eval_count: 50,
        eval_count: 9,
      }),
    );
    const { object } = await routerOf('llama').object({ messages, schema: refundDecision });
    expect(object).toEqual(valid);
    expect(body(oll.requests[0]).format).toMatchObject({ type: 'object', required: ['approve', 'amountUsd', 'reason'] });
  });

  it('DeepSeek (no JSON Schema mode): prompt-and-validate, JSON mode with the schema in the system prompt', async () => {
    ds.handle((_req, res) => sendJson(res, 200, openaiReply({ content: `Here you go:\n${JSON.stringify(valid)}` })));
    const { object, tries } = await routerOf('ds').object({ messages, schema: refundDecision, system: 'You decide refunds.' });
    expect(object).toEqual(valid);
    expect(tries[0]!.mode).toBe('prompt');
    const sent = body(ds.requests[0]);
    expect(sent.response_format).toEqual({ type: 'json_object' });
    const system = (sent.messages as Array<{ role: string; content: string }>)[0]!;
    expect(system.role).toBe('system');
    expect(system.content).toContain('You decide refunds.');
    expect(system.content).toContain('"amountUsd"');
  });

  it('repairs a schema-violating answer over the wire, sending the issues back to the same model', async () => {
    const answers = [{ approve: 'yes', amountUsd: -3 }, valid];
    oai.handle((_req, res) => sendJson(res, 200, openaiReply({ content: JSON.stringify(answers.shift()) })));
    const { object, response } = await routerOf('gpt').object({ messages, schema: refundDecision });
    expect(object).toEqual(valid);
    expect(oai.requests).toHaveLength(2);
    const repair = body(oai.requests[1]).messages as Array<{ role: string; content: string }>;
    expect(repair.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(repair[2]!.content).toMatch(/approve: .*\n- amountUsd: /s);
    expect(response.route.attempts.map((a) => a.errorClass ?? 'ok')).toEqual(['ObjectValidationError', 'ok']);
  });

  it('repairs over the wire on Anthropic (forced tool) and Gemini (response schema) too', { timeout: 30_000 }, async () => {
    const antAnswers = [{ approve: 'yes' }, valid];
    ant.handle((_req, res) =>
      sendJson(
        res,
        200,
        anthropicReply(
          [{ type: 'tool_use', id: `toolu_${antAnswers.length}`, name: 'refundDecision', input: antAnswers.shift() }],
          'tool_use',
        ),
      ),
    );
    const a = await routerOf('claude').object({ messages, schema: refundDecision, schemaName: 'refundDecision' });
    expect(a.object).toEqual(valid);
    expect(ant.requests).toHaveLength(2);
    const repair = body(ant.requests[1]).messages as Array<{ role: string; content: string | Array<Record<string, unknown>> }>;
    expect(repair.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    // Anthropic rejects a tool_use not followed by its tool_result: the re-ask answers the forced call.
    const used = (repair[1]!.content as Array<Record<string, unknown>>).filter((p) => p.type === 'tool_use').map((p) => p.id);
    const answered = Array.isArray(repair[2]!.content)
      ? repair[2]!.content.filter((p) => p.type === 'tool_result').map((p) => p.tool_use_id)
      : [];
    expect(answered).toEqual(used);
    expect(JSON.stringify(repair[2]!.content)).toMatch(/approve/);
    expect(a.response.route.attempts.map((x) => x.errorClass ?? 'ok')).toEqual(['ObjectValidationError', 'ok']);

    const gemAnswers = ['{"approve":true,"amountUsd":-1,"reason":"x"}', JSON.stringify(valid)];
    gem.handle((_req, res) => sendJson(res, 200, geminiReply(gemAnswers.shift()!)));
    const g = await routerOf('flash').object({ messages, schema: refundDecision });
    expect(g.object).toEqual(valid);
    const contents = body(gem.requests[1]).contents as Array<{ role: string; parts: Array<{ text?: string }> }>;
    expect(contents.map((c) => c.role)).toEqual(['user', 'model', 'user']);
    expect(contents[2]!.parts[0]!.text).toMatch(/amountUsd/);
    expect((body(gem.requests[1]).generationConfig as Record<string, unknown>).responseSchema).toBeDefined();
  });

  it('fails with ObjectValidationError (zod issues, raw text) when no vendor gives a valid answer', async () => {
    oai.handle((_req, res) => sendJson(res, 200, openaiReply({ content: '{"approve":true}' })));
    gem.handle((_req, res) => sendJson(res, 200, geminiReply('{"approve":"no"}')));
    const error = await routerOf('gpt', 'flash')
      .object({ messages, schema: refundDecision, maxRepairs: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectValidationError);
    const e = error as ObjectValidationError;
    expect(e.text).toBe('{"approve":"no"}');
    expect(e.issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['approve', 'amountUsd', 'reason']));
    expect(e.tries.map((t) => t.model)).toEqual(['gpt', 'flash']);
    expect(JSON.stringify(e)).not.toContain(KEY);
  });
});

describe('router.streamObject() on the wire', () => {
  it('OpenAI stream: partial objects as the JSON arrives, then the validated whole', async () => {
    const text = JSON.stringify(valid);
    const pieces = [text.slice(0, 9), text.slice(9, 30), text.slice(30, 50), text.slice(50)];
    const chunk = (delta: Record<string, unknown>, finish: string | null = null, usage?: unknown) => {
      const choices = [{ index: 0, delta, finish_reason: finish }];
      const body = {
        id: 'c1',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'gpt-4o-mini',
        choices,
        ...(usage !== undefined && { usage }),
      };
      return `data: ${JSON.stringify(body)}\n\n`;
    };
    oai.handle((_req, res) =>
      sendPieces(res, 200, 'text/event-stream', [
        chunk({ role: 'assistant', content: '' }),
        ...pieces.map((p) => chunk({ content: p })),
        chunk({}, 'stop', { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 }),
        'data: [DONE]\n\n',
      ]),
    );
    const partials: unknown[] = [];
    let final: unknown;
    for await (const event of routerOf('gpt').streamObject({ messages, schema: refundDecision })) {
      if (event.type === 'partial') partials.push(event.partial);
      if (event.type === 'object') final = event.result.object;
    }
    expect(body(oai.requests[0])).toMatchObject({ stream: true, response_format: { type: 'json_schema' } });
    // `{"approve` -> {}; `…"amountUsd":25` (the number may go on) -> { approve }; `…"reason":"arrived d` -> an open string grows.
    expect(partials.slice(0, 3)).toEqual([{}, { approve: true }, { approve: true, amountUsd: 25, reason: 'arrived d' }]);
    expect(final).toEqual(valid);
  });
});

describe('router.run() on the wire', () => {
  it('a 3-step tool loop whose second step fails on its vendor falls back as a whole; every step is costed', async () => {
    // OpenAI: step 1 calls lookupOrder, step 2 gets a 500. Anthropic then runs all 3 steps from the start.
    oai.handle((req, res) => {
      if (oai.requests.length === 1) {
        sendJson(
          res,
          200,
          openaiReply(
            { tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookupOrder', arguments: '{"orderId":"A-1"}' } }] },
            'tool_calls',
          ),
        );
      } else sendJson(res, 500, { error: { message: 'upstream exploded', type: 'server_error' } });
      void req;
    });
    const antScript = [
      anthropicReply([{ type: 'tool_use', id: 'toolu_1', name: 'lookupOrder', input: { orderId: 'A-1' } }], 'tool_use'),
      anthropicReply([{ type: 'tool_use', id: 'toolu_2', name: 'refundPolicy', input: { reason: 'damaged' } }], 'tool_use'),
      anthropicReply([{ type: 'text', text: 'Refund approved: $25.' }]),
    ];
    ant.handle((_req, res) => sendJson(res, 200, antScript.shift()));
    const router = routerOf('gpt', 'claude');
    const lookups: string[] = [];
    const tools = {
      lookupOrder: tool({
        input: z.object({ orderId: z.string() }),
        execute: ({ orderId }) => (lookups.push(orderId), { orderId, totalUsd: 25, status: 'delivered' }),
      }),
      refundPolicy: tool({ input: z.object({ reason: z.string() }), execute: () => ({ refundable: true }) }),
    };
    const result = await router.run({ messages, tools, tenant: 'acme', agent: 'support' });

    expect(result.status).toBe('done');
    expect(result.text).toBe('Refund approved: $25.');
    expect(result.model).toBe('claude');
    expect(result.steps.map((s) => `${s.model}${s.abandoned ? ' (abandoned)' : ''}`)).toEqual([
      'gpt (abandoned)',
      'claude',
      'claude',
      'claude',
    ]);
    expect(result.restarts).toMatchObject([{ model: 'gpt', abandonedSteps: 1 }]);
    expect(lookups).toEqual(['A-1', 'A-1']);
    // Anthropic's conversation started over: its first request has the user message only.
    expect((body(ant.requests[0]).messages as unknown[]).length).toBe(1);
    expect((body(ant.requests[2]).messages as Array<{ role: string }>).map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
    ]);

    const records = await router.costs.records();
    expect(records.map((r) => `${r.model}:${r.outcome}`)).toEqual(['gpt:ok', 'gpt:error', 'claude:ok', 'claude:ok', 'claude:ok']);
    expect(records.every((r) => r.session === result.session && r.tenant === 'acme' && r.agent === 'support')).toBe(true);
    // gpt step: 100 x 0.15 + 20 x 0.6 = 27 micros; each claude step: 100 x 1 + 20 x 5 = 200 micros.
    expect(records.map((r) => r.costMicros)).toEqual([27, 0, 200, 200, 200]);
    expect(result.cost.totalMicros).toBe(627);
    expect(result.usage.totalTokens).toBe(4 * 120);
  });
});

describe('router.run() on the wire, every vendor', { timeout: 30_000 }, () => {
  const lookupOrder = tool({
    input: z.object({ orderId: z.string() }),
    execute: ({ orderId }) => ({ orderId, totalUsd: 25, status: 'delivered' }),
  });
  const ollamaReply = (message: Record<string, unknown>) => ({
    model: 'llama3.1:8b',
    message: { role: 'assistant', content: '', ...message },
    done: true,
    done_reason: 'stop',
    prompt_eval_count: 50,
    eval_count: 9,
  });
  type Case = {
    model: 'gpt' | 'claude' | 'flash' | 'ds' | 'llama';
    server: () => Loopback;
    replies: unknown[];
    /** The tool call and its result as the second request carries them, in the vendor's format. */
    sent: (second: Record<string, unknown>) => void;
  };
  const openaiCall = openaiReply(
    { tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookupOrder', arguments: '{"orderId":"A-1"}' } }] },
    'tool_calls',
  );
  const openaiSent = (second: Record<string, unknown>) => {
    const m = second.messages as Array<Record<string, unknown>>;
    expect(m.map((x) => x.role)).toEqual(['user', 'assistant', 'tool']);
    expect(m[1]!.tool_calls).toMatchObject([{ id: 'call_1', function: { name: 'lookupOrder' } }]);
    expect(m[2]).toMatchObject({ tool_call_id: 'call_1' });
    expect(JSON.parse(m[2]!.content as string)).toEqual({ orderId: 'A-1', totalUsd: 25, status: 'delivered' });
    expect((second.tools as unknown[]).length).toBe(1);
  };
  const cases: Case[] = [
    { model: 'gpt', server: () => oai, replies: [openaiCall, openaiReply({ content: 'Delivered.' })], sent: openaiSent },
    { model: 'ds', server: () => ds, replies: [openaiCall, openaiReply({ content: 'Delivered.' })], sent: openaiSent },
    {
      model: 'claude',
      server: () => ant,
      replies: [
        anthropicReply([{ type: 'tool_use', id: 'toolu_1', name: 'lookupOrder', input: { orderId: 'A-1' } }], 'tool_use'),
        anthropicReply([{ type: 'text', text: 'Delivered.' }]),
      ],
      sent: (second) => {
        const m = second.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>;
        expect(m.map((x) => x.role)).toEqual(['user', 'assistant', 'user']);
        expect(m[1]!.content).toMatchObject([{ type: 'tool_use', id: 'toolu_1', name: 'lookupOrder', input: { orderId: 'A-1' } }]);
        expect(m[2]!.content).toMatchObject([{ type: 'tool_result', tool_use_id: 'toolu_1' }]);
        expect(JSON.stringify(m[2]!.content)).toContain('delivered');
      },
    },
    {
      model: 'flash',
      server: () => gem,
      replies: [
        {
          candidates: [
            {
              content: { role: 'model', parts: [{ functionCall: { name: 'lookupOrder', args: { orderId: 'A-1' } } }] },
              finishReason: 'STOP',
            },
          ],
          usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 20, totalTokenCount: 120 },
        },
        geminiReply('Delivered.'),
      ],
      sent: (second) => {
        const contents = second.contents as Array<{ role: string; parts: Array<Record<string, unknown>> }>;
        expect(contents.map((c) => c.role)).toEqual(['user', 'model', 'user']);
        expect(contents[1]!.parts).toMatchObject([{ functionCall: { name: 'lookupOrder', args: { orderId: 'A-1' } } }]);
        expect(contents[2]!.parts).toMatchObject([{ functionResponse: { name: 'lookupOrder' } }]);
        expect(JSON.stringify(contents[2]!.parts)).toContain('delivered');
      },
    },
    {
      model: 'llama',
      server: () => oll,
      replies: [
        ollamaReply({ tool_calls: [{ function: { name: 'lookupOrder', arguments: { orderId: 'A-1' } } }] }),
        ollamaReply({ content: 'Delivered.' }),
      ],
      sent: (second) => {
        const m = second.messages as Array<Record<string, unknown>>;
        expect(m.map((x) => x.role)).toEqual(['user', 'assistant', 'tool']);
        expect(m[1]!.tool_calls).toMatchObject([{ function: { name: 'lookupOrder', arguments: { orderId: 'A-1' } } }]);
        expect(String(m[2]!.content)).toContain('delivered');
      },
    },
  ];

  it.each(cases)('$model: the tool call is read from the vendor reply, its result goes back in the vendor format', async (c) => {
    const server = c.server();
    const replies = [...c.replies];
    server.handle((_req, res) => sendJson(res, 200, replies.shift()));
    const router = routerOf(c.model);
    const result = await router.run({ messages, tools: { lookupOrder } });
    expect(result.status).toBe('done');
    expect(result.text).toBe('Delivered.');
    expect(result.steps.map((s) => s.toolCalls.map((t) => [t.toolName, t.input]))).toEqual([[['lookupOrder', { orderId: 'A-1' }]], []]);
    expect(result.steps[0]!.toolResults[0]).toMatchObject({ status: 'ok', output: { status: 'delivered' } });
    expect(server.requests).toHaveLength(2);
    c.sent(body(server.requests[1]));
    const records = await router.costs.records();
    expect(records.map((r) => `${r.model}:${r.outcome}`)).toEqual([`${c.model}:ok`, `${c.model}:ok`]);
    expect(result.cost.totalMicros).toBe(records.reduce((n, r) => n + r.costMicros, 0));
  });
});

describe('router.streamRun() on the wire', { timeout: 30_000 }, () => {
  it('OpenAI stream: tool-call deltas assemble into a call, the tool runs, the next step streams the answer', async () => {
    const sse = (delta: Record<string, unknown>, finish: string | null = null, usage?: unknown) =>
      `data: ${JSON.stringify({
        id: 'c1',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'gpt-4o-mini',
        choices: [{ index: 0, delta, finish_reason: finish }],
        ...(usage !== undefined && { usage }),
      })}\n\n`;
    const usage = { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 };
    const steps = [
      [
        sse({
          role: 'assistant',
          content: null,
          tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'lookupOrder', arguments: '' } }],
        }),
        sse({ tool_calls: [{ index: 0, function: { arguments: '{"orderId":' } }] }),
        sse({ tool_calls: [{ index: 0, function: { arguments: '"A-1"}' } }] }),
        sse({}, 'tool_calls', usage),
        'data: [DONE]\n\n',
      ],
      [sse({ role: 'assistant', content: 'Deliv' }), sse({ content: 'ered.' }), sse({}, 'stop', usage), 'data: [DONE]\n\n'],
    ];
    oai.handle((_req, res) => sendPieces(res, 200, 'text/event-stream', steps.shift()!));
    const executed: string[] = [];
    const tools = {
      lookupOrder: tool({
        input: z.object({ orderId: z.string() }),
        execute: ({ orderId }) => (executed.push(orderId), { status: 'delivered' }),
      }),
    };
    const types: string[] = [];
    let text = '';
    let final;
    for await (const event of routerOf('gpt').streamRun({ messages, tools })) {
      types.push(event.type === 'stream' ? `stream:${event.event.type}` : event.type);
      if (event.type === 'stream' && event.event.type === 'text-delta') text += event.event.delta;
      if (event.type === 'finish') final = event.result;
    }
    expect(executed).toEqual(['A-1']);
    expect(text).toBe('Delivered.');
    expect(types).toContain('stream:tool-call-delta');
    expect(types.indexOf('stream:tool-call')).toBeLessThan(types.indexOf('tool-result'));
    expect(types.filter((t) => t === 'step-finish')).toHaveLength(2);
    expect(final).toMatchObject({ status: 'done', text: 'Delivered.', usage: { totalTokens: 240 }, cost: { totalMicros: 54 } });
    expect(oai.requests.map((r) => body(r).stream)).toEqual([true, true]);
    const second = body(oai.requests[1]).messages as Array<Record<string, unknown>>;
    expect(second.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(second[2]).toMatchObject({ tool_call_id: 'call_1', content: '{"status":"delivered"}' });
  });
});
