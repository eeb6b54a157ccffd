import { type ErrorOptions, SwitchyardError } from '../core/errors.js';
import type { StoreKind } from './shared.js';

export interface StoreUnavailableErrorOptions extends ErrorOptions {
  store: StoreKind;
  /** The store method that could not complete. */
  operation: string;
  /** `timeout`: no answer within `commandTimeoutMs`; `disconnected`: no connection to the server. */
  reason: 'timeout' | 'disconnected' | 'error';
}

/**
 * A shared store (Redis, SQLite) could not answer: the server is down, the connection is lost, a
 * command did not complete within the store's timeout, or the database is locked for too long.
 * Never a silent hang. Retryable: the same call may succeed once the store is back.
 */
export class StoreUnavailableError extends SwitchyardError {
  readonly code = 'store-unavailable' as const;
  readonly retryable = true;
  readonly fallbackable = false;
  readonly store: StoreKind;
  readonly operation: string;
  readonly reason: 'timeout' | 'disconnected' | 'error';
  constructor(options: StoreUnavailableErrorOptions) {
    super(`The ${options.store} store is unavailable (${options.operation}: ${options.reason})`, options);
    this.store = options.store;
    this.operation = options.operation;
    this.reason = options.reason;
  }
  static override isInstance = (error: unknown): error is StoreUnavailableError =>
    SwitchyardError.isInstance(error) && error.code === 'store-unavailable';
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), store: this.store, operation: this.operation, reason: this.reason };
  }
}
