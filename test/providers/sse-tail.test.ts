import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drainCancelledEventStreams } from '../../src/providers/shared/sse-tail.js';
import { sendJson, sendSse, startCountingServer, type CountingServer } from '../transport/server.js';

// openai@7 cancels a stream's body at `[DONE]`; the adapter then gives it a fetch that reads the
// rest in the background so the socket stays reusable. Here the same thing, SDK-free.

let server: CountingServer;
beforeEach(async () => {
  server = await startCountingServer();
});
afterEach(async () => {
  await server.close();
});

const frames = ['data: {"n":1}\n\n', 'data: {"n":2}\n\n', 'data: [DONE]\n\n'];

/** Reads the first chunk, then cancels the body, like an SDK that stops at its end marker. */
async function readFirstThenCancel(f: typeof fetch): Promise<{ first: string; url: string }> {
  const res = await f(`${server.url}/v1/chat`, { method: 'POST', body: '{}' });
  const reader = res.body!.getReader();
  const { value } = await reader.read();
  await reader.cancel();
  return { first: new TextDecoder().decode(value), url: res.url };
}

const settle = () => new Promise((r) => setTimeout(r, 25));

describe('drainCancelledEventStreams', () => {
  it('a cancelled event stream is read to its end: the next request reuses the socket', async () => {
    server.handle((_req, res) => sendSse(res, frames));
    const f = drainCancelledEventStreams(() => globalThis.fetch);
    for (let i = 0; i < 3; i++) {
      const { first, url } = await readFirstThenCancel(f);
      expect(first).toContain('"n":1');
      expect(url).toBe(`${server.url}/v1/chat`);
      await settle();
    }
    expect(server.accepted()).toBe(1);
    expect(server.open()).toBe(1);
  });

  it('control: without it, cancelling the body closes the socket each time', async () => {
    server.handle((_req, res) => sendSse(res, frames));
    for (let i = 0; i < 3; i++) {
      await readFirstThenCancel(globalThis.fetch);
      await settle();
    }
    expect(server.accepted()).toBeGreaterThanOrEqual(3);
  });

  it('other responses are returned as they are; status and headers of a stream are kept', async () => {
    server.handle((req, res) => (req.url.endsWith('json') ? sendJson(res, { ok: true }) : sendSse(res, frames)));
    const f = drainCancelledEventStreams(() => globalThis.fetch);
    const json = await f(`${server.url}/json`);
    expect(await json.json()).toEqual({ ok: true });
    const sse = await f(`${server.url}/sse`);
    expect(sse.status).toBe(200);
    expect(sse.headers.get('content-type')).toContain('text/event-stream');
    expect(await sse.text()).toBe(frames.join(''));
  });

  it('an abort still cuts the stream at once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    server.handle((_req, res) => sendSse(res, frames, { stallAfter: 1, gate }));
    const controller = new AbortController();
    const res = await drainCancelledEventStreams(() => globalThis.fetch)(`${server.url}/sse`, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await expect(reader.read()).rejects.toThrow();
    release();
    await server.allClosed();
    expect(server.open()).toBe(0);
  });
});
