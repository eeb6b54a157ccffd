import { bucketOf, DIMENSIONS, encodeBucket, floorHour } from './buckets.js';
import type { UsageRecord } from './record.js';

/** A record's bucket, encoded once per distinct bucket (the encoding is the store key: unchanged). */
export interface BucketKey {
  /** `encodeBucket` of the bucket: the member of the bucket index. */
  readonly encoded: string;
  /** The store key of its counters. */
  readonly agg: string;
  /** This ledger added `encoded` to the bucket index (the index only grows, so once is enough). */
  indexed: boolean;
}

type Level = Map<string | null, Level | BucketKey>;

/**
 * The bucket keys of the current UTC hour, in a tree of Maps by dimension value (no string is built
 * to look one up, and no two buckets can share a path). Most requests of an hour fall in a few
 * buckets, so the JSON encoding and the concatenated store key are built once per bucket, not per
 * record. A new hour starts an empty tree: memory is bounded by one hour's buckets.
 */
export class BucketKeys {
  #hour = Number.NaN;
  #root: Level = new Map();

  constructor(private readonly aggPrefix: string) {}

  of(record: UsageRecord): BucketKey {
    const hour = floorHour(record.timestamp);
    if (hour !== this.#hour) {
      this.#hour = hour;
      this.#root = new Map();
    }
    let level = this.#root;
    const last = DIMENSIONS.length - 1;
    for (let i = 0; i < last; i++) {
      const value = valueOf(record, i);
      let next = level.get(value) as Level | undefined;
      if (!next) level.set(value, (next = new Map()));
      level = next;
    }
    const leafValue = valueOf(record, last);
    let key = level.get(leafValue) as BucketKey | undefined;
    if (!key) {
      const encoded = encodeBucket(bucketOf(record));
      key = { encoded, agg: this.aggPrefix + encoded, indexed: false };
      level.set(leafValue, key);
    }
    return key;
  }
}

function valueOf(record: UsageRecord, i: number): string | null {
  return (record[DIMENSIONS[i]!] as string | undefined) ?? null;
}

