import { drainInBackground } from './drain.js';

type Fetch = typeof globalThis.fetch;

/**
 * Wraps a `fetch` so that an event-stream body the SDK cancels (openai@7 stops reading at `[DONE]`
 * and cancels the body) is read to its end in the background instead: a body cancelled before its
 * end makes the HTTP client close the socket, so every stream would pay a new connection (a TLS
 * handshake against a real API). Other responses are returned untouched. An abort still cuts the
 * request at once: it errors the underlying body, which ends the background read.
 */
export function drainCancelledEventStreams(inner: () => Fetch): Fetch {
  return async (input, init) => {
    const res = await inner()(input, init);
    const body = res.body;
    if (!body || !res.headers.get('content-type')?.includes('text/event-stream')) return res;
    const reader = body.getReader();
    const tail: AsyncIterator<unknown> = { next: () => reader.read() };
    const wrapped = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel() {
        drainInBackground(tail, () => void reader.cancel().catch(() => undefined));
      },
    });
    const out = new Response(wrapped, { status: res.status, statusText: res.statusText, headers: res.headers });
    Object.defineProperty(out, 'url', { value: res.url });
    return out;
  };
}
