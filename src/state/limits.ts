import type { LimitResult, RateResult, SlotResult } from './shared.js';

/**
 * How long until a window has room for `weight`: walking its entries oldest first, the time when
 * enough of them have left it (at least 1 ms). Entries must be in time order.
 */
export function waitForRoom(
  entries: Iterable<{ at: number; weight: number }>,
  used: number,
  weight: number,
  limit: number,
  windowMs: number,
  now: number,
): number {
  let freed = 0;
  let at = now;
  for (const e of entries) {
    freed += e.weight;
    at = e.at;
    if (used - freed + weight <= limit) break;
  }
  return Math.max(1, at + windowMs - now);
}

/** `admitRate` is `admitLimits` with one window: its answer in the one-window form. */
export function asRateResult(res: LimitResult, limit: number): RateResult {
  if (!res.ok) return { ok: false, used: res.used[0] ?? 0, limit, retryAfterMs: res.retryAfterMs };
  return res.degraded ? { ok: true, used: 0, limit, degraded: true } : { ok: true, used: res.used[0] ?? 0, limit };
}

/** `acquireSlot` is `admitLimits` with one slot: its answer in the one-slot form. */
export function asSlotResult(res: LimitResult, limit: number, leaseMs: number): SlotResult {
  if (!res.ok) return { ok: false, inUse: res.inUse ?? 0, limit, retryAfterMs: res.retryAfterMs };
  if (res.degraded) return { ok: true, inUse: 0, expiresAt: Date.now() + leaseMs, degraded: true };
  return { ok: true, inUse: res.inUse ?? 0, expiresAt: res.expiresAt ?? Date.now() + leaseMs };
}
