import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AllAttemptsFailedError, AuthenticationError, createRouter, SwitchyardError, type StreamEvent } from '../../../src/index.js';
import { mockProvider } from '../../../src/testing.js';
import { anthropic } from '../../../src/providers/anthropic/index.js';
import { sendJson } from '../../helpers/loopback.js';
import { API_KEY, events, messageStart, replySse, textMessage, textStream, useLoopback } from './setup.js';

const { server } = useLoopback();
const messages = [{ role: 'user' as const, content: 'hello' }];

function router(extra: { backup?: boolean } = {}) {
  return createRouter({
    providers: {
      claude: anthropic({ apiKey: API_KEY, baseURL: server().url }),
      ...(extra.backup && { backup: mockProvider({ reply: 'from backup' }) }),
    },
    models: {
      haiku: { provider: 'claude', model: 'claude-haiku-4-5', pricing: { input: 1, output: 5 } },
      ...(extra.backup && { spare: { provider: 'backup', model: 'spare-1' } }),
    },
    retry: { retries: 0 },
  });
}

describe('anthropic through the public router', () => {
  it('chat end to end: text, usage with cache tokens summed, cost, route', async () => {
    server().handle((_req, res) =>
      sendJson(
        res,
        200,
        textMessage('Bonjour', {
          usage: { input_tokens: 100, cache_read_input_tokens: 800, cache_creation_input_tokens: 100, output_tokens: 20 },
        }),
      ),
    );
    const res = await router().chat({ messages, system: 'Answer in French.' });
    expect(res.text).toBe('Bonjour');
    expect(res.finishReason).toBe('stop');
    expect(res.rawFinishReason).toBe('end_turn');
    expect(res.providerResponseId).toBe('msg_1');
    expect(res.usage).toMatchObject({
      inputTokens: 1000,
      outputTokens: 20,
      totalTokens: 1020,
      cachedInputTokens: 800,
      cacheWriteTokens: 100,
    });
    expect(res.usage.raw).toMatchObject({ input_tokens: 100, cache_read_input_tokens: 800 });
    expect(res.cost.priced).toBe(true);
    expect(res.route).toMatchObject({ model: 'haiku', provider: 'claude', providerModel: 'claude-haiku-4-5', fallbackUsed: false });
    expect(server().requests[0]!.body).toMatchObject({ model: 'claude-haiku-4-5', system: 'Answer in French.' });
  });

  it('stream end to end: start, deltas, tool call, finish with usage and the assembled response', async () => {
    server().handle((_req, res) =>
      replySse(
        res,
        events(
          messageStart({ input_tokens: 40, cache_read_input_tokens: 60, output_tokens: 1 }),
          { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Need weather.' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig-xyz' } },
          { type: 'content_block_stop', index: 0 },
          { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Let me check.' } },
          { type: 'content_block_stop', index: 1 },
          { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_9', name: 'get_weather', input: {} } },
          { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
          { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } },
          { type: 'content_block_stop', index: 2 },
          { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 25 } },
          { type: 'message_stop' },
        ),
      ),
    );
    const seen: StreamEvent['type'][] = [];
    let finish: Extract<StreamEvent, { type: 'finish' }> | undefined;
    for await (const ev of router().stream({ messages })) {
      seen.push(ev.type);
      if (ev.type === 'finish') finish = ev;
    }
    expect(seen).toEqual(['start', 'reasoning-delta', 'text-delta', 'tool-call-delta', 'tool-call-delta', 'tool-call', 'finish']);
    expect(finish!.finishReason).toBe('tool-calls');
    expect(finish!.usage).toMatchObject({ inputTokens: 100, cachedInputTokens: 60, outputTokens: 25 });
    expect(finish!.response.content).toEqual([
      { type: 'reasoning', text: 'Need weather.', signature: 'sig-xyz' },
      { type: 'text', text: 'Let me check.' },
      { type: 'tool-call', toolCallId: 'toolu_9', toolName: 'get_weather', args: { city: 'Paris' } },
    ]);
    expect(finish!.response.toolCalls).toHaveLength(1);
    expect(finish!.response.reasoning).toBe('Need weather.');
  });

  it('falls back to the next model after a 529 overloaded, and records the typed attempt', async () => {
    server().handle((_req, res) => sendJson(res, 529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
    const res = await router({ backup: true }).chat({ messages });
    expect(res.text).toBe('from backup');
    expect(res.route.fallbackUsed).toBe(true);
    expect(res.route.attempts.map((a) => [a.model, a.ok, a.errorClass])).toEqual([
      ['haiku', false, 'ProviderUnavailableError'],
      ['spare', true, undefined],
    ]);
    expect(res.route.attempts[0]!.error).toMatchObject({
      statusCode: 529,
      vendorCode: 'overloaded_error',
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
    });
  });

  it('a stream that fails with 529 before any content falls back too', async () => {
    server().handle((_req, res) => sendJson(res, 529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
    const response = await router({ backup: true }).stream({ messages }).collect();
    expect(response.text).toBe('from backup');
    expect(response.route.attempts[0]).toMatchObject({ model: 'haiku', ok: false, errorClass: 'ProviderUnavailableError' });
  });

  it('a finished stream reaches the router as a normal finish', async () => {
    server().handle((_req, res) => replySse(res, textStream('Hi there')));
    const response = await router().stream({ messages }).collect();
    expect(response.text).toBe('Hi there');
    expect(response.usage).toMatchObject({ inputTokens: 10, outputTokens: 7 });
  });
});

describe('no API key in any error output', () => {
  const leaks = (e: unknown) => {
    const outputs = [String((e as Error).message), String((e as Error).stack), JSON.stringify(e), inspect(e, { depth: 10 })];
    if (e instanceof AllAttemptsFailedError)
      for (const a of e.errors) outputs.push(a.message, String(a.stack), JSON.stringify(a), inspect(a, { depth: 10 }));
    return outputs.filter((o) => o.includes(API_KEY) || o.includes('SECRETKEY-1234567890'));
  };

  it('a 401 whose body echoes the key: direct and through the router', async () => {
    server().handle((_req, res) =>
      sendJson(res, 401, { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key: ${API_KEY}` } }),
    );
    const direct = await anthropic({ apiKey: API_KEY, baseURL: server().url })
      .chat({ messages, params: {} }, { model: 'claude-haiku-4-5' })
      .catch((e: unknown) => e);
    expect(AuthenticationError.isInstance(direct)).toBe(true);
    expect(leaks(direct)).toEqual([]);
    const routed = await router()
      .chat({ messages })
      .catch((e: unknown) => e);
    expect(SwitchyardError.isInstance(routed)).toBe(true);
    expect(leaks(routed)).toEqual([]);
  });

  it('an in-stream error and a connection failure', async () => {
    server().handle((_req, res) =>
      replySse(
        res,
        events(messageStart(), { type: 'error', error: { type: 'overloaded_error', message: `Overloaded for key ${API_KEY}` } }),
      ),
    );
    const streamed = await router()
      .stream({ messages })
      .collect()
      .catch((e: unknown) => e);
    expect(SwitchyardError.isInstance(streamed)).toBe(true);
    expect(leaks(streamed)).toEqual([]);
    const unreachable = await anthropic({ apiKey: API_KEY, baseURL: 'http://127.0.0.1:9' })
      .chat({ messages, params: {} }, { model: 'm' })
      .catch((e: unknown) => e);
    expect(SwitchyardError.isInstance(unreachable)).toBe(true);
    expect(leaks(unreachable)).toEqual([]);
  });

  it('validateCredentials error output', async () => {
    server().handle((_req, res) =>
      sendJson(res, 403, { type: 'error', error: { type: 'permission_error', message: `key ${API_KEY} lacks access` } }),
    );
    const check = await anthropic({ apiKey: API_KEY, baseURL: server().url }).validateCredentials();
    expect(check.ok).toBe(false);
    expect(leaks(check.error)).toEqual([]);
    expect(leaks(check)).toEqual([]);
  });
});
