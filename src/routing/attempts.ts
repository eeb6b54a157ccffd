import { AllAttemptsFailedError, type ErrorCode, type SwitchyardError } from '../core/errors.js';
import type { LLMProvider } from '../core/provider.js';
import type { AttemptRecord } from '../core/response.js';
import type { RoutingContext } from '../core/request.js';
import type { EventBus, RequestKind } from '../observability/events.js';
import type { RequestSignal } from '../resilience/deadline.js';
import { type ResolvedRetry, withRetry } from '../resilience/retry.js';
import type { Candidate } from './options.js';
import { toTypedError } from './to-typed-error.js';

export interface AttemptLoopInput {
  requestId: string;
  kind: RequestKind;
  context: RoutingContext;
  candidates: ReadonlyArray<Candidate>;
  providers: Readonly<Record<string, LLMProvider>>;
  retry: ResolvedRetry;
  fallbackOn: ReadonlySet<ErrorCode>;
  signal: RequestSignal;
  timeoutMs?: number;
  events: EventBus;
  /** Filled as tries end; the caller reads it for the route. */
  attempts: AttemptRecord[];
}

export interface AttemptSuccess<T> {
  value: T;
  candidate: Candidate;
  /** The try number of the successful attempt at that candidate. */
  tryNumber: number;
  startedAt: number;
}

/** Thrown out of the loop with every attempt recorded. */
export class AttemptLoopFailure {
  constructor(readonly error: SwitchyardError) {}
}

function mayFallBack(error: SwitchyardError, fallbackOn: ReadonlySet<ErrorCode>): boolean {
  return error.fallbackable || fallbackOn.has(error.code);
}

/**
 * Tries candidates in order, each with retries, until one succeeds. Records every failed try,
 * emits `attempt` and `fallback`, and fails with:
 * - the error itself when it must not fall back (abort, deadline, invalid request...),
 * - AllAttemptsFailedError when every candidate failed.
 */
export async function runAttempts<T>(
  input: AttemptLoopInput,
  call: (provider: LLMProvider, candidate: Candidate, signal: AbortSignal) => Promise<T>,
): Promise<AttemptSuccess<T>> {
  const { candidates, attempts, events, signal } = input;
  for (let i = 0; i < candidates.length; i++) {
    const candidate = candidates[i]!;
    const provider = input.providers[candidate.provider]!;
    let startedAt = performance.now();
    const recordedBefore = attempts.length;
    try {
      let tryNumber = 0;
      const value = await withRetry(
        (n) => {
          tryNumber = n;
          startedAt = performance.now();
          return call(provider, candidate, signal.signal);
        },
        input.retry,
        signal.signal,
        (error) => toTypedError(error, signal, candidate.provider, candidate.model, input.timeoutMs),
        (error, n) => {
          const record: AttemptRecord = {
            model: candidate.model,
            provider: candidate.provider,
            try: n,
            ok: false,
            latencyMs: performance.now() - startedAt,
            error,
            errorClass: error.name,
          };
          attempts.push(record);
          if (events.has('attempt')) {
            events.emit('attempt', { requestId: input.requestId, kind: input.kind, model: record.model, provider: record.provider, try: n, ok: false, latencyMs: record.latencyMs, error, context: input.context });
          }
        },
      );
      return { value, candidate, tryNumber, startedAt };
    } catch (thrown) {
      // p-retry rethrows the signal's reason when aborted: map it, and keep the recorded instance
      // when the last try already failed with that very class.
      let error = toTypedError(thrown, signal, candidate.provider, candidate.model, input.timeoutMs);
      const last = attempts.length > recordedBefore ? attempts[attempts.length - 1] : undefined;
      if (last?.error && last.error.code === error.code) error = last.error;
      else if (!last) {
        attempts.push({ model: candidate.model, provider: candidate.provider, try: 1, ok: false, latencyMs: performance.now() - startedAt, error, errorClass: error.name });
      }
      if (signal.reason !== undefined || !mayFallBack(error, input.fallbackOn)) throw new AttemptLoopFailure(error);
      const next = candidates[i + 1];
      if (next && events.has('fallback')) {
        events.emit('fallback', { requestId: input.requestId, kind: input.kind, from: candidate.model, to: next.model, error, context: input.context });
      }
    }
  }
  throw new AttemptLoopFailure(new AllAttemptsFailedError(attempts));
}
