/**
 * Splits a byte stream into NDJSON lines. Bytes are decoded by a streaming `TextDecoderStream`,
 * so a multi-byte UTF-8 character cut between two network chunks is joined before it is read;
 * lines are cut only at `\n` (a `\r` before it is dropped), and blank lines are skipped. A last
 * line without a trailing newline is still yielded.
 *
 * When `signal` fires, the read is cancelled at once (even on a stalled connection) and the
 * signal's reason is thrown: the caller maps it to AbortError. Stopping the iteration early
 * cancels the body (the HTTP client then closes the connection); `cut` stops the reading quietly.
 */
export async function* readNdjsonLines(body: ReadableStream<Uint8Array>, signal?: AbortSignal, cut?: AbortSignal): AsyncGenerator<string> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const onAbort = () => {
    reader.cancel(signal?.reason).catch(() => undefined);
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  // `cut` ends the reading quietly (the lines read so far stand), e.g. a tail that never ends.
  const onCut = () => void reader.cancel().catch(() => undefined);
  cut?.addEventListener('abort', onCut, { once: true });
  let buffer = '';
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (signal?.aborted) throw signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
      if (done) break;
      buffer += value;
      if (!buffer.includes('\n')) continue;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
        if (trimmed.trim() !== '') yield trimmed;
      }
    }
    finished = true;
    if (buffer.trim() !== '') yield buffer;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    cut?.removeEventListener('abort', onCut);
    if (!finished) await reader.cancel().catch(() => undefined);
  }
}
