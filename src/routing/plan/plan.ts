import { InvalidRequestError, NoRouteError } from '../../core/errors.js';
import type { ChatRequest, ProviderRequest, RoutingContext } from '../../core/request.js';
import type { SkippedCandidate } from '../../core/response.js';
import type { RequestKind } from '../../observability/events.js';
import type { Candidate, StrategyInput } from '../config/options.js';
import { filterCandidates, hardReason, leavesOf } from '../filter/filter.js';
import { detectNeeds } from '../filter/needs.js';
import type { RouterScope } from '../scope/scope.js';
import { sessionKey } from '../scope/sessions.js';
import { publicClassification, type LazyClassification } from './classify/index.js';
import type { RouteNode } from './compile.js';
import { matchRoute } from './match.js';
import { orderTree } from './order.js';

/** A request as every stage reads it: validated, classified, converted for providers, estimated. */
export interface ClassifiedRequest {
  request: Readonly<ChatRequest>;
  kind: RequestKind;
  context: RoutingContext;
  classification: LazyClassification;
  providerRequest: ProviderRequest;
  /** Estimated input tokens (system, messages, tool schemas). */
  inputTokens: number;
}

/** The routing decision for one request, computed before any provider is called. */
export interface RoutePlan {
  candidates: Candidate[];
  strategy: string;
  /** Index of the matched route, undefined when the default applied or a model was forced. */
  routeIndex?: number;
  routeName?: string;
  skipped: SkippedCandidate[];
  /** The session's pinned model, when it was put first. */
  pinned?: string;
  /** The `degradeTo` model, when it was added as the last resort. */
  degradeTo?: string;
}

/** The match stage: a forced model (request, then `force()`), else the first matching route, else the default. */
function selectRoute(
  scope: RouterScope,
  req: ClassifiedRequest,
): { root: RouteNode; strategy: string; forced: boolean; routeIndex?: number; routeName?: string } {
  const { request } = req;
  const forced = request.model ?? scope.controls.forcedFor(request.tenant);
  if (forced !== undefined) {
    const path = request.model !== undefined ? 'model' : 'force';
    const leaf = scope.routing.leaves.get(forced);
    if (!leaf) {
      throw new InvalidRequestError({
        path,
        message: `Invalid request: ${path}: unknown model "${forced}" (known: ${[...scope.routing.candidates.keys()].join(', ')})`,
      });
    }
    return { root: leaf, strategy: 'forced', forced: true };
  }
  const index = matchRoute(scope.routing.rules, request, req.classification);
  const route = index >= 0 ? scope.routing.routes[index]! : undefined;
  if (!route) return { root: scope.routing.defaultRoot, strategy: scope.routing.defaultRoot.strategy, forced: false };
  return {
    root: route.root,
    strategy: route.root.strategy,
    forced: false,
    routeIndex: index,
    ...(route.rule.name !== undefined && { routeName: route.rule.name }),
  };
}

/**
 * match -> filter -> order, then the session pin first and the `degradeTo` model last.
 * Throws NoRouteError when nothing is left (every skip listed), InvalidRequestError for an unknown forced model.
 */
export function planRoute(scope: RouterScope, req: ClassifiedRequest): RoutePlan {
  const { request } = req;
  const route = selectRoute(scope, req);
  const needs = detectNeeds(request, req.kind, req.inputTokens);
  const tokens = req.inputTokens + (request.params?.maxTokens ?? 0);
  const filtered = filterCandidates(scope, leavesOf(route.root), needs, tokens, request.tenant);
  const strategyInput: StrategyInput = {
    sequence: 0,
    request,
    context: req.context,
    classification: publicClassification(req.classification),
    kind: req.kind,
    inputTokens: req.inputTokens,
    stats: scope.guards.stats,
    random: scope.random,
  };
  const ordered = orderTree(route.root, { eligible: filtered.eligible, strategyInput, sequences: scope.sequences });
  const candidates = ordered.candidates;
  const skipped = [...filtered.skipped, ...ordered.skipped];
  const plan: RoutePlan = { candidates, strategy: route.strategy, skipped };
  if (route.routeIndex !== undefined) plan.routeIndex = route.routeIndex;
  if (route.routeName !== undefined) plan.routeName = route.routeName;

  // Session pin: the model that served this session before goes first, if still eligible.
  if (scope.sessions && request.session !== undefined && !route.forced) {
    const pinned = scope.sessions.get(sessionKey(request.tenant, request.session));
    const at = candidates.findIndex((c) => c.model === pinned);
    if (at > 0) candidates.unshift(...candidates.splice(at, 1));
    if (at >= 0) plan.pinned = pinned!;
  }
  // Degradation: the configured last resort, when it is not a candidate already and may serve.
  const degrade = scope.degradeTo;
  if (degrade !== undefined && !route.forced && !candidates.some((c) => c.model === degrade)) {
    const c = scope.routing.candidates.get(degrade)!;
    const why = hardReason(scope, c, needs, request.tenant);
    if (why) {
      if (!skipped.some((s) => s.model === degrade)) skipped.push({ model: degrade, ...why });
    } else {
      candidates.push(c);
      plan.degradeTo = degrade;
    }
  }
  if (candidates.length === 0) {
    throw new NoRouteError({
      skipped: skipped.map((s) => ({ model: s.model, reason: s.reason, ...(s.detail !== undefined && { detail: s.detail }) })),
    });
  }
  return plan;
}
