import { ConfigError } from '../../core/errors.js';
import { uniqueId } from '../../core/ids.js';
import { MemoryStore } from '../../state/memory-store.js';
import type { Store, StoreWrite } from '../../state/store.js';
import {
  bucketOf,
  decodeBucket,
  deltasOf,
  emptyCounters,
  addCounters,
  encodeBucket,
  floorHour,
  type Bucket,
  type Counters,
} from './buckets.js';
import { toRecord, type RecordInput, type UsageRecord } from './record.js';
import { decodeRecord, encodeRecord } from './record-codec.js';

export interface LedgerOptions {
  /** Where records and aggregates live. Default: a new in-memory store. */
  store?: Store;
  /** Newest records kept; older ones are dropped (aggregates are not). Default 10,000. */
  maxRecords?: number;
  /** Records older than this are dropped (aggregates are not). Default 7 days. */
  maxAgeMs?: number;
  /** Prefix of every store key. Default `switchyard:ledger`. */
  prefix?: string;
  /** Clock (ms since epoch). Default `Date.now`. */
  now?: () => number;
}

export const DEFAULT_MAX_RECORDS = 10_000;
export const DEFAULT_MAX_AGE_MS = 7 * 24 * 3_600_000;

/**
 * The usage ledger: one record per request (plus one per billed failed attempt), a bounded log of
 * recent records, and per-(hour, tenant, user, agent, model, provider, vendor model) counters that
 * are never dropped, so totals over any period stay exact after old records are gone.
 */
export class UsageLedger {
  readonly store: Store;
  readonly now: () => number;
  readonly maxRecords: number;
  readonly maxAgeMs: number;
  readonly #log: string;
  readonly #index: string;
  readonly #agg: string;
  /** Buckets this ledger has added to the bucket index in the current hour (the index only grows). */
  #indexed = { hour: Number.NaN, buckets: new Set<string>() };
  /** Pruning a long log costs a pass over it: do it once every `#pruneEvery` records (reads trim to the limit). */
  readonly #pruneEvery: number;
  #sincePrune = 0;

  constructor(options: LedgerOptions = {}) {
    const issues = [];
    if (options.maxRecords !== undefined && (!Number.isInteger(options.maxRecords) || options.maxRecords < 0)) {
      issues.push({ path: 'ledger.maxRecords', message: 'must be a non-negative integer' });
    }
    if (options.maxAgeMs !== undefined && !(options.maxAgeMs > 0))
      issues.push({ path: 'ledger.maxAgeMs', message: 'must be a positive number of ms' });
    if (issues.length > 0) throw new ConfigError(issues);
    this.store = options.store ?? new MemoryStore();
    this.now = options.now ?? Date.now;
    this.maxRecords = options.maxRecords ?? DEFAULT_MAX_RECORDS;
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    const prefix = options.prefix ?? 'switchyard:ledger';
    this.#log = `${prefix}:records`;
    this.#index = `${prefix}:buckets`;
    this.#agg = `${prefix}:agg:`;
    this.#pruneEvery = Math.max(1, Math.min(1_000, Math.floor(this.maxRecords / 100)));
  }

  /** Records one request (or billed attempt). */
  async record(input: RecordInput): Promise<UsageRecord> {
    const [record] = await this.recordMany([input]);
    return record!;
  }

  /**
   * Records several requests in one store call: per record, its aggregates and its log entry (and
   * its bucket in the bucket index the first time this hour), all written in one step, so a record
   * is never in the totals without being in the log, or the other way round.
   */
  async recordMany(inputs: ReadonlyArray<RecordInput>): Promise<UsageRecord[]> {
    const records: UsageRecord[] = [];
    const writes: StoreWrite[] = [];
    const newBuckets = new Set<string>();
    for (const input of inputs) {
      const record = toRecord(input, uniqueId(), input.timestamp ?? this.now());
      const bucket = encodeBucket(bucketOf(record));
      writes.push({ op: 'increment', key: this.#agg + bucket, deltas: deltasOf(record) });
      const hour = floorHour(record.timestamp);
      if (hour !== this.#indexed.hour) this.#indexed = { hour, buckets: new Set() };
      if (!this.#indexed.buckets.has(bucket) && !newBuckets.has(bucket)) {
        writes.push({ op: 'addToSet', key: this.#index, members: [bucket] });
        newBuckets.add(bucket);
      }
      writes.push({ op: 'append', key: this.#log, score: record.timestamp, value: encodeRecord(record) });
      records.push(record);
    }
    await this.store.write(writes);
    // Only once written: a failed write adds the bucket to the index again next time.
    for (const bucket of newBuckets) this.#indexed.buckets.add(bucket);
    this.#sincePrune += records.length;
    if (this.#sincePrune >= this.#pruneEvery) {
      this.#sincePrune = 0;
      await this.prune();
    }
    return records;
  }

  /** Applies retention now (by count and age). Records also call it, every ~1% of `maxRecords`. */
  async prune(): Promise<void> {
    await this.store.prune(this.#log, { maxCount: this.maxRecords, minScore: this.now() - this.maxAgeMs });
  }

  /** Retained records with `since <= timestamp < until`, oldest first. */
  async records(since = -Infinity, until = Infinity): Promise<UsageRecord[]> {
    if (this.#sincePrune > 0) {
      this.#sincePrune = 0;
      await this.prune();
    }
    const entries = await this.store.range(this.#log, since, until);
    return entries.map((e) => decodeRecord(e.value));
  }

  /** Every aggregate bucket with its counters. */
  async buckets(): Promise<Array<{ bucket: Bucket; counters: Counters }>> {
    const keys = await this.store.members(this.#index);
    return Promise.all(
      keys.map(async (key) => ({
        bucket: decodeBucket(key),
        counters: addCounters(emptyCounters(), await this.store.counters(this.#agg + key)),
      })),
    );
  }

  /** How many records are retained and the newest timestamp ever dropped. */
  async retention(): Promise<{ retained: number; droppedThrough?: number }> {
    if (this.#sincePrune > 0) {
      this.#sincePrune = 0;
      await this.prune();
    }
    const info = await this.store.logInfo(this.#log);
    return info.prunedThrough === undefined ? { retained: info.length } : { retained: info.length, droppedThrough: info.prunedThrough };
  }
}

export function createLedger(options: LedgerOptions = {}): UsageLedger {
  return new UsageLedger(options);
}
