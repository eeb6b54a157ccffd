import { AllAttemptsFailedError, AuthenticationError, RateLimitError, SwitchyardError, TimeoutError } from '../../core/errors.js';
import type { LLMProvider } from '../../core/provider.js';
import type { RoutingContext } from '../../core/request.js';
import type { AttemptRecord, SkippedCandidate } from '../../core/response.js';
import type { Usage } from '../../core/usage.js';
import type { RequestKind } from '../../observability/events.js';
import type { RequestSignal } from '../../resilience/deadline.js';
import { retry, type TryResult } from '../../resilience/retry.js';
import type { Candidate } from '../config/options.js';
import type { RouterScope } from '../scope/scope.js';
import type { Lease } from './guards.js';
import { toTypedError } from './to-typed-error.js';
import { trySignal } from './try-signal.js';

/** What the attempt stage reads of a request. */
export interface AttemptInput {
  requestId: string;
  kind: RequestKind;
  context: RoutingContext;
  /** In the order to try them. */
  candidates: ReadonlyArray<Candidate>;
  signal: RequestSignal;
  timeoutMs: number | undefined;
  /** Estimated tokens of the request (rate-limit reservations). */
  tokens: number;
}

/** The try that succeeded: its value and its hold on the target (the caller ends it when the call is really over). */
export interface Served<T> {
  value: T;
  candidate: Candidate;
  /** The try number at that candidate. */
  try: number;
  startedAt: number;
  lease: Lease;
}

export interface AttemptResult<T> {
  outcome: { ok: true; served: Served<T> } | { ok: false; error: SwitchyardError };
  /** Every failed try, in order. */
  attempts: AttemptRecord[];
  /** Candidates passed over at dispatch (a local limit saturated by then). */
  skipped: SkippedCandidate[];
  /** The failed tries the vendor billed anyway: the usage it reported for them (never an estimate). */
  billed: BilledTry[];
}

/** A failed try with the usage its vendor reported (`SwitchyardError.reportedUsage`). */
export interface BilledTry {
  candidate: Candidate;
  usage: Usage;
  error: SwitchyardError;
  latencyMs: number;
}

export type Call<T> = (provider: LLMProvider, candidate: Candidate, signal: AbortSignal | undefined) => Promise<T>;

/**
 * The attempt stage: tries candidates in order, each under the retry loop, until one succeeds.
 * Each try enters the target's guards (breaker, rate limits), records its failure (`attempt`
 * event), and a 401 gets one more try when the provider's key source has a new key. It ends with
 * the first success, with an error that must not fall back (abort, deadline, invalid request...),
 * or with AllAttemptsFailedError when every candidate failed.
 */
export async function attempt<T>(scope: RouterScope, input: AttemptInput, call: Call<T>): Promise<AttemptResult<T>> {
  const attempts: AttemptRecord[] = [];
  const skipped: SkippedCandidate[] = [];
  const billed: BilledTry[] = [];
  const { candidates, signal } = input;
  for (let i = 0; i < candidates.length; i++) {
    const candidate = candidates[i]!;
    const last = i === candidates.length - 1;
    const provider = scope.providers[candidate.provider]!;
    let tries = 0;
    let saturated = false;
    let rotated = false;

    const failed = (n: number, error: SwitchyardError, startedAt: number): void => {
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
      scope.events.emit('attempt', {
        requestId: input.requestId,
        kind: input.kind,
        model: record.model,
        provider: record.provider,
        try: n,
        ok: false,
        latencyMs: record.latencyMs,
        error,
        context: input.context,
      });
    };

    const once = async (): Promise<TryResult<Served<T>>> => {
      const n = ++tries;
      let startedAt = performance.now();
      let lease: Lease | 'saturated';
      try {
        // The first try may overflow to the next candidate when this one is saturated; retries wait.
        lease = await scope.guards.enter(candidate, input.tokens, signal.signal, n === 1 && !last);
      } catch (thrown) {
        const error = toTypedError(thrown, signal, candidate.provider, candidate.model, input.timeoutMs);
        failed(n, error, startedAt);
        return { ok: false, error, final: true };
      }
      if (lease === 'saturated') {
        saturated = true;
        return {
          ok: false,
          error: new RateLimitError({
            local: true,
            provider: candidate.provider,
            model: candidate.model,
            message: 'Local limit saturated (overflow: next)',
          }),
          final: true,
        };
      }
      startedAt = performance.now();
      const t = trySignal(signal.signal, scope.retry.attemptTimeoutMs);
      try {
        const value = await call(provider, candidate, t.signal);
        return { ok: true, value: { value, candidate, try: n, startedAt, lease } };
      } catch (thrown) {
        const error = t.timedOut()
          ? new TimeoutError({
              provider: candidate.provider,
              model: candidate.model,
              timeoutMs: scope.retry.attemptTimeoutMs!,
              cause: thrown,
              message: `Attempt at "${candidate.model}" timed out after ${scope.retry.attemptTimeoutMs} ms`,
            })
          : toTypedError(thrown, signal, candidate.provider, candidate.model, input.timeoutMs);
        const latencyMs = performance.now() - startedAt;
        lease.end({ ok: false, error, latencyMs, byCaller: signal.reason !== undefined });
        failed(n, error, startedAt);
        // The vendor billed this call before it failed (its usage arrived): recorded as a billed attempt.
        const usage = (SwitchyardError.isInstance(thrown) ? thrown.reportedUsage : undefined) ?? error.reportedUsage;
        if (usage) billed.push({ candidate, usage, error, latencyMs });
        // Key rotation: a 401 may mean the key was rotated. Resolve it once more and try again at once, only with a new key.
        if (AuthenticationError.isInstance(error) && !rotated && provider.rotateCredentials && signal.reason === undefined) {
          rotated = true;
          const rotation = await provider.rotateCredentials().catch(() => 'unsupported' as const);
          if (rotation === 'rotated') return once();
        }
        return { ok: false, error };
      } finally {
        t.stop();
      }
    };

    const result = await retry(once, scope.retry, signal.signal);
    if (result.ok) return { outcome: { ok: true, served: result.value }, attempts, skipped, billed };
    if (saturated) {
      skipped.push({ model: candidate.model, reason: 'rate-limited', detail: 'local limit saturated (overflow: next)' });
      continue;
    }
    // The caller's abort or deadline ends everything, whatever the last try failed with.
    const error = toTypedError(result.error, signal, candidate.provider, candidate.model, input.timeoutMs);
    if (signal.reason !== undefined || !(error.fallbackable || scope.fallbackOn.has(error.code)))
      return { outcome: { ok: false, error }, attempts, skipped, billed };
    const next = candidates[i + 1];
    if (next)
      scope.events.emit('fallback', {
        requestId: input.requestId,
        kind: input.kind,
        from: candidate.model,
        to: next.model,
        error,
        context: input.context,
      });
  }
  return { outcome: { ok: false, error: new AllAttemptsFailedError(attempts) }, attempts, skipped, billed };
}
