/** How long a queued item may wait for others before the queue is written. */
export const WRITE_BEHIND_MS = 10;
/** A queue this long is written at once, whatever the wait. */
export const WRITE_BEHIND_MAX = 256;

/**
 * A write-behind queue: items are written in order, in batches of at most `WRITE_BEHIND_MAX`, one
 * `write` call per batch, started at most `WRITE_BEHIND_MS` after the first item of the batch was
 * queued (or at once when the queue reaches `WRITE_BEHIND_MAX`). One call per batch is one store
 * round trip for many records (Redis, SQLite), and runs the ledger's code with its code and data in
 * the CPU's caches instead of once between every two SDK calls of the host. A batch that fails
 * reports each of its items to `onError`. `flush()` writes what is queued now, without waiting for the timer.
 */
export class WriteBehind<T> {
  #pending: T[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #draining: Promise<void> | undefined;

  constructor(
    private readonly write: (items: ReadonlyArray<T>) => Promise<unknown>,
    private readonly onError: (error: unknown, item: T) => void,
  ) {}

  get size(): number {
    return this.#pending.length;
  }

  push(item: T): void {
    this.#pending.push(item);
    if (this.#draining) return; // the running drain takes it
    if (this.#pending.length >= WRITE_BEHIND_MAX) void this.#start();
    else this.#timer ??= setTimeout(this.#onTimer, WRITE_BEHIND_MS);
  }

  /** Resolves when every item queued before the call (and during it) is written. */
  async flush(): Promise<void> {
    while (this.#draining || this.#pending.length > 0) await this.#start();
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    void this.#start();
  };

  #start(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    return (this.#draining ??= this.#drain());
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0, WRITE_BEHIND_MAX);
        try {
          await this.write(batch);
        } catch (error) {
          for (const item of batch) this.onError(error, item);
        }
      }
    } finally {
      this.#draining = undefined;
    }
  }
}
