import * as ai from 'ai';
import { generateObject, generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSwitchyard, type SpecificationVersion } from '../../src/ai-sdk/index.js';
import { createRouter, SwitchyardError } from '../../src/index.js';
import { mockProvider, type MockProviderOptions } from '../../src/testing.js';

// The AI SDK logs warnings to the console by default; the tests read them from the results.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

const nodeMajor = Number(process.versions.node.split('.')[0]);
/** `ai` 7 (run by the newer-Node CI step) has `isStepCount`; `ai` 6 does not. */
const aiMajor = 'isStepCount' in ai ? 7 : 6;
const versions: SpecificationVersion[] = aiMajor >= 7 && nodeMajor >= 22 ? ['v3', 'v4'] : ['v3'];

function twoVendors(a: MockProviderOptions, b: MockProviderOptions) {
  const first = mockProvider({ name: 'first', ...a });
  const second = mockProvider({ name: 'second', ...b });
  const router = createRouter({
    providers: { first, second },
    models: {
      a: { provider: 'first', model: 'a-1', pricing: { input: 1, output: 2 } },
      b: { provider: 'second', model: 'b-1', pricing: { input: 1, output: 2 } },
    },
    retry: { retries: 0 },
  });
  return { first, second, router };
}

describe.each(versions)('switchyard as an AI SDK %s language model (ai %i)'.replace('%i', String(aiMajor)), (version) => {
  // Type-checked against ai 6's LanguageModel (v3); the v4 case only runs under ai 7, whose types accept both.
  const specificationVersion = version as 'v3';
  it('generateText: routed with fallback; usage, finish reason and the route come back; context reaches the cost records', async () => {
    const { router, second } = twoVendors(
      { reply: { fail: 503 } },
      { reply: { text: 'Hello from b', usage: { inputTokens: 10, outputTokens: 4, cachedInputTokens: 6 } } },
    );
    const switchyard = createSwitchyard(router, { specificationVersion });
    const result = await generateText({
      model: switchyard(),
      system: 'Be brief.',
      prompt: 'hi',
      temperature: 0.2,
      maxOutputTokens: 50,
      providerOptions: { switchyard: { tenant: 'acme', agent: 'support', session: 's-1' } },
    });
    expect(result.text).toBe('Hello from b');
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toMatchObject({ inputTokens: 10, outputTokens: 4, totalTokens: 14 });
    expect(result.usage.inputTokenDetails).toMatchObject({ cacheReadTokens: 6, noCacheTokens: 4 });
    expect(result.providerMetadata?.switchyard).toMatchObject({ model: 'b', provider: 'second', fallbackUsed: true, attempts: 2 });
    expect(result.response.modelId).toBe('b-1');
    const sent = second.calls[0]!.request;
    expect(sent.params).toMatchObject({ temperature: 0.2, maxTokens: 50 });
    expect(sent.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    const records = await router.costs.records();
    expect(records.at(-1)).toMatchObject({ tenant: 'acme', agent: 'support', session: 's-1', model: 'b', outcome: 'ok' });
  });

  it('streamText: text deltas, tool input deltas, the tool call, usage and finish reason', async () => {
    const { router } = twoVendors({ reply: { text: 'Streaming works fine', chunks: ['Streaming ', 'works ', 'fine'] } }, {});
    const result = streamText({ model: createSwitchyard(router, { specificationVersion })(), prompt: 'go' });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe('Streaming works fine');
    expect(await result.finishReason).toBe('stop');
    expect((await result.usage).totalTokens).toBeGreaterThan(0);
    expect((await result.providerMetadata)?.switchyard).toMatchObject({ model: 'a' });
    expect((await result.response).modelId).toBe('a-1');

    const { router: withTools } = twoVendors(
      { reply: [{ toolCalls: [{ name: 'lookupOrder', args: { orderId: 'A-1' }, id: 't1' }] }, 'Delivered.'] },
      {},
    );
    const tools = {
      lookupOrder: tool({
        inputSchema: z.object({ orderId: z.string() }),
        execute: async ({ orderId }) => ({ orderId, status: 'delivered' }),
      }),
    };
    const loop = streamText({
      model: createSwitchyard(withTools, { specificationVersion })(),
      prompt: 'where is A-1',
      tools,
      stopWhen: stepCountIs(3),
    });
    const types: string[] = [];
    for await (const part of loop.fullStream) types.push(part.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'tool-input-start',
        'tool-input-delta',
        'tool-input-end',
        'tool-call',
        'tool-result',
        'text-delta',
        'finish',
      ]),
    );
    expect(await loop.text).toBe('Delivered.');
  });

  it('generateObject: the schema reaches the vendor as native structured output and the object validates', async () => {
    const { router, first } = twoVendors({ reply: '{"approve":true,"amountUsd":12}' }, {});
    const { object } = await generateObject({
      model: createSwitchyard(router, { specificationVersion })(),
      schema: z.object({ approve: z.boolean(), amountUsd: z.number() }),
      schemaName: 'refundDecision',
      prompt: 'decide',
    });
    expect(object).toEqual({ approve: true, amountUsd: 12 });
    expect(first.calls[0]!.request.responseFormat).toMatchObject({
      type: 'json-schema',
      name: 'refundDecision',
      schema: { type: 'object' },
    });
  });

  it("the AI SDK's tool loop: every step routed through switchyard, pinned to one model by the session", async () => {
    const script = [
      { toolCalls: [{ name: 'lookupOrder', args: { orderId: 'A-1' }, id: 'c1' }] },
      { toolCalls: [{ name: 'lookupOrder', args: { orderId: 'A-2' }, id: 'c2' }] },
      'Both delivered.',
    ];
    const first = mockProvider({ name: 'first', reply: script });
    const second = mockProvider({ name: 'second', reply: script });
    const router = createRouter({
      providers: { first, second },
      models: { a: { provider: 'first', model: 'a-1' }, b: { provider: 'second', model: 'b-1' } },
      strategy: 'load-balance',
    });
    const lookupOrder = tool({
      inputSchema: jsonSchema<{ orderId: string }>({ type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] }),
      execute: async ({ orderId }) => ({ orderId, status: 'delivered' }),
    });
    const result = await generateText({
      model: createSwitchyard(router, { specificationVersion })(),
      prompt: 'where are A-1 and A-2?',
      tools: { lookupOrder },
      stopWhen: stepCountIs(5),
      providerOptions: { switchyard: { session: 'conv-9' } },
    });
    expect(result.steps).toHaveLength(3);
    expect(result.text).toBe('Both delivered.');
    expect(new Set(result.steps.map((s) => s.providerMetadata?.switchyard?.model)).size).toBe(1);
    // The tool results went back to the vendor as switchyard tool messages.
    const served = first.calls.length > 0 ? first : second;
    expect(served.calls[2]!.request.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant', 'tool']);
    expect(served.calls[1]!.request.tools?.[0]).toMatchObject({ name: 'lookupOrder', parameters: { type: 'object' } });
  });

  it('warnings: what cannot be carried is reported, with the vendor adapter warnings', async () => {
    const { router } = twoVendors({ reply: 'ok' }, {});
    const result = await generateText({
      model: createSwitchyard(router, { specificationVersion })(),
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'read this' },
            { type: 'file', data: new Uint8Array([1, 2, 3]), mediaType: 'application/pdf' },
          ],
        },
      ],
    });
    expect(result.warnings).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'unsupported', feature: 'file part (application/pdf)' })]),
    );
  });

  it('errors are switchyard typed errors; the AI SDK does not retry them (the router already did)', async () => {
    const { router, first, second } = twoVendors({ reply: { fail: 503 } }, { reply: { fail: 'authentication' } });
    const error = await generateText({ model: createSwitchyard(router, { specificationVersion })(), prompt: 'x', maxRetries: 3 }).catch(
      (e: unknown) => e,
    );
    expect(SwitchyardError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'all-attempts-failed' });
    expect(first.calls).toHaveLength(1);
    expect(second.calls).toHaveLength(1);

    const bad = await generateText({
      model: createSwitchyard(router, { specificationVersion })(),
      prompt: 'x',
      providerOptions: { switchyard: { tenat: 'acme' } },
    }).catch((e: unknown) => e);
    expect(bad).toMatchObject({
      code: 'invalid-request',
      issues: [{ path: 'providerOptions.switchyard.tenat', message: 'unknown field' }],
    });
  });

  it('streamText: a failure after deltas were delivered is an error part; reasoning streams as its own block', async () => {
    const { router } = twoVendors(
      { reply: { reasoning: 'Think first.', text: 'one two three four', cutAfterChunks: 3 } },
      { reply: 'unused' },
    );
    const result = streamText({ model: createSwitchyard(router, { specificationVersion })(), prompt: 'x', onError: () => undefined });
    const parts: Array<{ type: string; error?: unknown }> = [];
    for await (const part of result.fullStream) parts.push(part);
    const types = parts.map((p) => p.type);
    expect(types).toContain('reasoning-start');
    expect(types).toContain('text-delta');
    const failure = parts.find((p) => p.type === 'error');
    expect(SwitchyardError.isInstance(failure?.error)).toBe(true);
    expect(failure?.error).toMatchObject({ code: 'provider-unavailable' });
  });

  it('a model id forces that alias', async () => {
    const { router, second } = twoVendors({ reply: 'from a' }, { reply: 'from b' });
    const { text } = await generateText({ model: createSwitchyard(router, { specificationVersion })('b'), prompt: 'x' });
    expect(text).toBe('from b');
    expect(second.calls).toHaveLength(1);
  });
});

describe('runtime checks', () => {
  it.runIf(nodeMajor < 22)('a v4 (ai 7) provider on Node < 22 is a ConfigError at once', () => {
    const router = createRouter({ providers: { m: mockProvider() }, models: { m: { provider: 'm', model: 'm' } } });
    expect(() => createSwitchyard(router, { specificationVersion: 'v4' })).toThrow(/Node 22/);
  });
});
