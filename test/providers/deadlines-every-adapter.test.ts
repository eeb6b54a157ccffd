/**
 * Deadlines on every adapter (#19 items 7 and 11), through the real SDKs against a loopback vendor:
 * - a stream that has started obeys the request's `timeoutMs` and the caller's AbortSignal even
 *   when `retry.attemptTimeoutMs` is set (the vendor sends one delta, then stalls for 5 s before
 *   finishing: a stream that ends successfully ignored its deadline of 2 s);
 * - a caller's own short deadline is not a model failure: a healthy model's breaker stays closed.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AbortError, createRouter, TimeoutError, type LLMProvider, type StreamEvent } from '../../src/index.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { deepseek } from '../../src/providers/deepseek/index.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { openai } from '../../src/providers/openai/index.js';
import { openaiCompatible } from '../../src/providers/openai-compatible/index.js';
import { type Loopback, type RecordedRequest, sendJson, startLoopback } from '../helpers/loopback.js';

const KEY = 'sk-deadline-test-key-0123456789';
const STALL_MS = 5_000;
const messages = [{ role: 'user' as const, content: 'hi' }];

type Vendor = 'openai' | 'anthropic' | 'gemini' | 'ollama';
const sse = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
const ev = (o: { type: string } & Record<string, unknown>) => `event: ${o.type}\ndata: ${JSON.stringify(o)}\n\n`;

/** The stream of each wire format, cut in two: what comes before the stall, and the rest. */
const streams: Record<Vendor, { contentType: string; head: string[]; tail: string[] }> = {
  openai: {
    contentType: 'text/event-stream',
    head: [sse({ id: 'c1', choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' } }] })],
    tail: [
      sse({ id: 'c1', choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: 'stop' }] }),
      sse({ id: 'c1', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }),
      'data: [DONE]\n\n',
    ],
  },
  anthropic: {
    contentType: 'text/event-stream',
    head: [
      ev({ type: 'message_start', message: { id: 'msg_1', model: 'model-x', usage: { input_tokens: 3, output_tokens: 1 } } }),
      ev({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } }),
    ],
    tail: [
      ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo' } }),
      ev({ type: 'content_block_stop', index: 0 }),
      ev({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } }),
      ev({ type: 'message_stop' }),
    ],
  },
  gemini: {
    contentType: 'text/event-stream',
    head: [sse({ candidates: [{ content: { role: 'model', parts: [{ text: 'Hel' }] } }] })],
    tail: [
      sse({
        candidates: [{ content: { role: 'model', parts: [{ text: 'lo' }] }, finishReason: 'STOP' }],
        usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 },
      }),
    ],
  },
  ollama: {
    contentType: 'application/x-ndjson',
    head: [`${JSON.stringify({ model: 'model-x', message: { role: 'assistant', content: 'Hel' }, done: false })}\n`],
    tail: [
      `${JSON.stringify({ model: 'model-x', message: { role: 'assistant', content: 'lo' }, done: false })}\n`,
      `${JSON.stringify({ model: 'model-x', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', prompt_eval_count: 3, eval_count: 2 })}\n`,
    ],
  },
};

/** A whole chat answer in each wire format. */
const answers: Record<Vendor, unknown> = {
  openai: {
    id: 'c1',
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
  },
  anthropic: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'model-x',
    content: [{ type: 'text', text: 'ok' }],
    stop_reason: 'end_turn',
    usage: { input_tokens: 3, output_tokens: 1 },
  },
  gemini: {
    candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' }],
    usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 },
  },
  ollama: {
    model: 'model-x',
    message: { role: 'assistant', content: 'ok' },
    done: true,
    done_reason: 'stop',
    prompt_eval_count: 3,
    eval_count: 1,
  },
};

let lb: Loopback;
beforeAll(async () => {
  lb = await startLoopback();
});
afterAll(() => lb.close());
beforeEach(() => {
  lb.requests.length = 0;
});

const adapters: Array<{ name: string; vendor: Vendor; make: () => LLMProvider }> = [
  { name: 'openai', vendor: 'openai', make: () => openai({ apiKey: KEY, baseURL: `${lb.url}/v1` }) },
  { name: 'deepseek', vendor: 'openai', make: () => deepseek({ apiKey: KEY, baseURL: `${lb.url}/v1` }) },
  { name: 'openai-compatible', vendor: 'openai', make: () => openaiCompatible({ name: 'gw', apiKey: KEY, baseURL: `${lb.url}/v1` }) },
  { name: 'anthropic', vendor: 'anthropic', make: () => anthropic({ apiKey: KEY, baseURL: lb.url }) },
  { name: 'gemini', vendor: 'gemini', make: () => gemini({ apiKey: KEY, baseURL: lb.url }) },
  { name: 'ollama', vendor: 'ollama', make: () => ollama({ baseURL: lb.url }) },
];

const isStream = (req: RecordedRequest): boolean =>
  req.url.includes(':streamGenerateContent') || (req.body as { stream?: unknown } | undefined)?.stream === true;

/** Waits `ms` or until the client goes away. */
function pause(res: ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    res.once('close', () => (clearTimeout(timer), resolve()));
  });
}

/** Streams the head, stalls, then the tail (if the client is still there). */
function stalling(vendor: Vendor) {
  return async (req: RecordedRequest, res: ServerResponse): Promise<void> => {
    const s = streams[vendor];
    if (!isStream(req)) return sendJson(res, 500, { error: { message: 'this test only streams' } });
    res.writeHead(200, { 'content-type': s.contentType });
    for (const piece of s.head) res.write(piece);
    await pause(res, STALL_MS);
    if (res.destroyed || res.writableEnded) return;
    for (const piece of s.tail) res.write(piece);
    res.end();
  };
}

function routerOf(make: () => LLMProvider) {
  return createRouter({
    providers: { p: make() },
    models: { m: { provider: 'p', model: 'model-x', pricing: { input: 1, output: 1 } } },
    retry: { retries: 0, attemptTimeoutMs: 10_000 },
    circuitBreaker: { failureThreshold: 1, cooldownMs: 3_600_000 },
  });
}

async function drain(
  stream: AsyncIterable<StreamEvent>,
  onEvent?: (e: StreamEvent) => void,
): Promise<{ types: string[]; text: string; error: unknown }> {
  const types: string[] = [];
  let text = '';
  try {
    for await (const e of stream) {
      types.push(e.type);
      if (e.type === 'text-delta') text += e.delta;
      onEvent?.(e);
    }
  } catch (error) {
    return { types, text, error };
  }
  return { types, text, error: undefined };
}

/** One whole stream first, so that the adapter has loaded its SDK (seconds on a loaded machine) before a deadline counts. */
async function warmUp(vendor: Vendor, router: ReturnType<typeof routerOf>): Promise<void> {
  lb.handle((_req, res) => {
    const s = streams[vendor];
    res.writeHead(200, { 'content-type': s.contentType });
    res.end([...s.head, ...s.tail].join(''));
  });
  expect((await router.stream({ messages, model: 'm' }).collect()).text).toBe('Hello');
}

describe('a started stream with retry.attemptTimeoutMs, on every adapter (#19 item 7)', () => {
  it.each(adapters)(
    '$name: the request’s timeoutMs ends it with a TimeoutError',
    async ({ vendor, make }) => {
      const router = routerOf(make);
      await warmUp(vendor, router);
      lb.handle(stalling(vendor));
      const { types, text, error } = await drain(router.stream({ messages, model: 'm', timeoutMs: 2_000 }));
      // The stream had started (the delta before the stall reached the caller) and did not finish: the
      // vendor's tail (sent only after the 5 s stall) never arrived.
      expect(text).toBe('Hel');
      expect(types).not.toContain('finish');
      const last = (error as { lastError?: unknown } | undefined)?.lastError ?? error;
      expect(TimeoutError.isInstance(last), String(error)).toBe(true);
      await router.close();
    },
    30_000,
  );

  it.each(adapters)(
    '$name: the caller’s AbortSignal ends it with an AbortError',
    async ({ vendor, make }) => {
      const router = routerOf(make);
      await warmUp(vendor, router);
      lb.handle(stalling(vendor));
      const controller = new AbortController();
      const { types, text, error } = await drain(router.stream({ messages, model: 'm', signal: controller.signal }), (e) => {
        if (e.type === 'text-delta') controller.abort();
      });
      expect(text).toBe('Hel');
      expect(types).not.toContain('finish');
      expect(AbortError.isInstance(error), String(error)).toBe(true);
      await router.close();
    },
    30_000,
  );
});

describe('a caller’s own short deadline is not a model failure, on every adapter (#19 item 11)', () => {
  it.each(adapters)(
    '$name: chat and stream with timeoutMs: 50 leave the breaker closed; the next request is served',
    async ({ vendor, make }) => {
      let slow = true;
      lb.handle(async (req, res) => {
        if (slow) await pause(res, 1_000);
        if (res.destroyed) return;
        if (!isStream(req)) return sendJson(res, 200, answers[vendor]);
        const s = streams[vendor];
        res.writeHead(200, { 'content-type': s.contentType });
        for (const piece of [...s.head, ...s.tail]) res.write(piece);
        res.end();
      });
      const router = routerOf(make);
      for (let i = 0; i < 2; i++) {
        const chatError = await router.chat({ messages, model: 'm', timeoutMs: 50 }).catch((e: unknown) => e);
        expect(TimeoutError.isInstance(chatError), String(chatError)).toBe(true);
        const { error } = await drain(router.stream({ messages, model: 'm', timeoutMs: 50 }));
        expect(TimeoutError.isInstance(error), String(error)).toBe(true);
      }
      expect(router.health().models.m).toMatchObject({ state: 'closed', errorRate: 0 });
      slow = false;
      expect((await router.chat({ messages, model: 'm' })).text).toBe('ok');
      expect((await router.stream({ messages, model: 'm' }).collect()).text).toBe('Hello');
      await router.close();
    },
    30_000,
  );
});
