import Bottleneck from 'bottleneck';
import { AbortError, RateLimitError } from '../core/errors.js';

export interface RateLimitOptions {
  /** Requests per minute. */
  rpm?: number;
  /** Tokens per minute: each request reserves its estimated tokens, corrected after the response. */
  tpm?: number;
  /** Calls in flight at once (a stream holds its slot until it ends). */
  maxConcurrent?: number;
  /** Requests allowed to wait when saturated; more is a local `RateLimitError`. Default 1,000. */
  maxQueue?: number;
  /**
   * When saturated: `next` (default) moves to the next candidate at once (this target waits only
   * when no other candidate is left); `queue` waits here.
   */
  overflow?: 'next' | 'queue';
}

/** A held slot: release it when the call (or the whole stream) ends, with the real token count if known. */
export interface Slot {
  release(actualTokens?: number): void;
}

const MINUTE = 60_000;

/** One target's limits (a provider or a model), on bottleneck. */
export class TargetLimiter {
  readonly #requests: Bottleneck;
  readonly #tokens: Bottleneck | undefined;
  readonly overflow: 'next' | 'queue';
  /** Serialises check-then-take in `tryAcquire`, so that concurrent callers cannot all see a free slot. */
  #gate: Promise<unknown> = Promise.resolve();

  constructor(
    readonly name: string,
    readonly options: RateLimitOptions,
  ) {
    this.overflow = options.overflow ?? 'next';
    const maxQueue = options.maxQueue ?? 1_000;
    this.#requests = new Bottleneck({
      maxConcurrent: options.maxConcurrent ?? null,
      ...(options.rpm !== undefined && { reservoir: options.rpm, reservoirRefreshAmount: options.rpm, reservoirRefreshInterval: MINUTE }),
      ...(maxQueue > 0 && { highWater: maxQueue, strategy: Bottleneck.strategy.OVERFLOW }),
    });
    this.#tokens =
      options.tpm === undefined
        ? undefined
        : new Bottleneck({ reservoir: options.tpm, reservoirRefreshAmount: options.tpm, reservoirRefreshInterval: MINUTE });
  }

  /** True when a request of `tokens` would start at once. */
  async available(tokens: number): Promise<boolean> {
    if (!(await this.#requests.check(1))) return false;
    return this.#tokens ? this.#tokens.check(Math.min(tokens, this.options.tpm ?? tokens)) : true;
  }

  /** Takes a slot only if one is free right now; undefined when saturated (nothing is queued). */
  tryAcquire(tokens: number, signal: AbortSignal | undefined): Promise<Slot | undefined> {
    const attempt = this.#gate.then(async () => ((await this.available(tokens)) ? this.acquire(tokens, signal) : undefined));
    this.#gate = attempt.catch(() => undefined);
    return attempt;
  }

  /** Waits for a slot (or fails at once with a local RateLimitError when the queue is full). */
  async acquire(tokens: number, signal: AbortSignal | undefined): Promise<Slot> {
    if ((this.options.maxQueue ?? 1_000) === 0 && !(await this.available(tokens))) {
      throw new RateLimitError({ local: true, provider: this.name, message: `Local rate limit of "${this.name}" reached and queueing is off (maxQueue: 0)` });
    }
    const weight = this.#tokens ? Math.min(Math.max(1, tokens), this.options.tpm ?? tokens) : 0;
    if (this.#tokens) await hold(this.#tokens, weight, signal, this.name).then((release) => release());
    const release = await hold(this.#requests, 1, signal, this.name);
    let released = false;
    return {
      release: (actualTokens) => {
        if (released) return;
        released = true;
        release();
        // Correct the token reservation to what the vendor reported.
        if (this.#tokens && actualTokens !== undefined && actualTokens !== weight) void this.#tokens.incrementReservoir(weight - actualTokens);
      },
    };
  }

  async stop(): Promise<void> {
    await Promise.all([this.#requests.stop({ dropWaitingJobs: true }).catch(() => undefined), this.#tokens?.stop({ dropWaitingJobs: true }).catch(() => undefined)]);
  }
}

/**
 * Schedules a job that holds bottleneck's slot until released. Resolves with the release
 * function once the job starts; an abort while queued rejects at once (the queued job then
 * starts and ends immediately).
 */
function hold(limiter: Bottleneck, weight: number, signal: AbortSignal | undefined, name: string): Promise<() => void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortError());
    let settled = false;
    const onAbort = () => {
      if (settled) return;
      settled = true;
      reject(new AbortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    limiter
      .schedule({ weight }, () =>
        new Promise<void>((done) => {
          signal?.removeEventListener('abort', onAbort);
          if (settled) return done();
          settled = true;
          resolve(done);
        }),
      )
      .catch((error: unknown) => {
        signal?.removeEventListener('abort', onAbort);
        if (settled) return;
        settled = true;
        reject(new RateLimitError({ local: true, provider: name, message: `Local rate-limit queue of "${name}" is full`, cause: error }));
      });
  });
}

/** What the attempt guards read: the limiters that apply to a call. */
export interface LimitsView {
  readonly size: number;
  limitersFor(provider: string, model: string): TargetLimiter[];
}

/** Limits by provider name and model alias; a call holds both. */
export class RateLimits implements LimitsView {
  readonly #byTarget = new Map<string, TargetLimiter>();

  constructor(config: Record<string, RateLimitOptions> | undefined) {
    for (const [name, options] of Object.entries(config ?? {})) this.#byTarget.set(name, new TargetLimiter(name, options));
  }

  get size(): number {
    return this.#byTarget.size;
  }

  /** The limiters that apply to a call of `model` at `provider`, provider first. */
  limitersFor(provider: string, model: string): TargetLimiter[] {
    const out: TargetLimiter[] = [];
    const p = this.#byTarget.get(provider);
    if (p) out.push(p);
    const m = this.#byTarget.get(model);
    if (m && m !== p) out.push(m);
    return out;
  }

  /**
   * The same limiters, applied only where `applies(provider, model)` holds: a tenant shares the
   * router's limits for the provider instances it shares, not for its own (BYOK) instances.
   */
  view(applies: (provider: string, model: string) => boolean): LimitsView {
    return {
      size: this.size,
      limitersFor: (provider, model) => (applies(provider, model) ? this.limitersFor(provider, model) : []),
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.#byTarget.values()].map((l) => l.stop()));
  }
}
