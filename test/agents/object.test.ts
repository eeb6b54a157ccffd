import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createRouter, ObjectValidationError, SwitchyardError, type ObjectStreamEvent } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';

const user = (content: string) => [{ role: 'user' as const, content }];
const refund = z.object({ approve: z.boolean(), amountUsd: z.number().min(0), reason: z.string() });

describe('router.object()', () => {
  it('returns an object typed from a zod schema, asking for native structured output', async () => {
    const vendor = mockProvider({ reply: '{"approve":true,"amountUsd":12.5,"reason":"late"}' });
    const router = createRouter({
      providers: { vendor },
      models: { m: { provider: 'vendor', model: 'm-1', pricing: { input: 1, output: 2 } } },
    });
    const { object, response, tries } = await router.object({ messages: user('refund?'), schema: refund, schemaName: 'refundDecision' });
    expectTypeOf(object).toEqualTypeOf<{ approve: boolean; amountUsd: number; reason: string }>();
    expect(object).toEqual({ approve: true, amountUsd: 12.5, reason: 'late' });
    expect(tries).toMatchObject([{ model: 'm', mode: 'native', ok: true, repair: false }]);
    expect(response.route.attempts).toHaveLength(1);
    const format = vendor.calls[0]!.request.responseFormat;
    expect(format).toMatchObject({
      type: 'json-schema',
      name: 'refundDecision',
      schema: { type: 'object', required: ['approve', 'amountUsd', 'reason'] },
    });
  });

  it('accepts a JSON Schema with a type parameter and validates against it', async () => {
    const vendor = mockProvider({ reply: ['{"city":42}', '{"city":"Paris"}'] });
    const router = createRouter({ providers: { vendor }, models: { m: { provider: 'vendor', model: 'm-1' } } });
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } as const;
    const { object, tries } = await router.object<{ city: string }>({
      messages: user('where?'),
      schema: { ...schema, required: ['city'] },
    });
    expectTypeOf(object).toEqualTypeOf<{ city: string }>();
    expect(object).toEqual({ city: 'Paris' });
    expect(tries.map((t) => t.ok)).toEqual([false, true]);
  });

  it('repairs an answer that fails validation by re-asking the same model with the issues', async () => {
    const vendor = mockProvider({
      reply: ['```json\n{"approve":"yes","amountUsd":-1}\n```', '{"approve":true,"amountUsd":5,"reason":"ok"}'],
    });
    const router = createRouter({
      providers: { vendor },
      models: { m: { provider: 'vendor', model: 'm-1', pricing: { input: 1, output: 1 } } },
    });
    const { object, response, tries, cost } = await router.object({ messages: user('refund?'), schema: refund });
    expect(object.amountUsd).toBe(5);
    expect(tries).toMatchObject([
      { ok: false, repair: false },
      { ok: true, repair: true },
    ]);
    expect(tries[0]!.issues!.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['approve', 'amountUsd', 'reason']));
    // Every try is in route.attempts: the invalid answer as a failed attempt, then the valid one.
    expect(response.route.attempts.map((a) => [a.model, a.try, a.ok, a.errorClass])).toEqual([
      ['m', 1, false, 'ObjectValidationError'],
      ['m', 2, true, undefined],
    ]);
    // The repair turn carries the previous answer and the issues.
    const repair = vendor.calls[1]!.request.messages;
    expect(repair[1]).toMatchObject({ role: 'assistant' });
    expect(repair[2]).toMatchObject({ role: 'user', content: expect.stringContaining('amountUsd') });
    // Usage and cost are summed over both tries.
    expect(cost.totalMicros).toBe(response.cost.totalMicros + (cost.totalMicros - response.cost.totalMicros));
    expect(cost.totalMicros).toBeGreaterThan(response.cost.totalMicros);
  });

  it('falls back to the next candidate when repairs are exhausted, and records every try', async () => {
    const bad = mockProvider({ name: 'bad', reply: 'not json at all' });
    const good = mockProvider({ name: 'good', reply: '{"approve":false,"amountUsd":0,"reason":"policy"}' });
    const router = createRouter({
      providers: { bad, good },
      models: { a: { provider: 'bad', model: 'a-1' }, b: { provider: 'good', model: 'b-1' } },
    });
    const { object, response } = await router.object({ messages: user('refund?'), schema: refund, maxRepairs: 2 });
    expect(object.reason).toBe('policy');
    expect(bad.calls).toHaveLength(3);
    expect(response.route).toMatchObject({ model: 'b', candidates: ['a', 'b'], fallbackUsed: true });
    expect(response.route.attempts.map((a) => `${a.model}:${a.ok}`)).toEqual(['a:false', 'a:false', 'a:false', 'b:true']);
  });

  it('throws ObjectValidationError with the zod issues and the raw text when nothing validates', async () => {
    const vendor = mockProvider({ reply: '{"approve":true}' });
    const router = createRouter({ providers: { vendor }, models: { m: { provider: 'vendor', model: 'm-1' } } });
    const error = await router.object({ messages: user('x'), schema: refund, maxRepairs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectValidationError);
    expect(SwitchyardError.isInstance(error)).toBe(true);
    const e = error as ObjectValidationError;
    expect(ObjectValidationError.isInstance(e)).toBe(true);
    expect(e.text).toBe('{"approve":true}');
    expect(e.issues.map((i) => i.path.join('.')).sort()).toEqual(['amountUsd', 'reason']);
    expect(e.tries).toHaveLength(2);
    expect(e.attempts).toHaveLength(2);
    expect(vendor.calls).toHaveLength(2);
  });

  it('moves to the next candidate when a model fails, after the router retries it', async () => {
    const down = mockProvider({ name: 'down', reply: { fail: 503 } });
    const up = mockProvider({ name: 'up', reply: '{"approve":true,"amountUsd":1,"reason":"r"}' });
    const router = createRouter({
      providers: { down, up },
      models: { a: { provider: 'down', model: 'a' }, b: { provider: 'up', model: 'b' } },
      retry: { retries: 1, minDelayMs: 1, jitter: false },
    });
    const { response } = await router.object({ messages: user('x'), schema: refund });
    expect(response.route.model).toBe('b');
    expect(response.route.attempts.map((a) => [a.model, a.errorClass ?? 'ok'])).toEqual([
      ['a', 'ProviderUnavailableError'],
      ['a', 'ProviderUnavailableError'],
      ['b', 'ok'],
    ]);
  });

  it('uses prompt-and-validate for a provider kind without native JSON Schema output, or when asked', async () => {
    const vendor = mockProvider({ reply: '{"approve":true,"amountUsd":1,"reason":"r"}' });
    const router = createRouter({
      providers: { vendor },
      models: { m: { provider: 'vendor', model: 'm-1', capabilities: { json: false } } },
    });
    const { tries } = await router.object({ messages: user('x'), schema: refund, system: 'You are a refund agent.' });
    expect(tries[0]!.mode).toBe('prompt');
    const sent = vendor.calls[0]!.request;
    expect(sent.responseFormat).toBeUndefined(); // a model declared without JSON mode gets none
    expect(sent.system).toContain('You are a refund agent.');
    expect(sent.system).toContain('"amountUsd"');
    const other = mockProvider({ reply: '{"approve":true,"amountUsd":1,"reason":"r"}' });
    const second = createRouter({ providers: { other }, models: { m: { provider: 'other', model: 'm-1' } } });
    await second.object({ messages: user('x'), schema: refund, mode: 'prompt' });
    expect(other.calls[0]!.request.responseFormat).toEqual({ type: 'json' });
    expect(other.calls[0]!.request.system).toContain('JSON Schema');
  });

  it('rejects bad options with an InvalidRequestError naming the field', async () => {
    const router = createRouter({ providers: { v: mockProvider() }, models: { m: { provider: 'v', model: 'm' } } });
    await expect(router.object({ messages: user('x'), schema: refund, maxRepairs: -1 })).rejects.toMatchObject({
      code: 'invalid-request',
      path: 'maxRepairs',
    });
    expect(() => router.streamObject({ messages: user('x'), schema: refund, mode: 'magic' as never })).toThrow(/mode/);
  });

  it('rejects a JSON Schema a vendor would reject later with the path inside it, before any call', async () => {
    const vendor = mockProvider();
    const router = createRouter({ providers: { v: vendor }, models: { m: { provider: 'v', model: 'm' } } });
    await expect(
      router.object({ messages: user('x'), schema: { type: 'object', properties: { amount: { type: 'strnig' } } } }),
    ).rejects.toMatchObject({
      name: 'InvalidRequestError',
      path: 'schema.properties.amount.type',
      message: expect.stringContaining('"strnig"'),
    });
    await expect(router.object({ messages: user('x'), schema: { type: 'object', required: 'amount' } })).rejects.toMatchObject({
      path: 'schema.required',
    });
    expect(() => router.streamObject({ messages: user('x'), schema: z.object({ n: z.bigint() }) })).toThrow(/no JSON Schema form/);
    expect(vendor.calls).toHaveLength(0);
  });
});

describe('router.streamObject()', () => {
  it('yields partial objects as they parse, then the validated whole', async () => {
    const vendor = mockProvider({
      reply: {
        text: '{"approve":true,"amountUsd":7,"reason":"damaged item"}',
        chunks: ['{"appro', 've":true,', '"amountUsd":7,"rea', 'son":"damaged', ' item"}'],
      },
    });
    const router = createRouter({ providers: { vendor }, models: { m: { provider: 'vendor', model: 'm-1' } } });
    const events: Array<ObjectStreamEvent<z.infer<typeof refund>>> = [];
    for await (const event of router.streamObject({ messages: user('x'), schema: refund })) events.push(event);
    const partials = events.flatMap((e) => (e.type === 'partial' ? [e.partial] : []));
    expect(partials[0]).toEqual({});
    expect(partials).toContainEqual({ approve: true });
    expect(partials).toContainEqual({ approve: true, amountUsd: 7, reason: 'damaged' });
    const last = events[events.length - 1]!;
    expect(last.type).toBe('object');
    if (last.type === 'object') expect(last.object).toEqual({ approve: true, amountUsd: 7, reason: 'damaged item' });
  });

  it('starts a new try (repair) after an invalid streamed answer; result() resolves with the valid one', async () => {
    const vendor = mockProvider({ reply: ['{"approve":1}', '{"approve":true,"amountUsd":2,"reason":"r"}'] });
    const router = createRouter({ providers: { vendor }, models: { m: { provider: 'vendor', model: 'm-1' } } });
    const result = await router.streamObject({ messages: user('x'), schema: refund }).result();
    expect(result.object.amountUsd).toBe(2);
    expect(result.tries.map((t) => t.repair)).toEqual([false, true]);
  });
});
