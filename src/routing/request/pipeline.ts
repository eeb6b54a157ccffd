import { randomUUID } from 'node:crypto';
import { NoRouteError } from '../../core/errors.js';
import type { ChatRequest } from '../../core/request.js';
import { estimateRequestTokens } from '../../core/tokens.js';
import type { RequestKind } from '../../observability/events.js';
import { requestSignal, type RequestSignal } from '../../resilience/deadline.js';
import { LazyClassification } from '../plan/classify/index.js';
import { planRoute, type ClassifiedRequest, type RoutePlan } from '../plan/plan.js';
import type { RouterScope } from '../scope/scope.js';
import { contextOf, toProviderRequest } from './provider-request.js';

/**
 * The classify stage: a validated request with its routing context, its (lazily computed)
 * language and complexity, its provider-facing form and its token estimate.
 */
export function classifyRequest(request: Readonly<ChatRequest>, kind: RequestKind): ClassifiedRequest {
  const providerRequest = toProviderRequest(request);
  return {
    request,
    kind,
    context: contextOf(request),
    classification: new LazyClassification(request),
    providerRequest,
    inputTokens: estimateRequestTokens(providerRequest),
  };
}

/** A request after classify -> match -> filter -> order, ready for admission and the attempt stage. Read-only from here on. */
export interface RoutedRequest extends ClassifiedRequest {
  requestId: string;
  plan: RoutePlan;
  /** The caller's signal and the request deadline, as one. */
  signal: RequestSignal;
  timeoutMs: number | undefined;
  startedAt: number;
}

/** A NoRouteError thrown by `routeRequest` -> the request it refused. */
export const unroutable = new WeakMap<NoRouteError, RoutedRequest>();

/** Runs the stages up to (not including) budget admission and emits `request`. */
export function routeRequest(scope: RouterScope, request: Readonly<ChatRequest>, kind: RequestKind): RoutedRequest {
  const classified = classifyRequest(request, kind);
  const requestId = randomUUID();
  let plan: RoutePlan;
  try {
    plan = planRoute(scope, classified);
  } catch (error) {
    // Nothing can serve it: the request as far as it got, for its trace (see `routeOrRecord`).
    if (NoRouteError.isInstance(error)) {
      unroutable.set(error, {
        ...classified,
        requestId,
        plan: { candidates: [], strategy: 'none', skipped: [] },
        signal: requestSignal(undefined, undefined),
        timeoutMs: undefined,
        startedAt: performance.now(),
      });
    }
    throw error;
  }
  scope.events.emit('request', {
    requestId,
    kind,
    context: classified.context,
    candidates: plan.candidates.map((c) => c.model),
    strategy: plan.strategy,
    ...(plan.routeIndex !== undefined && { routeIndex: plan.routeIndex }),
    ...(scope.options.eventContent === true && {
      content: { ...(request.system !== undefined && { system: request.system }), messages: request.messages },
    }),
  });
  const timeoutMs = request.timeoutMs ?? scope.options.timeoutMs;
  // The new fields first, the spread last: on Node 20 (V8 11), fields added after a spread cost about
  // 1.5 µs each, the fields before it nothing (measured; Node 24 does not have this cost).
  return { requestId, plan, signal: requestSignal(request.signal, timeoutMs), timeoutMs, startedAt: performance.now(), ...classified };
}
