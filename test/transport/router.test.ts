import { describe, expect, it, vi } from 'vitest';
import { AbortError, createRouter, SwitchyardError, type StreamEvent } from '../../src/index.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { openai } from '../../src/providers/openai/index.js';
import type { Transport, TransportOptions } from '../../src/transport/index.js';
import { anthropicFrames, anthropicMessage, completion, completionFrames, sendJson, sendSse, transportHarness } from './server.js';

// The shipped transport under the official SDKs, through createRouter(), against a loopback server
// that counts connections. No assertion depends on wall-clock time.

const messages = [{ role: 'user' as const, content: 'hi' }];

const h = transportHarness();
const transport = (options?: TransportOptions): Transport => h.transport(options);

function router(t: Transport) {
  return createRouter({
    providers: {
      gpt: openai({ apiKey: 'sk-test-transport-0000000000', baseURL: `${h.server.url}/v1`, fetch: t }),
      claude: anthropic({ apiKey: 'sk-ant-test-transport-000000', baseURL: `${h.server.url}/anthropic`, fetch: t }),
    },
    models: {
      'gpt-mini': { provider: 'gpt', model: 'gpt-4o-mini' },
      haiku: { provider: 'claude', model: 'claude-haiku-4-5' },
    },
    retry: { retries: 0 },
  });
}

/** Answers each wire format as JSON or SSE, as asked. */
function answer(words: string[]): void {
  h.server.handle((req, res) => {
    const stream = (req.body as { stream?: boolean } | undefined)?.stream === true;
    if (req.url.startsWith('/anthropic'))
      return stream ? sendSse(res, anthropicFrames(words)) : sendJson(res, anthropicMessage(words.join('')));
    return stream ? sendSse(res, completionFrames(words)) : sendJson(res, completion(words.join('')));
  });
}

async function streamText(events: AsyncIterable<StreamEvent>): Promise<string> {
  let text = '';
  for await (const ev of events) if (ev.type === 'text-delta') text += ev.delta;
  return text;
}

describe('createTransport() through createRouter()', () => {
  it('openai: chat text arrives, over the transport', async () => {
    answer(['Hello ', 'there']);
    const t = transport();
    const res = await router(t).chat({ messages, model: 'gpt-mini' });
    expect(res.text).toBe('Hello there');
    expect(res.route).toMatchObject({ model: 'gpt-mini', provider: 'gpt' });
    expect(h.server.requests.map((r) => r.url)).toEqual(['/v1/chat/completions']);
    // The request went through this transport's own Agent (its pool knows the origin).
    expect(Object.keys(t.stats())).toEqual([h.server.url]);
    expect(t.stats()[h.server.url]).toMatchObject({ connected: 1, running: 0 });
  });

  it('openai: streaming delivers every delta', async () => {
    answer(['a', 'b', 'c', 'd']);
    const t = transport();
    const r = router(t);
    const events: StreamEvent[] = [];
    for await (const ev of r.stream({ messages, model: 'gpt-mini' })) events.push(ev);
    expect(events.filter((e) => e.type === 'text-delta').map((e) => (e as { delta: string }).delta)).toEqual(['a', 'b', 'c', 'd']);
    expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
  });

  it('anthropic: chat and streaming over the same transport as openai (one pool per origin)', async () => {
    answer(['Bon', 'jour']);
    const t = transport();
    const r = router(t);
    expect((await r.chat({ messages, model: 'haiku' })).text).toBe('Bonjour');
    expect(await streamText(r.stream({ messages, model: 'haiku' }))).toBe('Bonjour');
    expect((await r.chat({ messages, model: 'gpt-mini' })).text).toBe('Bonjour');
    expect(h.server.requests.map((q) => q.url)).toEqual(['/anthropic/v1/messages', '/anthropic/v1/messages', '/v1/chat/completions']);
    expect(Object.keys(t.stats())).toEqual([h.server.url]);
  });

  it('sequential requests (chat on both adapters, openai streams) reuse one connection', async () => {
    answer(['ok']);
    const t = transport();
    const r = router(t);
    for (let i = 0; i < 12; i++) {
      if (i % 3 === 0) expect(await streamText(r.stream({ messages, model: 'gpt-mini' }))).toBe('ok');
      else expect((await r.chat({ messages, model: i % 2 === 0 ? 'gpt-mini' : 'haiku' })).text).toBe('ok');
      // undici hands a socket back to its pool a moment after the response ends (so does Node's
      // global fetch): a request sent in that same tick opens a second socket. Wait until it is back.
      await vi.waitFor(() => expect(t.stats()[h.server.url]).toMatchObject({ connected: 1, free: 1 }));
    }
    expect(h.server.requests).toHaveLength(12);
    expect(h.server.accepted()).toBe(1);
  });

  it('back-to-back sequential requests stay within 2 sockets; with connections: 1, exactly 1', async () => {
    answer(['ok']);
    const r = router(transport());
    for (let i = 0; i < 10; i++) expect((await r.chat({ messages, model: i % 2 ? 'haiku' : 'gpt-mini' })).text).toBe('ok');
    expect(h.server.accepted()).toBeLessThanOrEqual(2);

    const before = h.server.accepted();
    const one = router(transport({ connections: 1 }));
    for (let i = 0; i < 10; i++) {
      if (i % 2) expect((await one.chat({ messages, model: 'haiku' })).text).toBe('ok');
      else expect(await streamText(one.stream({ messages, model: 'gpt-mini' }))).toBe('ok');
    }
    expect(h.server.accepted() - before).toBe(1);
    expect(h.server.maxOutstandingPerSocket()).toBe(1);
  });

  // The anthropic adapter reads the rest of the body after `message_stop` in the background
  // instead of cancelling it (a cancelled body makes undici close the socket).
  it('anthropic streams reuse their connection', async () => {
    answer(['ok']);
    const t = transport({ connections: 1 });
    const r = router(t);
    for (let i = 0; i < 3; i++) expect(await streamText(r.stream({ messages, model: 'haiku' }))).toBe('ok');
    expect(h.server.accepted()).toBe(1);
  });

  it('16 concurrent requests use at most `connections` sockets, one request per socket at a time', async () => {
    // Hold the answers until 4 requests are in flight, so that the pool has to open all 4 sockets.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let held = 0;
    h.server.handle(async (_req, res) => {
      if (++held === 4) release();
      await gate;
      sendJson(res, completion('ok'));
    });
    const t = transport({ connections: 4 });
    const r = router(t);
    const results = await Promise.all(Array.from({ length: 16 }, () => r.chat({ messages, model: 'gpt-mini' })));
    expect(results.map((x) => x.text)).toEqual(Array(16).fill('ok'));
    expect(h.server.requests).toHaveLength(16);
    expect(h.server.accepted()).toBe(4);
    expect(h.server.maxOutstandingPerSocket()).toBe(1);
  });

  it('default pipelining is 1: a request never waits behind a stalled stream on its socket', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h.server.handle((req, res) => {
      const stream = (req.body as { stream?: boolean }).stream === true;
      return stream ? sendSse(res, completionFrames(['slow ', 'stream']), { stallAfter: 1, gate }) : sendJson(res, completion('fast'));
    });
    const t = transport();
    expect(t.options.pipelining).toBe(1);
    const r = router(t);
    const slow = r.stream({ messages, model: 'gpt-mini' })[Symbol.asyncIterator]();
    // Read up to the first delta: the stream now holds its socket, stalled.
    for (let ev = await slow.next(); !ev.done && ev.value.type !== 'text-delta'; ev = await slow.next());
    // Meanwhile, calls complete (each on a socket of its own).
    expect((await r.chat({ messages, model: 'gpt-mini' })).text).toBe('fast');
    expect((await r.chat({ messages, model: 'gpt-mini' })).text).toBe('fast');
    release();
    let rest = '';
    for (let ev = await slow.next(); !ev.done; ev = await slow.next()) if (ev.value.type === 'text-delta') rest += ev.value.delta;
    expect(rest).toBe('stream');
    expect(h.server.maxOutstandingPerSocket()).toBe(1);
    expect(h.server.requests[1]!.socket).not.toBe(h.server.requests[0]!.socket);
  });

  it('aborting mid-stream ends the request and frees its socket', async () => {
    h.server.handle((_req, res) => sendSse(res, completionFrames(['first ', 'never']), { stallAfter: 1, gate: new Promise(() => {}) }));
    const t = transport();
    const r = router(t);
    const controller = new AbortController();
    const seen: string[] = [];
    const consume = (async () => {
      for await (const ev of r.stream({ messages, model: 'gpt-mini', signal: controller.signal })) {
        if (ev.type === 'text-delta') {
          seen.push(ev.delta);
          controller.abort();
        }
      }
    })();
    const error = await consume.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(seen).toEqual(['first ']);
    expect(AbortError.isInstance(error) || (error as { name?: string }).name === 'AbortError').toBe(true);
    // The socket that carried the stream is closed (a half-read HTTP/1.1 response cannot be reused) ...
    await h.server.allClosed();
    await vi.waitFor(() => expect(t.stats()[h.server.url] ?? { connected: 0, running: 0 }).toMatchObject({ connected: 0, running: 0 }));
    // ... and the transport goes on with another.
    h.server.handle((_req, res) => sendJson(res, completion('after abort')));
    expect((await r.chat({ messages, model: 'gpt-mini' })).text).toBe('after abort');
    expect(h.server.requests[1]!.socket).not.toBe(h.server.requests[0]!.socket);
  });

  it('close() releases every socket; later calls fail, and close() is idempotent', async () => {
    answer(['ok']);
    const t = transport({ connections: 4 });
    const r = router(t);
    await Promise.all(Array.from({ length: 4 }, () => r.chat({ messages, model: 'gpt-mini' })));
    expect(h.server.open()).toBeGreaterThan(0);
    await r.close();
    await t.close();
    await h.server.allClosed();
    expect(h.server.open()).toBe(0);
    await t.close();
    const error = await r.chat({ messages, model: 'gpt-mini' }).catch((e: unknown) => e);
    expect(SwitchyardError.isInstance(error)).toBe(true);
  });

  it('close() lets a stream in flight finish; destroy() cuts it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h.server.handle((_req, res) => sendSse(res, completionFrames(['one ', 'two']), { stallAfter: 1, gate }));
    const t = transport();
    const r = router(t);
    const it1 = r.stream({ messages, model: 'gpt-mini' })[Symbol.asyncIterator]();
    for (let ev = await it1.next(); !ev.done && ev.value.type !== 'text-delta'; ev = await it1.next());
    const closed = t.close();
    release();
    let rest = '';
    for (let ev = await it1.next(); !ev.done; ev = await it1.next()) if (ev.value.type === 'text-delta') rest += ev.value.delta;
    expect(rest).toBe('two');
    await closed;
    await h.server.allClosed();

    const t2 = transport();
    const r2 = router(t2);
    h.server.handle((_req, res) => sendSse(res, completionFrames(['one ', 'two']), { stallAfter: 1, gate: new Promise(() => {}) }));
    const it2 = r2.stream({ messages, model: 'gpt-mini' })[Symbol.asyncIterator]();
    for (let ev = await it2.next(); !ev.done && ev.value.type !== 'text-delta'; ev = await it2.next());
    await t2.destroy();
    const error = await (async () => {
      for (let ev = await it2.next(); !ev.done; ev = await it2.next());
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(SwitchyardError.isInstance(error)).toBe(true);
    await h.server.allClosed();
  });
});

describe('createTransport() under the Gemini SDK and the Ollama adapter', () => {
  const gem = (o: unknown) => `data: ${JSON.stringify(o)}\r\n\r\n`;
  const ndjson = (o: unknown) => `${JSON.stringify(o)}\n`;
  const geminiReply = (text: string, last: boolean) => ({
    candidates: [{ content: { role: 'model', parts: [{ text }] }, ...(last && { finishReason: 'STOP' }) }],
    ...(last && { usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 } }),
  });
  const ollamaLine = (content: string, done: boolean) => ({
    model: 'qwen3',
    message: { role: 'assistant', content },
    done,
    ...(done && { done_reason: 'stop', prompt_eval_count: 3, eval_count: 2 }),
  });

  it('chat and streams arrive whole (Chinese text included) over one pool', async () => {
    h.server.handle((req, res) => {
      if (req.url.includes(':streamGenerateContent'))
        return sendSse(res, [gem(geminiReply('你好', false)), gem(geminiReply('，世界', true))]);
      if (req.url.includes(':generateContent')) return sendJson(res, geminiReply('你好，世界', true));
      const stream = (req.body as { stream?: boolean } | undefined)?.stream !== false;
      if (stream)
        return sendSse(
          res,
          [ndjson(ollamaLine('你好', false)), ndjson(ollamaLine('，世界', false)), ndjson(ollamaLine('', true))],
          {},
          'application/x-ndjson',
        );
      return sendJson(res, ollamaLine('你好，世界', true));
    });
    const t = transport();
    const { gemini } = await import('../../src/providers/gemini/index.js');
    const { ollama } = await import('../../src/providers/ollama/index.js');
    const r = createRouter({
      providers: {
        gem: gemini({ apiKey: 'gm-test-transport-0000000000', baseURL: h.server.url, fetch: t }),
        local: ollama({ baseURL: h.server.url, name: 'local', fetch: t }),
      },
      models: { flash: { provider: 'gem', model: 'gemini-2.5-flash' }, qwen: { provider: 'local', model: 'qwen3' } },
      retry: { retries: 0 },
    });
    for (const model of ['flash', 'qwen']) {
      expect((await r.chat({ messages, model })).text).toBe('你好，世界');
      expect(await streamText(r.stream({ messages, model }))).toBe('你好，世界');
    }
    expect(h.server.requests).toHaveLength(4);
    expect(Object.keys(t.stats())).toEqual([h.server.url]);
    await r.close();
  });
});
