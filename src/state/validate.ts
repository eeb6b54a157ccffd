import { InvalidRequestError } from '../core/errors.js';
import type { HoldRef, HoldRequest, LimitRequest, RateRequest, SlotRequest } from './shared.js';
import type { ReserveItem, StoreWrite } from './store.js';

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

/** The fields of a counter delta, checked (each a safe integer); `path` prefixes the field in the error. */
export function checkDeltas(deltas: Readonly<Record<string, number>>, path = 'deltas'): string[] {
  if (typeof deltas !== 'object' || deltas === null) fail(path, 'must be an object of integer deltas');
  const fields: string[] = [];
  for (const field in deltas) {
    if (!Object.hasOwn(deltas, field)) continue;
    integer(deltas[field], `${path}.${field}`, Number.MIN_SAFE_INTEGER);
    fields.push(field);
  }
  return fields;
}

/** Every write of a `write()` batch, checked before any is made. */
export function checkWrites(writes: ReadonlyArray<StoreWrite>): void {
  if (!Array.isArray(writes)) fail('writes', 'must be an array');
  writes.forEach((w, i) => {
    const at = `writes.${i}`;
    text(w?.key, `${at}.key`);
    switch (w.op) {
      case 'increment':
        checkDeltas(w.deltas, `${at}.deltas`);
        if (w.ttlMs !== undefined) integer(w.ttlMs, `${at}.ttlMs`, 1);
        return;
      case 'addToSet':
        if (!Array.isArray(w.members)) fail(`${at}.members`, 'must be an array of strings');
        for (let j = 0; j < w.members.length; j++) if (typeof w.members[j] !== 'string') fail(`${at}.members.${j}`, 'must be a string');
        return;
      case 'append':
        if (typeof w.score !== 'number' || !Number.isFinite(w.score)) fail(`${at}.score`, 'must be a finite number');
        if (typeof w.value !== 'string') fail(`${at}.value`, 'must be a string');
        return;
      default:
        fail(`${at}.op`, `must be "increment", "addToSet" or "append", got ${JSON.stringify((w as { op?: unknown }).op)}`);
    }
  });
}

/** `reserve()` items: each amount a safe integer. */
export function checkReserveItems(items: ReadonlyArray<ReserveItem>): void {
  if (!Array.isArray(items)) fail('items', 'must be an array');
  items.forEach((item, i) => integer(item?.amount, `items.${i}.amount`, Number.MIN_SAFE_INTEGER));
}

/** `admitLimits`: an id, at least one window or a slot, windows on distinct keys. */
export function checkLimitRequest(r: LimitRequest): void {
  text(r?.id, 'id');
  const windows = r.windows ?? [];
  if (!Array.isArray(windows)) fail('windows', 'must be an array');
  if (windows.length === 0 && r.slot === undefined) fail('windows', 'must list a window, or give a slot');
  const seen = new Set<string>();
  windows.forEach((w, i) => {
    text(w?.key, `windows.${i}.key`);
    if (seen.has(w.key)) fail(`windows.${i}.key`, `repeats "${w.key}"`);
    seen.add(w.key);
    integer(w.limit, `windows.${i}.limit`, 0);
    integer(w.windowMs, `windows.${i}.windowMs`, 1);
    if (w.weight !== undefined) integer(w.weight, `windows.${i}.weight`, 1);
  });
  if (r.slot !== undefined) {
    text(r.slot?.key, 'slot.key');
    integer(r.slot.limit, 'slot.limit', 0);
    integer(r.slot.leaseMs, 'slot.leaseMs', 1);
  }
}
