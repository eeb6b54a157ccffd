/**
 * Bytes allocated per call, measured in the young generation: after a full GC (needs
 * `--expose-gc`), a short batch of calls, and the growth of new space. A batch during which a
 * scavenge ran shows no growth and is dropped; the reading's own cost (a batch of no calls) is
 * subtracted. Deterministic to within a few per cent, unlike timings on a shared machine: each
 * allocated kilobyte costs GC time later, more so when the host's own objects fill the heap.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { median } from './stats.js';
import { WRITE_BEHIND_MS } from '../../src/accounting/ledger/write-behind.js';

const newSpaceUsed = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_used_size ?? NaN;
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function batchGrowth(fn: () => Promise<unknown>, calls: number, settle: () => Promise<unknown>): Promise<number> {
  (globalThis as { gc?: () => void }).gc!();
  await tick();
  const before = newSpaceUsed();
  for (let i = 0; i < calls; i++) await fn();
  await settle();
  return newSpaceUsed() - before;
}

/** Longer than the router's ledger write-behind window: the batch's records are written by then. */
export const afterWriteBehind = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, WRITE_BEHIND_MS + 5));

/**
 * Median bytes allocated per call of `fn` (NaN without `--expose-gc`). `settle` runs after each
 * batch, inside the measurement (and in the empty batch, so its own cost cancels): for a router,
 * `afterWriteBehind`, so that the ledger writes the calls queued count too.
 */
export async function bytesPerCall(
  fn: () => Promise<unknown>,
  calls = 10,
  reps = 25,
  settle: () => Promise<unknown> = tick,
): Promise<number> {
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') return NaN;
  const empty: number[] = [];
  const full: number[] = [];
  for (let r = 0; r < reps; r++) {
    empty.push(await batchGrowth(async () => undefined, 0, settle));
    const grown = await batchGrowth(fn, calls, settle);
    if (grown > 0) full.push(grown);
  }
  return full.length ? (median(full) - median(empty)) / calls : NaN;
}
