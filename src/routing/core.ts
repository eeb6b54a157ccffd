import { randomUUID } from 'node:crypto';
import { computeCost } from '../accounting/cost.js';
import type { ErrorCode, SwitchyardError } from '../core/errors.js';
import type { LLMProvider } from '../core/provider.js';
import type { ChatRequest, ProviderRequest, RoutingContext } from '../core/request.js';
import type { AttemptRecord } from '../core/response.js';
import { validateRequest } from '../core/request-schema.js';
import type { Cost, Usage } from '../core/usage.js';
import type { EventBus, RequestKind } from '../observability/events.js';
import { requestSignal, type RequestSignal } from '../resilience/deadline.js';
import type { ResolvedRetry } from '../resilience/retry.js';
import { failedRouteInfo } from './assemble.js';
import type { AttemptLoopInput } from './attempts.js';
import type { Candidate, RouterOptions } from './options.js';
import { contextOf, planRoute, type RoutePlan } from './plan.js';
import { toProviderRequest } from './prepare.js';

/** What every request path shares; built once by createRouter(). */
export interface RouterCore {
  options: RouterOptions;
  providers: Readonly<Record<string, LLMProvider>>;
  candidates: ReadonlyMap<string, Candidate>;
  events: EventBus;
  retry: ResolvedRetry;
  fallbackOn: ReadonlySet<ErrorCode>;
}

/** A request after classify -> match -> order, ready for the attempt loop. */
export interface BegunRequest {
  requestId: string;
  request: ChatRequest;
  context: RoutingContext;
  plan: RoutePlan;
  providerRequest: ProviderRequest;
  signal: RequestSignal;
  timeoutMs: number | undefined;
  attempts: AttemptRecord[];
  startedAt: number;
}

export function beginRequest(core: RouterCore, raw: ChatRequest, kind: RequestKind, validated = false): BegunRequest {
  const request = validated ? raw : validateRequest(raw);
  const context = contextOf(request);
  const plan = planRoute(request, context, core.options, core.candidates);
  const requestId = randomUUID();
  if (core.events.has('request')) {
    core.events.emit('request', {
      requestId,
      kind,
      context,
      candidates: plan.candidates.map((c) => c.model),
      strategy: plan.strategy,
      ...(plan.routeIndex !== undefined && { routeIndex: plan.routeIndex }),
    });
  }
  const timeoutMs = request.timeoutMs ?? core.options.timeoutMs;
  return {
    requestId,
    request,
    context,
    plan,
    providerRequest: toProviderRequest(request),
    signal: requestSignal(request.signal, timeoutMs),
    timeoutMs,
    attempts: [],
    startedAt: performance.now(),
  };
}

export function loopInput(core: RouterCore, begun: BegunRequest, kind: RequestKind): AttemptLoopInput {
  return {
    requestId: begun.requestId,
    kind,
    context: begun.context,
    candidates: begun.plan.candidates,
    providers: core.providers,
    retry: core.retry,
    fallbackOn: core.fallbackOn,
    signal: begun.signal,
    ...(begun.timeoutMs !== undefined && { timeoutMs: begun.timeoutMs }),
    events: core.events,
    attempts: begun.attempts,
  };
}

export function costOf(candidate: Candidate, usage: Usage): Cost {
  return computeCost(usage, candidate.config.pricing);
}

/** Emits `error` with the route so far and attaches that route to the error. */
export function failRequest(core: RouterCore, begun: BegunRequest, kind: RequestKind, error: SwitchyardError): SwitchyardError {
  const route = failedRouteInfo(begun.plan, begun.attempts, begun.context);
  if (error.route === undefined) error.route = route;
  core.events.emit('error', { requestId: begun.requestId, kind, error, route, context: begun.context });
  return error;
}
