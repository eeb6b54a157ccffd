import { z } from 'zod';
import type { SharedStore, StoreChange } from './shared.js';

/**
 * A circuit breaker's shared state for one target (provider credentials + model). Data that belongs
 * to a state lives in that state. Times are ms since the epoch.
 */
export type BreakerState =
  | { state: 'closed'; since: number }
  | {
      state: 'open';
      openedAt: number;
      /** When a probe may be tried. */
      retryAt: number;
      /** Consecutive failures that opened it, when that is what did. */
      failures?: number;
      /** Why it opened, e.g. `5 consecutive failures`, `probe failed`. */
      reason?: string;
    }
  /** One process holds the probe until `probeUntil`; the others keep the target closed to traffic. */
  | { state: 'half-open'; since: number; probeOwner: string; probeUntil: number };

export interface BreakerRecord {
  /** Increases by one on every transition; the compare-and-set token. */
  version: number;
  breaker: BreakerState;
}

const schema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('closed'), since: z.number() }),
  z.object({
    state: z.literal('open'),
    openedAt: z.number(),
    retryAt: z.number(),
    failures: z.number().int().optional(),
    reason: z.string().optional(),
  }),
  z.object({ state: z.literal('half-open'), since: z.number(), probeOwner: z.string(), probeUntil: z.number() }),
]);

export type BreakerTransition = { ok: true; version: number } | { ok: false; current: BreakerRecord | undefined };

export interface BreakerRegister {
  /** The target's shared breaker (undefined: no process ever moved it, i.e. closed). */
  get(target: string): Promise<BreakerRecord | undefined>;
  /**
   * Moves the breaker from `expectedVersion` (0 when never written) to `next` and tells every process.
   * When another process moved it first, resolves with what it wrote instead.
   */
  transition(target: string, expectedVersion: number, next: BreakerState): Promise<BreakerTransition>;
  /** Calls `listener(target, version)` on every transition made by any process; `resync` after a reconnect. */
  subscribe(
    listener: (change: { type: 'transition'; target: string; version: number } | { type: 'resync' }) => void,
  ): Promise<() => Promise<void>>;
}

/** Breaker state per target over a store's versioned registers, with change notification. */
export function breakerRegister(store: SharedStore, options: { prefix?: string; ttlMs?: number } = {}): BreakerRegister {
  const prefix = options.prefix ?? 'switchyard:breaker:';
  const channel = `${prefix}changes`;
  const decode = (raw: { version: number; value: string } | undefined): BreakerRecord | undefined => {
    if (!raw) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(raw.value);
    } catch {
      return undefined;
    }
    const parsed = schema.safeParse(json);
    // A value this version cannot read counts as never written, so that a newer writer can replace it.
    return parsed.success ? { version: raw.version, breaker: parsed.data as BreakerState } : undefined;
  };
  return {
    async get(target) {
      return decode(await store.getVersioned(prefix + target));
    },
    async transition(target, expectedVersion, next) {
      const result = await store.compareAndSet(prefix + target, expectedVersion, JSON.stringify(schema.parse(next)), {
        notify: channel,
        ...(options.ttlMs !== undefined && { ttlMs: options.ttlMs }),
      });
      return result.ok ? result : { ok: false, current: decode(result.current) };
    },
    async subscribe(listener) {
      return store.subscribe(channel, (change: StoreChange) => {
        if (change.type === 'resync') return listener({ type: 'resync' });
        const parsed = z.object({ key: z.string(), version: z.number() }).safeParse(JSON.parse(change.message));
        if (!parsed.success || !parsed.data.key.startsWith(prefix)) return;
        listener({ type: 'transition', target: parsed.data.key.slice(prefix.length), version: parsed.data.version });
      });
    },
  };
}
