/**
 * How to unit-test agent code offline with `switchyard/testing`. Each block is a recipe;
 * the asserts make this file fail loudly if the library ever behaves differently.
 */
import assert from 'node:assert/strict';
import {
  AllAttemptsFailedError,
  createRouter,
  InvalidResponseError,
  RateLimitError,
  TimeoutError,
  type ChatRequest,
} from '../src/index.js';
import { mockProvider } from '../src/testing.js';

const ask = (content: string): ChatRequest => ({ messages: [{ role: 'user', content }] });

// 1. A rate-limited primary falls back to the secondary; the route says so.
{
  const primary = mockProvider({ name: 'primary', reply: { fail: { error: 'rate-limit', retryAfterMs: 60_000 } } });
  const secondary = mockProvider({ name: 'secondary', reply: 'handled by secondary' });
  const router = createRouter({
    providers: { primary, secondary },
    models: { a: { provider: 'primary', model: 'gpt-4o-mini' }, b: { provider: 'secondary', model: 'deepseek-chat' } },
  });
  const res = await router.chat(ask('hello'));
  assert.equal(res.text, 'handled by secondary');
  assert.equal(res.route.fallbackUsed, true);
  assert.ok(RateLimitError.isInstance(res.route.attempts[0]!.error));
  console.log('1. fallback after rate limit:', res.route.attempts.map((a) => `${a.model}:${a.errorClass ?? 'ok'}`).join(' -> '));
}

// 2. A flaky provider (20% failures, seeded) behind retries: every request still succeeds.
{
  const flaky = mockProvider({ failRate: { probability: 0.2, with: 503, seed: 7 }, reply: 'ok' });
  // The breaker counts consecutive failures across concurrent requests: a provider this flaky would
  // trip the default (5), so this recipe raises it to show retries alone.
  const router = createRouter({
    providers: { flaky },
    models: { m: { provider: 'flaky', model: 'x' } },
    retry: { retries: 3, minDelayMs: 1, jitter: false },
    circuitBreaker: { failureThreshold: 50 },
  });
  const results = await Promise.all(Array.from({ length: 50 }, () => router.chat(ask('hi'))));
  const retried = results.filter((r) => r.route.attempts.length > 1).length;
  assert.equal(results.length, 50);
  console.log(`2. flaky provider: 50/50 succeeded, ${retried} needed a retry, ${flaky.calls.length} calls made`);
}

// 3. A hanging provider is cut by the request deadline.
{
  const stuck = mockProvider({ reply: { hang: true } });
  const router = createRouter({ providers: { stuck }, models: { m: { provider: 'stuck', model: 'x' } } });
  const error = await router.chat({ ...ask('hi'), timeoutMs: 50 }).catch((e: unknown) => e);
  assert.ok(TimeoutError.isInstance(error));
  console.log('3. hanging provider:', (error as TimeoutError).message);
}

// 4. A tool-calling loop: the script answers the tool call, then the final text.
{
  const agent = mockProvider({
    reply: [{ toolCalls: [{ name: 'get_order', args: { id: 'A-1' } }] }, (req) => `Order status: ${JSON.stringify(req.messages.at(-1))}`],
  });
  const router = createRouter({ providers: { agent }, models: { m: { provider: 'agent', model: 'x' } } });
  const tools = [{ name: 'get_order', parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } }];
  const request: ChatRequest = { ...ask('Where is A-1?'), tools };
  const first = await router.chat(request);
  assert.equal(first.finishReason, 'tool-calls');
  const call = first.toolCalls[0]!;
  const second = await router.chat({
    ...request,
    messages: [
      ...request.messages,
      { role: 'assistant', content: first.content },
      {
        role: 'tool',
        content: [{ type: 'tool-result', toolCallId: call.toolCallId, toolName: call.toolName, result: { status: 'shipped' } }],
      },
    ],
  });
  assert.match(second.text, /shipped/);
  console.log('4. tool loop:', call.toolName, JSON.stringify(call.args), '->', second.text);
}

// 5. Streams: deltas then a finish; a stream cut without its end is never a success.
{
  const streamer = mockProvider({
    reply: [{ text: '你好，我可以帮您查询订单。' }, { text: 'one two three four', truncateAfterChunks: 2 }],
  });
  const router = createRouter({ providers: { streamer }, models: { m: { provider: 'streamer', model: 'x' } }, retry: { retries: 0 } });
  let text = '';
  for await (const ev of router.stream(ask('hi'))) {
    if (ev.type === 'text-delta') text += ev.delta;
    if (ev.type === 'finish') console.log(`5. stream: "${text}" (${ev.usage.outputTokens} output tokens)`);
  }
  const cut = await router
    .stream(ask('again'))
    .collect()
    .catch((e: unknown) => e);
  assert.ok(InvalidResponseError.isInstance(cut) || AllAttemptsFailedError.isInstance(cut));
  console.log('   cut stream:', (cut as Error).name);
}
