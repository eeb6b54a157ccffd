import type { LogEntry } from './store.js';

/**
 * One append-only log of `MemoryStore`: entries ordered by score (ties in arrival order), trimmed
 * from the oldest end. The live entries are `entries[head..]`: dropping old ones moves `head` and
 * clears their slots, so pruning costs what it drops, not what it keeps. (`splice(0, n)` on the
 * ledger's 10,000-entry log cost 45-140 µs per prune, ~1 µs per record.) The array is compacted
 * once the dropped part is as long as the live part, which keeps that copy at O(1) per entry.
 */
export class ScoreLog {
  #entries: Array<LogEntry | undefined> = [];
  #head = 0;
  /** Highest score pruned so far. */
  prunedThrough: number | undefined;

  get length(): number {
    return this.#entries.length - this.#head;
  }

  append(score: number, value: string): void {
    const entries = this.#entries;
    const entry = { score, value };
    if (entries.length === this.#head || (entries[entries.length - 1] as LogEntry).score <= score) entries.push(entry);
    else entries.splice(this.#bound(score, true), 0, entry);
  }

  /** Copies of the entries with `min <= score < max`, oldest first. */
  range(min: number, max: number): LogEntry[] {
    const out: LogEntry[] = [];
    const end = this.#bound(max, false);
    for (let i = this.#bound(min, false); i < end; i++) out.push({ ...(this.#entries[i] as LogEntry) });
    return out;
  }

  /** Drops entries below `minScore`, then the oldest beyond `maxCount`; returns how many. */
  prune(options: { maxCount?: number; minScore?: number }): number {
    let drop = options.minScore === undefined ? 0 : this.#bound(options.minScore, false) - this.#head;
    if (options.maxCount !== undefined) drop = Math.max(drop, this.length - Math.max(0, options.maxCount));
    if (drop <= 0) return 0;
    const entries = this.#entries;
    const end = this.#head + drop;
    const last = (entries[end - 1] as LogEntry).score;
    entries.fill(undefined, this.#head, end);
    this.#head = end;
    this.prunedThrough = Math.max(this.prunedThrough ?? last, last);
    if (this.#head >= this.length) {
      this.#entries = entries.slice(this.#head);
      this.#head = 0;
    }
    return drop;
  }

  /** First live index whose score is >= `score` (`after`: > `score`). */
  #bound(score: number, after: boolean): number {
    const entries = this.#entries;
    let lo = this.#head;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = (entries[mid] as LogEntry).score;
      if (s < score || (after && s === score)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
