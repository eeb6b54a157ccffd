/** How long a stream may keep sending after its end marker before it is cut. */
const DRAIN_LIMIT_MS = 10_000;

/**
 * Reads what is left of a vendor stream after its end marker (`message_stop`, Ollama's `done`
 * line), in the background, so that the HTTP body ends normally and its connection goes back to
 * the pool: cancelling a body mid-way makes the HTTP client close the socket, and the next call
 * pays a new connection. A server that keeps sending past `DRAIN_LIMIT_MS` is cut with `cancel`.
 */
export function drainInBackground(iterator: AsyncIterator<unknown>, cancel: () => void): void {
  const timer = setTimeout(cancel, DRAIN_LIMIT_MS);
  timer.unref?.();
  void (async () => {
    try {
      while (!(await iterator.next()).done) {
        // Nothing is expected after the end marker; whatever comes is dropped.
      }
    } catch {
      // The answer was already delivered: an error while reading the tail changes nothing.
    } finally {
      clearTimeout(timer);
    }
  })();
}
