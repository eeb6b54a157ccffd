import type { AuditEntry } from '../types.js';
import type { AuditSink } from './types.js';

export interface MemoryAuditSink extends AuditSink {
  /** Every entry written, in order. */
  readonly entries: ReadonlyArray<AuditEntry>;
  clear(): void;
}

/** Keeps entries in an array: for tests and for hosts that ship entries themselves. */
export function memorySink(): MemoryAuditSink {
  const entries: AuditEntry[] = [];
  return {
    entries,
    write(entry) {
      entries.push(entry);
    },
    clear() {
      entries.length = 0;
    },
  };
}
