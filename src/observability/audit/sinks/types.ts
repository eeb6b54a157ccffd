import type { AuditEntry } from '../types.js';

/** Receives entries in order. A throw or a rejection is reported through `onError`, never to the request. */
export interface AuditSink {
  write(entry: AuditEntry): void | Promise<void>;
  /**
   * True when the sink keeps the order of overlapping writes itself (e.g. it queues them): the log
   * then hands entries over without waiting for the previous write. Otherwise writes are serialised.
   */
  readonly ordered?: boolean;
  /** Resolves once everything written so far is durable. */
  flush?(): Promise<void>;
  /** Flushes, then releases resources. */
  close?(): Promise<void>;
}

/** A sink object, or a plain function called with each entry. */
export type AuditSinkOption = AuditSink | ((entry: AuditEntry) => void | Promise<void>);

export function toSink(option: AuditSinkOption): AuditSink {
  return typeof option === 'function' ? { write: option } : option;
}
