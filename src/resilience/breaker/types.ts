import type { ErrorCode } from '../../core/errors.js';

/** Breaker state; the data of each state lives in that state. */
export type BreakerState =
  | { state: 'closed'; consecutiveFailures: number }
  | { state: 'open'; openedAt: number; until: number }
  | {
      state: 'half-open';
      inFlight: number;
      successes: number;
      /**
       * With a shared store: another process holds the probe until then (its lease); this process sends
       * nothing to the target meanwhile, and may take the probe over once the lease has passed.
       */
      probeElsewhereUntil?: number;
    };

export type BreakerStateName = BreakerState['state'];

export interface FailureRateOptions {
  /** Trip when failures / requests in the window reach this share (0..1). */
  threshold: number;
  /** Sliding window length. Default 60,000 ms. */
  windowMs?: number;
  /** Fewest requests in the window before the rate is judged. Default 20. */
  minRequests?: number;
}

export interface BreakerOptions {
  /** Trip after this many consecutive counted failures. Default 5. */
  failureThreshold?: number;
  /** Also trip on a failure rate over a sliding window. */
  failureRate?: FailureRateOptions;
  /** How long the breaker stays open before letting probes through. Default 30,000 ms. */
  cooldownMs?: number;
  /** Probes allowed at once while half-open; this many successes close the breaker. Default 1. */
  halfOpenProbes?: number;
  /**
   * Error codes that count as failures. Default: provider-unavailable, timeout, invalid-response.
   * Errors of our own request (invalid-request, context-length...) never should.
   */
  countOn?: ErrorCode[];
}

export const DEFAULT_COUNT_ON: ReadonlyArray<ErrorCode> = ['provider-unavailable', 'timeout', 'invalid-response'];

/** What `tryAcquire` grants: a normal call, or one of the limited half-open probes. */
export type Permit = { kind: 'normal' } | { kind: 'probe' };

export interface BreakerTransition {
  from: BreakerStateName;
  to: BreakerStateName;
  /** Why, e.g. `5 consecutive failures`, `cooldown elapsed`, `probe succeeded`, `manual reset`. */
  reason: string;
  at: number;
  /** With a shared store: learned from another process (the transition was made there), not made here. */
  remote?: boolean;
}
