import { randomUUID } from 'node:crypto';
import { computeValidatedCost } from '../accounting/cost.js';
import type { ErrorCode, SwitchyardError } from '../core/errors.js';
import type { LLMProvider } from '../core/provider.js';
import type { ChatRequest, ProviderRequest, RoutingContext } from '../core/request.js';
import type { AttemptRecord, SkippedCandidateInfo } from '../core/response.js';
import { validateRequest } from '../core/request-schema.js';
import { estimateRequestTokens } from '../core/tokens.js';
import type { Cost, Usage } from '../core/usage.js';
import type { EventBus, RequestKind } from '../observability/events.js';
import { requestSignal, type RequestSignal } from '../resilience/deadline.js';
import type { ResolvedRetry } from '../resilience/retry.js';
import { failedRouteInfo } from './assemble.js';
import type { AttemptLoopInput } from './attempts.js';
import { LazyClassification } from './classify/index.js';
import type { TargetGuards } from './guard.js';
import type { Candidate, RouterOptions, StreamRecovery } from './options.js';
import { contextOf, planRoute, type PlanInput, type PlanState, type RoutePlan } from './plan.js';
import { toProviderRequest } from './prepare.js';
import { SessionPins } from './sessions.js';
import type { RouterAccounting } from './accounting.js';
import type { Reservation } from '../accounting/budgets/types.js';

/** What every request path shares; built once by createRouter(). */
export interface RouterCore {
  options: RouterOptions;
  providers: Readonly<Record<string, LLMProvider>>;
  events: EventBus;
  retry: ResolvedRetry;
  fallbackOn: ReadonlySet<ErrorCode>;
  plan: PlanState;
  guards: TargetGuards;
  streamRecovery: Exclude<StreamRecovery, 'error'>;
  accounting: RouterAccounting;
}

/** A request after classify -> match -> filter -> order, ready for the attempt loop. */
export interface BegunRequest {
  requestId: string;
  request: ChatRequest;
  context: RoutingContext;
  plan: RoutePlan;
  providerRequest: ProviderRequest;
  signal: RequestSignal;
  timeoutMs: number | undefined;
  attempts: AttemptRecord[];
  /** Candidates passed over: by the plan's filter, then at dispatch. */
  skipped: SkippedCandidateInfo[];
  inputTokens: number;
  startedAt: number;
  /** Budget held for this request (settled exactly once by the record stage). */
  reservation?: Reservation;
}

/** The plan input of a request about to be served (a class: no getter object per request). */
class RequestPlanInput implements PlanInput {
  readonly context: RoutingContext;
  readonly classification: LazyClassification;
  #tokens: number | undefined;

  constructor(
    readonly request: ChatRequest,
    readonly kind: RequestKind,
    readonly providerRequest: ProviderRequest,
  ) {
    this.context = contextOf(request);
    this.classification = new LazyClassification(request);
  }

  get inputTokens(): number {
    return (this.#tokens ??= estimateRequestTokens(this.providerRequest));
  }
}

/** Plans a validated request: the stages up to (not including) any provider call. */
export function planFor(core: RouterCore, request: ChatRequest, kind: RequestKind): { plan: RoutePlan; input: RequestPlanInput } {
  const input = new RequestPlanInput(request, kind, toProviderRequest(request));
  return { plan: planRoute(input, core.plan), input };
}

export function beginRequest(core: RouterCore, raw: ChatRequest, kind: RequestKind, validated = false): BegunRequest {
  const request = validated ? raw : validateRequest(raw);
  const { plan, input } = planFor(core, request, kind);
  const { context, providerRequest } = input;
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
    providerRequest,
    signal: requestSignal(request.signal, timeoutMs),
    timeoutMs,
    attempts: [],
    skipped: plan.skipped,
    inputTokens: core.plan.compiled.needsTokens || core.guards.limits.size > 0 || core.accounting.budgets !== undefined ? input.inputTokens : 0,
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
    guards: core.guards,
    tokens: begun.inputTokens + (begun.request.params?.maxTokens ?? 0),
    attempts: begun.attempts,
    skipped: begun.skipped,
  };
}

export function costOf(candidate: Candidate, usage: Usage): Cost {
  // Validated when the router was built (resolveModelInfo): no check per request.
  return computeValidatedCost(usage, candidate.config.pricing);
}

/** After a success: the session is pinned to the model that served it. */
export function pinSession(core: RouterCore, begun: BegunRequest, model: string): void {
  const { sessions } = core.plan;
  if (sessions && begun.request.session !== undefined) sessions.set(SessionPins.key(begun.request.tenant, begun.request.session), model);
}

/** Emits `error` with the route so far and attaches that route to the error. */
export function failRequest(core: RouterCore, begun: BegunRequest, kind: RequestKind, error: SwitchyardError): SwitchyardError {
  const route = failedRouteInfo(begun.plan, begun.attempts, begun.skipped, begun.context);
  if (error.route === undefined) error.route = route;
  core.events.emit('error', { requestId: begun.requestId, kind, error, route, context: begun.context });
  return error;
}
