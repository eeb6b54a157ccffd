import { AllAttemptsFailedError, AuthenticationError, type ErrorCode, type SwitchyardError, TimeoutError } from '../core/errors.js';
import type { LLMProvider } from '../core/provider.js';
import type { AttemptRecord, SkippedCandidateInfo } from '../core/response.js';
import type { RoutingContext } from '../core/request.js';
import type { EventBus, RequestKind } from '../observability/events.js';
import type { RequestSignal } from '../resilience/deadline.js';
import { type ResolvedRetry, withRetry } from '../resilience/retry.js';
import type { Lease, TargetGuards } from './guard.js';
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
  guards: TargetGuards;
  /** Estimated tokens of the request (rate-limit reservations). */
  tokens: number;
  /** Filled as tries end; the caller reads it for the route. */
  attempts: AttemptRecord[];
  /** Filled with candidates passed over at dispatch time (saturated rate limits). */
  skipped: SkippedCandidateInfo[];
}

export interface AttemptSuccess<T> {
  value: T;
  candidate: Candidate;
  /** The try number of the successful attempt at that candidate. */
  tryNumber: number;
  startedAt: number;
  /** The hold on the target: the caller ends it when the call is really over (streams: at the end). */
  lease: Lease;
}

/** Thrown out of the loop with every attempt recorded. */
export class AttemptLoopFailure {
  constructor(readonly error: SwitchyardError) {}
}

function mayFallBack(error: SwitchyardError, fallbackOn: ReadonlySet<ErrorCode>): boolean {
  return error.fallbackable || fallbackOn.has(error.code);
}

interface TrySignal {
  signal: AbortSignal | undefined;
  timedOut: () => boolean;
  dispose: () => void;
}

const never = (): boolean => false;
const nothing = (): void => undefined;

/** A per-try signal: the request's, plus the try's own deadline when `attemptTimeoutMs` is set. */
function trySignal(request: AbortSignal | undefined, ms: number | undefined): TrySignal {
  // Without a try deadline (the default): the request's signal, and no closure per try.
  if (ms === undefined) return { signal: request, timedOut: never, dispose: nothing };
  const controller = new AbortController();
  let fired = false;
  const onAbort = () => controller.abort(request?.reason);
  request?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    fired = true;
    controller.abort(new Error(`attempt deadline of ${ms} ms exceeded`));
  }, ms);
  return {
    signal: controller.signal,
    timedOut: () => fired && request?.aborted !== true,
    dispose: () => {
      clearTimeout(timer);
      request?.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * Tries candidates in order, each with retries, until one succeeds. Each try passes the target's
 * guards (breaker, rate limits), records its outcome, emits `attempt` and `fallback`, and fails with:
 * - the error itself when it must not fall back (abort, deadline, invalid request...),
 * - AllAttemptsFailedError when every candidate failed.
 * `call` gets the try's signal and `opened` (for streams: the part of the call that must end
 * within `attemptTimeoutMs`).
 */
export async function runAttempts<T>(
  input: AttemptLoopInput,
  call: (provider: LLMProvider, candidate: Candidate, signal: AbortSignal | undefined) => Promise<T>,
): Promise<AttemptSuccess<T>> {
  const { candidates, attempts, events, signal, guards } = input;
  for (let i = 0; i < candidates.length; i++) {
    const candidate = candidates[i]!;
    const last = i === candidates.length - 1;
    const provider = input.providers[candidate.provider]!;
    let startedAt = performance.now();
    const recordedBefore = attempts.length;
    let lease: Lease | undefined;
    try {
      // The first try may overflow to the next candidate when this one is saturated; retries wait.
      let firstLease: Lease | 'saturated' | undefined;
      try {
        firstLease = await guards.enter(candidate, input.tokens, signal.signal, !last);
      } catch (error) {
        throw toTypedError(error, signal, candidate.provider, candidate.model, input.timeoutMs);
      }
      if (firstLease === 'saturated') {
        input.skipped.push({ model: candidate.model, reason: 'rate-limited', detail: 'local limit saturated (overflow: next)' });
        continue;
      }
      // The first try, without the retry machinery below (closures, p-retry's wrapper, a per-try
      // signal): most requests end here. Run between two SDK calls, that code costs its cache
      // misses, not its instructions (docs/performance.md, items 21-22). A failed first try is
      // handed to the loop below as try 1's outcome, so failures take exactly the general path.
      let firstFailure: { error: unknown } | undefined;
      if (input.retry.attemptTimeoutMs === undefined) {
        startedAt = performance.now();
        try {
          return { value: await call(provider, candidate, signal.signal), candidate, tryNumber: 1, startedAt, lease: firstLease };
        } catch (error) {
          firstFailure = { error };
        }
      }
      let tryNumber = 0;
      // Tries taken outside p-retry's count (a retry with a rotated key), so try numbers stay unique.
      let extraTries = 0;
      let rotationTried = false;
      const recordFailure = (error: SwitchyardError, n: number) => {
        const record: AttemptRecord = { model: candidate.model, provider: candidate.provider, try: n, ok: false, latencyMs: performance.now() - startedAt, error, errorClass: error.name };
        attempts.push(record);
        if (events.has('attempt')) {
          events.emit('attempt', { requestId: input.requestId, kind: input.kind, model: record.model, provider: record.provider, try: n, ok: false, latencyMs: record.latencyMs, error, context: input.context });
        }
      };
      const once = async (n: number, entered?: Lease): Promise<T> => {
        tryNumber = n;
        lease = entered ?? (await guards.enter(candidate, input.tokens, signal.signal) as Lease);
        // Try 1 may already have run (and failed) on the first-try path above: take its outcome.
        const failed = firstFailure;
        firstFailure = undefined;
        if (!failed) startedAt = performance.now();
        const t = trySignal(signal.signal, input.retry.attemptTimeoutMs);
        try {
          if (failed) throw failed.error;
          return await call(provider, candidate, t.signal);
        } catch (error) {
          const typed = t.timedOut()
            ? new TimeoutError({ provider: candidate.provider, model: candidate.model, timeoutMs: input.retry.attemptTimeoutMs!, cause: error, message: `Attempt at "${candidate.model}" timed out after ${input.retry.attemptTimeoutMs} ms` })
            : toTypedError(error, signal, candidate.provider, candidate.model, input.timeoutMs);
          lease.end({ ok: false, error: typed, latencyMs: performance.now() - startedAt });
          // A 401 may mean the key was rotated: resolve it once more and retry once, only with a new key.
          if (AuthenticationError.isInstance(typed) && !rotationTried && provider.rotateCredentials && signal.reason === undefined) {
            rotationTried = true;
            const rotation = await provider.rotateCredentials().catch(() => 'unsupported' as const);
            if (rotation === 'rotated') {
              recordFailure(typed, n);
              extraTries++;
              return once(n + 1);
            }
          }
          throw typed;
        } finally {
          t.dispose();
        }
      };
      const value = await withRetry(
        async (n) => {
          const entered = firstLease;
          firstLease = undefined;
          return once(n + extraTries, entered as Lease | undefined);
        },
        input.retry,
        signal.signal,
        (error) => toTypedError(error, signal, candidate.provider, candidate.model, input.timeoutMs),
        (error, n) => recordFailure(error, n + extraTries),
      );
      return { value, candidate, tryNumber, startedAt, lease: lease! };
    } catch (thrown) {
      // p-retry rethrows the signal's reason when aborted: map it, and keep the recorded instance
      // when the last try already failed with that very class.
      let error = toTypedError(thrown, signal, candidate.provider, candidate.model, input.timeoutMs);
      const lastRecord = attempts.length > recordedBefore ? attempts[attempts.length - 1] : undefined;
      if (lastRecord?.error && lastRecord.error.code === error.code) error = lastRecord.error;
      else if (!lastRecord) {
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
