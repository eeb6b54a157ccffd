import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createRouter, hasToolCall, stepCountIs, tool, type AgentTool } from '../../src/index.js';
import { mockProvider, type MockReply } from '../../src/testing.js';
import { type ProviderRequest } from '../../src/provider.js';

const user = (content: string) => [{ role: 'user' as const, content }];
const lookupOrder = tool({
  description: 'Looks up an order by id',
  input: z.object({ orderId: z.string() }),
  execute: ({ orderId }) => ({ orderId, status: 'delivered', totalUsd: 40 }),
});

/** A scripted model: calls lookupOrder, then answers with what the tool said. */
const agentScript = (answer = 'Your order was delivered.'): MockReply[] => [
  { toolCalls: [{ name: 'lookupOrder', args: { orderId: 'A-1' }, id: 'c1' }] },
  answer,
];

describe('router.run()', () => {
  it('executes tools with typed, validated arguments, feeds results back and sums usage and cost', async () => {
    const vendor = mockProvider({ reply: agentScript() });
    const router = createRouter({
      providers: { vendor },
      models: { m: { provider: 'vendor', model: 'm-1', pricing: { input: 1, output: 1 } } },
    });
    const result = await router.run({ messages: user('where is A-1?'), tools: { lookupOrder } });
    expect(result.status).toBe('done');
    expect(result.text).toBe('Your order was delivered.');
    expect(result.steps).toHaveLength(2);
    const call = result.steps[0]!.toolCalls[0]!;
    expectTypeOf(call.input).toEqualTypeOf<{ orderId: string }>();
    expect(call).toEqual({ toolCallId: 'c1', toolName: 'lookupOrder', input: { orderId: 'A-1' } });
    expect(result.steps[0]!.toolResults).toEqual([
      {
        toolCallId: 'c1',
        toolName: 'lookupOrder',
        input: { orderId: 'A-1' },
        status: 'ok',
        output: { orderId: 'A-1', status: 'delivered', totalUsd: 40 },
      },
    ]);
    // The second call saw the assistant's tool call and the tool's result.
    const second = vendor.calls[1]!.request.messages;
    expect(second.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(second[2]).toMatchObject({ content: [{ type: 'tool-result', toolCallId: 'c1', result: { status: 'delivered' } }] });
    expect(result.usage.totalTokens).toBe(result.steps[0]!.usage.totalTokens + result.steps[1]!.usage.totalTokens);
    expect(result.cost.totalMicros).toBe(result.steps[0]!.cost.totalMicros + result.steps[1]!.cost.totalMicros);
    // One session for the whole run: every cost record carries it.
    expect(result.session).toMatch(/^run_/);
    expect((await router.costs.records()).map((r) => r.session)).toEqual([result.session, result.session]);
  });

  it('turns a throwing execute and invalid arguments into error results the model sees', async () => {
    const seen: ProviderRequest[] = [];
    const vendor = mockProvider({
      reply: [
        {
          toolCalls: [
            { name: 'explode', args: {}, id: 'e1' },
            { name: 'lookupOrder', args: { orderId: 7 }, id: 'e2' },
            { name: 'nope', args: {}, id: 'e3' },
          ],
        },
        (request) => {
          seen.push(request);
          return 'sorry';
        },
      ],
    });
    const router = createRouter({ providers: { vendor }, models: { m: { provider: 'vendor', model: 'm-1' } } });
    const explode = tool({
      input: z.object({}),
      execute: () => {
        throw new Error('database is down');
      },
    });
    const result = await router.run({ messages: user('x'), tools: { lookupOrder, explode } });
    expect(result.status).toBe('done');
    expect(result.steps[0]!.toolResults.map((r) => [r.toolCallId, r.status])).toEqual([
      ['e1', 'error'],
      ['e2', 'invalid-input'],
      ['e3', 'error'],
    ]);
    const results = seen[0]!.messages[2]!;
    expect(results).toMatchObject({
      role: 'tool',
      content: [
        { isError: true, result: 'database is down' },
        { isError: true },
        { isError: true, result: expect.stringContaining('Unknown tool') },
      ],
    });
  });

  it('stops at maxSteps or a stop condition', async () => {
    const vendor = mockProvider({ reply: { toolCalls: [{ name: 'lookupOrder', args: { orderId: 'A' } }] } });
    const router = createRouter({ providers: { vendor }, models: { m: { provider: 'vendor', model: 'm-1' } } });
    expect((await router.run({ messages: user('x'), tools: { lookupOrder }, maxSteps: 3 })).status).toBe('max-steps');
    expect(vendor.calls).toHaveLength(3);
    const stopped = await router.run({
      messages: user('x'),
      tools: { lookupOrder },
      stopWhen: [stepCountIs(5), hasToolCall('lookupOrder')],
    });
    expect(stopped.status).toBe('stopped');
    expect(stopped.steps).toHaveLength(1);
  });

  it('stays on one model and falls back as a whole when it fails mid-run; every step is costed', async () => {
    // Step 1 on `a` works, step 2 on `a` fails (503, after a retry): the run restarts on `b` from the start.
    const a = mockProvider({ name: 'a', reply: [agentScript()[0]!, { fail: 503 }] });
    const b = mockProvider({ name: 'b', reply: agentScript('Delivered (from b).') });
    const router = createRouter({
      providers: { a, b },
      models: {
        a: { provider: 'a', model: 'a-1', pricing: { input: 1, output: 1 } },
        b: { provider: 'b', model: 'b-1', pricing: { input: 2, output: 2 } },
      },
      retry: { retries: 1, minDelayMs: 1, jitter: false },
    });
    let executions = 0;
    const counted = tool({ input: z.object({ orderId: z.string() }), execute: ({ orderId }) => ({ orderId, n: ++executions }) });
    const result = await router.run({ messages: user('x'), tools: { lookupOrder: counted } });
    expect(result.steps.map((s) => [s.model, s.abandoned])).toEqual([
      ['a', true],
      ['b', false],
      ['b', false],
    ]);
    expect(result.status).toBe('done');
    expect(result.model).toBe('b');
    expect(result.text).toBe('Delivered (from b).');
    expect(result.restarts).toHaveLength(1);
    expect(result.restarts[0]).toMatchObject({ model: 'a', abandonedSteps: 1 });
    expect(executions).toBe(2); // the restart ran the tool again
    // b's first step started from the original conversation, not from a's.
    expect(b.calls[0]!.request.messages).toHaveLength(1);
    const records = await router.costs.records();
    // Every step is in the ledger (the failed step 2 on `a` as an error record), all under the run's session.
    expect(records.map((r) => `${r.model}:${r.outcome}`)).toEqual(['a:ok', 'a:error', 'b:ok', 'b:ok']);
    expect(new Set(records.map((r) => r.session))).toEqual(new Set([result.session]));
    expect(records[0]!.costMicros).toBeGreaterThan(0);
    expect(result.cost.totalMicros).toBe(records.reduce((n, r) => n + r.costMicros, 0));
    expect(result.usage.totalTokens).toBe(result.steps.reduce((n, s) => n + s.usage.totalTokens, 0));
  });

  it('stays on one model under a strategy that would alternate (round-robin), with no session given', async () => {
    // Calls the tool until the conversation has two results, then answers; plain chats get text.
    const script = (request: ProviderRequest): MockReply => {
      const results = request.messages.filter((m) => m.role === 'tool').length;
      if (!request.tools?.length || results >= 2) return 'done';
      return { toolCalls: [{ name: 'lookupOrder', args: { orderId: `A-${results}` } }] };
    };
    const a = mockProvider({ name: 'a', reply: script });
    const b = mockProvider({ name: 'b', reply: script });
    const router = createRouter({
      providers: { a, b },
      models: { a: { provider: 'a', model: 'a-1' }, b: { provider: 'b', model: 'b-1' } },
      strategy: { type: 'load-balance', mode: 'round-robin' },
    });
    // Plain chat calls alternate between the two models...
    const served = [];
    for (let i = 0; i < 4; i++) served.push((await router.chat({ messages: user('x') })).route.model);
    expect(new Set(served)).toEqual(new Set(['a', 'b']));
    // ...a run's three steps do not.
    const result = await router.run({ messages: user('x'), tools: { lookupOrder } });
    expect(result.status).toBe('done');
    expect(result.steps).toHaveLength(3);
    expect(new Set(result.steps.map((s) => s.model)).size).toBe(1);
    expect(result.steps.every((s) => s.route.model === result.model)).toBe(true);
  });

  it('stops for approval with the pending calls and resumes with the decisions', async () => {
    const vendor = mockProvider({
      reply: [
        {
          toolCalls: [
            { name: 'refund', args: { orderId: 'A-1', amountUsd: 40 }, id: 'r1' },
            { name: 'lookupOrder', args: { orderId: 'A-1' }, id: 'l1' },
          ],
        },
        'Refunded.',
        { toolCalls: [{ name: 'refund', args: { orderId: 'B', amountUsd: 900 }, id: 'r2' }] },
        'Not refunded.',
      ],
    });
    const router = createRouter({ providers: { vendor }, models: { m: { provider: 'vendor', model: 'm-1' } } });
    const refunds: string[] = [];
    const refund = tool({
      input: z.object({ orderId: z.string(), amountUsd: z.number() }),
      needsApproval: ({ amountUsd }) => amountUsd > 20,
      execute: ({ orderId }) => {
        refunds.push(orderId);
        return { refunded: true };
      },
    });
    const tools = { refund, lookupOrder };
    const paused = await router.run({ messages: user('refund A-1'), tools });
    expect(paused.status).toBe('needs-approval');
    expect(paused.pending).toEqual([
      { toolCallId: 'r1', toolName: 'refund', input: { orderId: 'A-1', amountUsd: 40 }, reason: 'approval' },
    ]);
    expect(paused.steps[0]!.toolResults.map((r) => r.toolCallId)).toEqual(['l1']); // the other call ran
    expect(refunds).toEqual([]);

    const done = await router.run({ tools, resume: paused, approvals: { r1: true } });
    expect(done.status).toBe('done');
    expect(refunds).toEqual(['A-1']);
    expect(done.resumed).toMatchObject([{ toolCallId: 'r1', status: 'ok' }]);
    const sent = vendor.calls[1]!.request.messages;
    expect(sent[2]).toMatchObject({ role: 'tool', content: [{ toolCallId: 'r1' }, { toolCallId: 'l1' }] }); // in call order

    const again = await router.run({ messages: user('refund B'), tools });
    const denied = await router.run({ tools, resume: again, approvals: { r2: { approved: false, reason: 'too large' } } });
    expect(denied.resumed).toMatchObject([{ status: 'denied', error: expect.stringContaining('too large') }]);
    expect(refunds).toEqual(['A-1']);
  });

  it('hands calls to tools without execute back to the caller', async () => {
    const vendor = mockProvider({ reply: [{ toolCalls: [{ name: 'askUser', args: { question: 'Which order?' }, id: 'q1' }] }, 'Thanks'] });
    const router = createRouter({ providers: { vendor }, models: { m: { provider: 'vendor', model: 'm-1' } } });
    const tools = { askUser: tool({ input: z.object({ question: z.string() }) }) };
    const paused = await router.run({ messages: user('help'), tools });
    expect(paused.status).toBe('tool-calls');
    expect(paused.pending).toMatchObject([{ toolCallId: 'q1', reason: 'client' }]);
    const messages = [
      ...paused.messages,
      { role: 'tool' as const, content: [{ type: 'tool-result' as const, toolCallId: 'q1', toolName: 'askUser', result: 'A-1' }] },
    ];
    expect((await router.run({ messages, tools })).text).toBe('Thanks');
  });
});

describe('router.run(): aborts and bad input', () => {
  it('an abort stops the run at once: no fallback to the next model', async () => {
    const a = mockProvider({ name: 'a', reply: [{ toolCalls: [{ name: 'lookupOrder', args: { orderId: 'A' } }] }, { hang: true }] });
    const b = mockProvider({ name: 'b', reply: 'never' });
    const router = createRouter({ providers: { a, b }, models: { a: { provider: 'a', model: 'a' }, b: { provider: 'b', model: 'b' } } });
    const controller = new AbortController();
    const slow = tool({
      input: z.object({ orderId: z.string() }),
      execute: () => (setTimeout(() => controller.abort(), 20), { ok: true }),
    });
    const error = await router
      .run({ messages: user('x'), tools: { lookupOrder: slow }, signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'abort' });
    expect(b.calls).toHaveLength(0);
  });

  it('rejects a bad maxSteps or a tool without input schema with the path', async () => {
    const router = createRouter({ providers: { v: mockProvider() }, models: { m: { provider: 'v', model: 'm' } } });
    await expect(router.run({ messages: user('x'), tools: { lookupOrder }, maxSteps: 0 })).rejects.toMatchObject({
      code: 'invalid-request',
      path: 'maxSteps',
    });
    expect(() => router.streamRun({ messages: user('x'), tools: { broken: {} as never } })).toThrow(/tools\.broken\.input/);
  });

  it('rejects an invalid tool JSON Schema (a misspelt type, a non-object root) with its path, before any call', async () => {
    const vendor = mockProvider();
    const router = createRouter({ providers: { v: vendor }, models: { m: { provider: 'v', model: 'm' } } });
    const misspelt: AgentTool = { input: { type: 'object', properties: { orderId: { type: 'strnig' } } } };
    await expect(router.run({ messages: user('x'), tools: { lookupOrder: misspelt } })).rejects.toMatchObject({
      name: 'InvalidRequestError',
      path: 'tools.lookupOrder.input.properties.orderId.type',
      message: expect.stringContaining('unknown JSON Schema type "strnig"'),
    });
    const stringRoot: AgentTool = { input: { type: 'string' } };
    await expect(router.run({ messages: user('x'), tools: { lookupOrder: stringRoot } })).rejects.toMatchObject({
      path: 'tools.lookupOrder.input.type',
      message: expect.stringContaining('type "object"'),
    });
    const zodRoot = tool({ input: z.string() });
    expect(() => router.streamRun({ messages: user('x'), tools: { lookupOrder: zodRoot } })).toThrow(/tools\.lookupOrder\.input\.type/);
    expect(vendor.calls).toHaveLength(0);
  });

  it('types a JSON Schema tool by its declared input type', async () => {
    const vendor = mockProvider({ reply: [{ toolCalls: [{ name: 'weather', args: { city: 'Oslo' } }] }, 'Sunny'] });
    const router = createRouter({ providers: { vendor }, models: { m: { provider: 'vendor', model: 'm' } } });
    const weather: AgentTool<{ city: string }, string> = {
      input: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      execute: ({ city }) => `sunny in ${city}`,
    };
    const result = await router.run({ messages: user('x'), tools: { weather } });
    expectTypeOf(result.steps[0]!.toolCalls[0]!.input).toEqualTypeOf<{ city: string }>();
    expect(result.steps[0]!.toolResults[0]).toMatchObject({ status: 'ok', output: 'sunny in Oslo' });
  });
});

describe('router.streamRun()', () => {
  it('streams each step and ends with the same result as run()', async () => {
    const vendor = mockProvider({ reply: agentScript('All good.') });
    const router = createRouter({ providers: { vendor }, models: { m: { provider: 'vendor', model: 'm-1' } } });
    const types: string[] = [];
    let text = '';
    let final;
    for await (const event of router.streamRun({ messages: user('x'), tools: { lookupOrder } })) {
      types.push(event.type === 'stream' ? `stream:${event.event.type}` : event.type);
      if (event.type === 'stream' && event.event.type === 'text-delta') text += event.event.delta;
      if (event.type === 'finish') final = event.result;
    }
    expect(text).toBe('All good.');
    expect(types[0]).toBe('step-start');
    expect(types).toContain('stream:tool-call');
    expect(types).toContain('tool-result');
    expect(types.filter((t) => t === 'step-finish')).toHaveLength(2);
    expect(types[types.length - 1]).toBe('finish');
    expect(final).toMatchObject({ status: 'done', text: 'All good.' });
    expect(vendor.calls.map((c) => c.method)).toEqual(['stream', 'stream']);
  });
});
