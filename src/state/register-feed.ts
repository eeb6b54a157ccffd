import { z } from 'zod';
import type { SharedStore, StoreChange } from './shared.js';

/** What `compareAndSet(..., { notify })` publishes: the register written and its new version. */
export interface RegisterNotice {
  key: string;
  version: number;
}

const noticeSchema = z.object({ key: z.string(), version: z.number() });

export interface RegisterFeedHandlers {
  /** A register was written on the channel (by this or another process). */
  onNotice(notice: RegisterNotice): void;
  /** Notices may have been missed (a reconnect, or the subscription has just begun): read everything again. */
  onResync(): void;
}

/**
 * The two halves every set of shared registers (emergency controls, runtime tenants) needs: a
 * subscription to the channel its writes notify on, made again every second while the store cannot
 * take it, and a queue that runs its store steps one after another. A step that fails is dropped:
 * the store reports its own outages (status events), and what this process has in force stays.
 */
export class RegisterFeed {
  #chain: Promise<void> = Promise.resolve();
  #stop: (() => Promise<void>) | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  readonly #listening: Promise<void>;

  constructor(
    private readonly store: SharedStore,
    private readonly channel: string,
    private readonly handlers: RegisterFeedHandlers,
  ) {
    this.#listening = this.#listen();
  }

  /** Runs `step` after every step queued before it. */
  enqueue(step: () => Promise<void>): void {
    this.#chain = this.#chain.then(step).catch(() => undefined);
  }

  /** Resolves when the first subscription attempt and every step queued so far have settled. */
  async settled(): Promise<void> {
    await this.#listening;
    await this.#chain;
  }

  /** Stops listening (and retrying) once the queued steps have run. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    await this.#chain;
    await this.#stop?.().catch(() => undefined);
  }

  #listen(): Promise<void> {
    return this.store
      .subscribe(this.channel, (change: StoreChange) => {
        if (change.type === 'resync') return this.handlers.onResync();
        let notice: unknown;
        try {
          notice = JSON.parse(change.message);
        } catch {
          return;
        }
        const parsed = noticeSchema.safeParse(notice);
        if (parsed.success) this.handlers.onNotice(parsed.data);
      })
      .then(
        (stop) => {
          if (this.#closed) return void stop().catch(() => undefined);
          this.#stop = stop;
          // A write made before the subscription began was not notified here: read once more.
          this.handlers.onResync();
        },
        () => {
          if (!this.#closed) (this.#retry = setTimeout(() => void this.#listen(), 1_000)).unref?.();
        },
      );
  }
}
