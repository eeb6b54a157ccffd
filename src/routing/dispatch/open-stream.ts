import type { ProviderStreamPart } from '../../core/stream.js';
import type { StreamRecovery } from '../config/options.js';
import { checkPart, isContentPart } from './stream-parts.js';

export interface OpenedStream {
  iterator: AsyncIterator<ProviderStreamPart>;
  /** Parts read before the caller sees anything: up to the first content part, or the whole buffer window. */
  head: ProviderStreamPart[];
  /** A read already in flight when the buffer window closed on time. */
  pending?: Promise<IteratorResult<ProviderStreamPart>>;
  /** True when the provider stream ended inside the head. */
  done: boolean;
  /** Time to the first content part, in ms. */
  ttftMs: number | undefined;
}

const WINDOW_CLOSED = Symbol('window closed');

/**
 * Opens a provider stream and reads its head. Everything that fails in here (connection, HTTP
 * status, an error event before any delta, or any failure inside the buffer window) is still
 * invisible to the caller, so the attempt loop may retry or fall back.
 */
export async function openStream(
  parts: AsyncIterable<ProviderStreamPart>,
  recovery: Exclude<StreamRecovery, 'error'>,
  from: { provider: string; model: string },
): Promise<OpenedStream> {
  const started = performance.now();
  const iterator = parts[Symbol.asyncIterator]();
  const head: ProviderStreamPart[] = [];
  let ttftMs: number | undefined;
  const buffer = recovery.mode === 'buffer' ? { ms: recovery.ms ?? 0, chars: recovery.chars ?? Infinity } : undefined;
  let chars = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let windowClosed: Promise<typeof WINDOW_CLOSED> | undefined;
  try {
    for (;;) {
      const next = iterator.next();
      const result = windowClosed ? await Promise.race([next, windowClosed]) : await next;
      if (result === WINDOW_CLOSED) return { iterator, head, pending: next, done: false, ttftMs };
      if (result.done) return { iterator, head, done: true, ttftMs };
      const part = result.value;
      checkPart(part, from);
      head.push(part);
      if (!isContentPart(part)) continue;
      ttftMs ??= performance.now() - started;
      if (!buffer) return { iterator, head, done: false, ttftMs };
      if (part.type === 'finish') return { iterator, head, done: false, ttftMs };
      if (part.type === 'text-delta' || part.type === 'reasoning-delta') chars += part.delta.length;
      if (chars >= buffer.chars) return { iterator, head, done: false, ttftMs };
      if (buffer.ms > 0 && !windowClosed) {
        const remaining = buffer.ms - (performance.now() - started);
        if (remaining <= 0) return { iterator, head, done: false, ttftMs };
        windowClosed = new Promise((resolve) => {
          timer = setTimeout(() => resolve(WINDOW_CLOSED), remaining);
        });
      }
      if (buffer.ms === 0 && buffer.chars === Infinity) return { iterator, head, done: false, ttftMs };
    }
  } catch (error) {
    await iterator.return?.().catch(() => undefined);
    throw error;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
