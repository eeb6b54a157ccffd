import { InvalidRequestError } from '../core/errors.js';
import type { HoldRef, HoldRequest, RateRequest, SlotRequest } from './shared.js';

/** Shared input checks of every store: bad input is an `InvalidRequestError` with the path of the bad field. */
function fail(path: string, message: string): never {
  throw new InvalidRequestError({ message: `${path} ${message}`, path });
}

function integer(n: unknown, path: string, min: number): void {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min) fail(path, `must be a safe integer >= ${min}, got ${String(n)}`);
}

function text(s: unknown, path: string): void {
  if (typeof s !== 'string' || s.length === 0) fail(path, 'must be a non-empty string');
}

export function checkHoldRequest(r: HoldRequest): void {
  text(r.id, 'id');
  text(r.owner, 'owner');
  integer(r.leaseMs, 'leaseMs', 1);
  if (!Array.isArray(r.items) || r.items.length === 0) fail('items', 'must list at least one budget');
  const seen = new Set<string>();
  r.items.forEach((item, i) => {
    text(item.key, `items.${i}.key`);
    if (seen.has(item.key)) fail(`items.${i}.key`, `repeats "${item.key}"`);
    seen.add(item.key);
    integer(item.amount, `items.${i}.amount`, 0);
    integer(item.limit, `items.${i}.limit`, 0);
    if (item.ttlMs !== undefined) integer(item.ttlMs, `items.${i}.ttlMs`, 1);
  });
}

export function checkHoldRef(hold: HoldRef, charges?: ReadonlyArray<number>): void {
  text(hold.id, 'hold.id');
  if (!Array.isArray(hold.keys) || hold.keys.length === 0) fail('hold.keys', 'must list the keys of the hold');
  hold.keys.forEach((k, i) => text(k, `hold.keys.${i}`));
  if (charges === undefined) return;
  if (charges.length !== hold.keys.length) fail('charges', `must have one charge per key (${hold.keys.length}), got ${charges.length}`);
  charges.forEach((c, i) => integer(c, `charges.${i}`, 0));
}

export function checkRateRequest(r: RateRequest): void {
  text(r.key, 'key');
  text(r.id, 'id');
  integer(r.limit, 'limit', 0);
  integer(r.windowMs, 'windowMs', 1);
  if (r.weight !== undefined) integer(r.weight, 'weight', 1);
}

export function checkSlotRequest(r: SlotRequest): void {
  text(r.key, 'key');
  text(r.id, 'id');
  integer(r.limit, 'limit', 0);
  integer(r.leaseMs, 'leaseMs', 1);
}

export function checkTtl(ttlMs: number | undefined): void {
  if (ttlMs !== undefined) integer(ttlMs, 'ttlMs', 1);
}

export function checkVersion(v: number): void {
  integer(v, 'expectedVersion', 0);
}

export function checkLease(leaseMs: number): void {
  integer(leaseMs, 'leaseMs', 1);
}
