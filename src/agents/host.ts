import { AbortError, AllAttemptsFailedError, BudgetExceededError, InvalidRequestError, SwitchyardError } from '../core/errors.js';
import type { ModelCapabilities } from '../core/model.js';
import type { ProviderKind } from '../core/provider.js';
import type { ChatRequest } from '../core/request.js';
import type { AttemptRecord, ChatResponse } from '../core/response.js';
import type { StreamEvent } from '../core/stream.js';
import type { Cost, Usage } from '../core/usage.js';
import { costFromMicros } from '../accounting/cost.js';
import { uniqueId } from '../core/ids.js';

/** What a model alias is served by, as far as agent code needs to know (native structured output or not). */
export interface ModelDescription {
  kind: ProviderKind;
  capabilities?: Partial<ModelCapabilities>;
}

/**
 * The router's public calls that agent helpers are built on. They never reach inside the router:
 * every model call goes through `chat` / `stream`, so routing, budgets, retries and cost records apply.
 */
export interface AgentHost {
  chat(request: ChatRequest): Promise<ChatResponse>;
  stream(request: ChatRequest): AsyncIterable<StreamEvent>;
  /** The candidate model aliases for a request, in the order they would be tried. */
  explain(request: ChatRequest, kind?: 'chat' | 'stream'): { candidates: string[] };
  /** Provider kind and declared capabilities of a model alias (in a tenant's scope). */
  describe(model: string, tenant?: string): ModelDescription | undefined;
}

/**
 * The models an agent call will try, in order: the forced `model` alone, or the router's decision.
 * `prefer` (a paused run's model) goes first when it is a candidate.
 */
export function candidatesFor(host: AgentHost, request: ChatRequest, kind: 'chat' | 'stream', prefer?: string): string[] {
  if (request.model !== undefined) return [request.model];
  const { candidates } = host.explain(request, kind);
  if (prefer === undefined || !candidates.includes(prefer)) return candidates;
  return [prefer, ...candidates.filter((c) => c !== prefer)];
}

/** Whether the next candidate may help after `error` (an abort, a budget or a bad request never falls back). */
export function mayTryNext(error: unknown): error is SwitchyardError {
  if (!SwitchyardError.isInstance(error)) return false;
  if (AbortError.isInstance(error) || BudgetExceededError.isInstance(error)) return false;
  if (AllAttemptsFailedError.isInstance(error)) {
    const last = error.lastError;
    return last === undefined || (!AbortError.isInstance(last) && (last.fallbackable || last.retryable));
  }
  if (error.code === 'no-route') return true; // this candidate is ineligible now (circuit open, disabled...)
  return error.fallbackable;
}

/** The attempts a failed call made, as the router reported them on the error. */
export function attemptsOf(error: SwitchyardError, model: string): AttemptRecord[] {
  if (error.route?.attempts.length) return [...error.route.attempts];
  return [{ model, provider: error.provider ?? '', try: 1, ok: false, latencyMs: 0, error, errorClass: error.name }];
}

export const ZERO_USAGE: Usage = Object.freeze({ inputTokens: 0, outputTokens: 0, totalTokens: 0 });

export function addUsage(a: Usage, b: Usage): Usage {
  const out: Usage = {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
  const cached = (a.cachedInputTokens ?? 0) + (b.cachedInputTokens ?? 0);
  if (a.cachedInputTokens !== undefined || b.cachedInputTokens !== undefined) out.cachedInputTokens = cached;
  if (a.reasoningTokens !== undefined || b.reasoningTokens !== undefined)
    out.reasoningTokens = (a.reasoningTokens ?? 0) + (b.reasoningTokens ?? 0);
  if (a.estimated || b.estimated) out.estimated = true;
  return out;
}

export function zeroCost(): Cost {
  return costFromMicros(0, 0);
}

/** Sums two costs in integer micro-dollars (exact); USD fields derived from the sums. */
export function addCost(a: Cost, b: Cost): Cost {
  return costFromMicros(a.inputMicros + b.inputMicros, a.outputMicros + b.outputMicros, a.estimated || b.estimated, a.priced && b.priced);
}

/** A unique id for an agent call (`run_…`, `obj_…`). */
export function agentId(prefix: string): string {
  return `${prefix}_${uniqueId()}`;
}

/** Runs an event generator to its end and resolves with what it returns (the non-streaming calls). */
export async function lastValue<R>(events: AsyncGenerator<unknown, R>): Promise<R> {
  for (;;) {
    const next = await events.next();
    if (next.done) return next.value;
  }
}

/**
 * A stream that can be consumed once, either by iterating its events or by `result()` (which runs
 * them to the end and resolves with the final value).
 */
export function consumableOnce<E, R>(what: string, start: () => AsyncGenerator<E, R>): AsyncIterable<E> & { result(): Promise<R> } {
  let used = false;
  const take = () => {
    if (used) throw new InvalidRequestError({ message: `${what} can be consumed once` });
    used = true;
    return start();
  };
  return { [Symbol.asyncIterator]: () => take(), result: () => lastValue(take()) };
}
