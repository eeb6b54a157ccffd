import { bucketOf, encodeBucket, floorHour } from './buckets.js';
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
    // One named read per dimension, in DIMENSIONS order (a loop over the names would make one read
    // site see six keys, slow once the host's code has filled V8's shared cache of property lookups).
    let level = child(this.#root, record.tenant ?? null);
    level = child(level, record.user ?? null);
    level = child(level, record.agent ?? null);
    level = child(level, record.model);
    level = child(level, record.provider);
    const leafValue = record.providerModel ?? null;
    let key = level.get(leafValue) as BucketKey | undefined;
    if (!key) {
      const encoded = encodeBucket(bucketOf(record));
      key = { encoded, agg: this.aggPrefix + encoded, indexed: false };
      level.set(leafValue, key);
    }
    return key;
  }
}

function child(level: Level, value: string | null): Level {
  let next = level.get(value) as Level | undefined;
  if (!next) level.set(value, (next = new Map()));
  return next;
}

