import type { AuditEntry } from '../types.js';
import type { AuditSink } from './types.js';

export type SinkErrorHandler = (error: unknown, entry?: AuditEntry) => void;

/**
 * Feeds one sink in order and tracks what is in flight, so that `flush()` waits for every write.
 * Never throws: failures go to `onError`.
 */
export class SinkRunner {
  readonly #sink: AuditSink;
  readonly #onError: SinkErrorHandler;
  readonly #inFlight = new Set<Promise<void>>();
  /** Serialises writes of a sink that is not `ordered`. */
  #tail: Promise<void> = Promise.resolve();
  #busy = 0;
  written = 0;
  failed = 0;

  constructor(sink: AuditSink, onError: SinkErrorHandler) {
    this.#sink = sink;
    this.#onError = onError;
  }

  #fail(error: unknown, entry?: AuditEntry): void {
    if (entry) this.failed++;
    try {
      this.#onError(error, entry);
    } catch {
      // A throwing error handler must not break the request either.
    }
  }

  #track(promise: Promise<void>, entry: AuditEntry): Promise<void> {
    const tracked = promise.then(
      () => void this.written++,
      (error: unknown) => this.#fail(error, entry),
    );
    this.#inFlight.add(tracked);
    void tracked.finally(() => this.#inFlight.delete(tracked));
    return tracked;
  }

  #call(entry: AuditEntry): Promise<void> | undefined {
    try {
      const result = this.#sink.write(entry);
      if (result instanceof Promise) return this.#track(result, entry);
      this.written++;
    } catch (error) {
      this.#fail(error, entry);
    }
    return undefined;
  }

  write(entry: AuditEntry): void {
    if (this.#sink.ordered) {
      this.#call(entry);
      return;
    }
    if (this.#busy === 0) {
      const pending = this.#call(entry);
      if (!pending) return;
      this.#busy++;
      this.#tail = pending.finally(() => void this.#busy--);
      return;
    }
    this.#busy++;
    this.#tail = this.#tail.then(() => this.#call(entry)).finally(() => void this.#busy--);
  }

  async flush(): Promise<void> {
    let tail: Promise<void>;
    do {
      tail = this.#tail;
      await tail;
    } while (tail !== this.#tail);
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
    try {
      await this.#sink.flush?.();
    } catch (error) {
      this.#fail(error);
    }
  }

  async close(): Promise<void> {
    await this.flush();
    try {
      await this.#sink.close?.();
    } catch (error) {
      this.#fail(error);
    }
  }
}
