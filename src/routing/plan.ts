import { InvalidRequestError, NoRouteError } from '../core/errors.js';
import type { ChatRequest, RoutingContext } from '../core/request.js';
import type { SkippedCandidateInfo } from '../core/response.js';
import type { CircuitBreaker } from '../resilience/breaker/breaker.js';
import type { Classification } from './classify/index.js';
import type { CompiledRouting, RouteNode } from './compile.js';
import type { Controls } from './controls.js';
import { matchRoute } from './match.js';
import { detectNeeds, unmetNeed } from './needs.js';
import type { Candidate, StatsView } from './options.js';
import { orderTree } from './order.js';
import { SessionPins } from './sessions.js';

/** The routing decision for one request, computed before any provider is called. */
export interface RoutePlan {
  candidates: Candidate[];
  strategy: string;
  /** Index of the matched route, undefined when the default applied or a model was forced. */
  routeIndex?: number;
  routeName?: string;
  skipped: SkippedCandidateInfo[];
  classification: Classification;
  /** The session's pinned model, when it was put first. */
  pinned?: string;
  /** The `degradeTo` model, when it was added as the last resort. */
  degradeTo?: string;
}

/** Everything the planner reads; the router owns it. */
export interface PlanState {
  compiled: CompiledRouting;
  controls: Controls;
  breakerOf: (model: string) => CircuitBreaker | undefined;
  /** Model alias -> time until which a vendor 429 cools it. */
  cooldowns: Map<string, number>;
  stats: StatsView;
  sessions: SessionPins | undefined;
  sequences: Map<string, number>;
  random: () => number;
  now: () => number;
  degradeTo: string | undefined;
  /** A tenant's allow/deny lists; undefined: every model may serve. */
  allowed?: (alias: string) => boolean;
}

export interface PlanInput {
  request: Readonly<ChatRequest>;
  context: RoutingContext;
  classification: Classification;
  kind: 'chat' | 'stream';
  inputTokens: number;
}

export function contextOf(request: Readonly<ChatRequest>): RoutingContext {
  const ctx: RoutingContext = {};
  if (request.tenant !== undefined) ctx.tenant = request.tenant;
  if (request.user !== undefined) ctx.user = request.user;
  if (request.agent !== undefined) ctx.agent = request.agent;
  if (request.session !== undefined) ctx.session = request.session;
  if (request.tags !== undefined) ctx.tags = request.tags;
  return ctx;
}

function forcedRoot(state: PlanState, alias: string, path: string): RouteNode {
  const c = state.compiled.candidates.get(alias);
  if (!c) throw new InvalidRequestError({ path, message: `Invalid request: ${path}: unknown model "${alias}" (known: ${[...state.compiled.candidates.keys()].join(', ')})` });
  return { kind: 'model', name: alias, candidate: c };
}

/** classify (done by the caller) -> match route -> filter candidates -> order by strategy -> pin / degrade. */
export function planRoute(input: PlanInput, state: PlanState): RoutePlan {
  const { request } = input;
  const skipped: SkippedCandidateInfo[] = [];
  const forced = request.model ?? state.controls.forcedFor(request.tenant);
  let root: RouteNode;
  let strategy: string;
  let routeIndex: number | undefined;
  let routeName: string | undefined;
  if (forced !== undefined) {
    root = forcedRoot(state, forced, request.model !== undefined ? 'model' : 'force');
    strategy = 'forced';
  } else {
    const index = matchRoute(state.compiled.routes.map((r) => r.rule), request, input.classification);
    const route = index >= 0 ? state.compiled.routes[index]! : undefined;
    root = route ? route.root : state.compiled.defaultRoot;
    strategy = root.kind === 'group' ? root.strategy : 'fallback';
    if (route) {
      routeIndex = index;
      if (route.rule.name !== undefined) routeName = route.rule.name;
    }
  }

  // Filter: hard reasons first; a 429 cooldown only skips while some other candidate is left.
  const needs = detectNeeds(request, input.kind, input);
  const now = state.now();
  const hard = new Map<string, boolean>();
  const eligibleHard = (c: Candidate): boolean => {
    let ok = hard.get(c.model);
    if (ok !== undefined) return ok;
    const skip = (reason: SkippedCandidateInfo['reason'], detail?: string) => {
      skipped.push({ model: c.model, reason, ...(detail !== undefined && { detail }) });
      return false;
    };
    if (state.allowed && !state.allowed(c.model)) ok = skip('disabled', `not allowed for tenant "${request.tenant}"`);
    else if (state.controls.isDisabled(c.model, c.provider)) ok = skip('disabled', state.controls.isDisabled(c.model, '') ? 'model disabled' : `provider "${c.provider}" disabled`);
    else if (state.breakerOf(c.model)?.wouldAllow() === false) ok = skip('circuit-open');
    else {
      const unmet = unmetNeed(c, needs);
      ok = unmet ? skip(unmet.reason, unmet.detail) : true;
    }
    hard.set(c.model, ok);
    return ok;
  };
  const anyCooling = state.cooldowns.size > 0;
  const cooling = (c: Candidate) => anyCooling && (state.cooldowns.get(c.model) ?? 0) > now;
  const strategyInput = {
    request,
    context: input.context,
    classification: input.classification,
    kind: input.kind,
    get inputTokens() {
      return input.inputTokens;
    },
    stats: state.stats,
    random: state.random,
    sequence: 0,
  };
  const base = { input: strategyInput, sequences: state.sequences, skipped };
  let candidates = orderTree(root, { ...base, eligible: anyCooling ? (c) => eligibleHard(c) && !cooling(c) : eligibleHard });
  if (candidates.length === 0 && anyCooling) candidates = orderTree(root, { ...base, sequences: new Map(state.sequences), eligible: eligibleHard });
  else if (anyCooling) {
    for (const c of state.compiled.candidates.values()) {
      if (hard.get(c.model) === true && cooling(c) && !candidates.includes(c)) skipped.push({ model: c.model, reason: 'rate-limited', detail: 'cooling down after a vendor 429' });
    }
  }

  const plan: RoutePlan = { candidates, strategy, skipped, classification: input.classification };
  if (routeIndex !== undefined) plan.routeIndex = routeIndex;
  if (routeName !== undefined) plan.routeName = routeName;

  // Session pin: the model that served this session before goes first, if still eligible.
  if (state.sessions && request.session !== undefined && forced === undefined) {
    const pinned = state.sessions.get(SessionPins.key(request.tenant, request.session));
    const at = pinned === undefined ? -1 : candidates.findIndex((c) => c.model === pinned);
    if (at > 0) candidates.unshift(...candidates.splice(at, 1));
    if (at >= 0) plan.pinned = pinned!;
  }
  // Degradation: the configured last resort, when it is not a candidate already.
  const degrade = state.degradeTo;
  if (degrade !== undefined && forced === undefined && !candidates.some((c) => c.model === degrade)) {
    const c = state.compiled.candidates.get(degrade)!;
    if (eligibleHard(c)) {
      candidates.push(c);
      plan.degradeTo = degrade;
    }
  }
  if (candidates.length === 0) {
    throw new NoRouteError({ skipped: skipped.map((s) => ({ model: s.model, reason: s.reason, ...(s.detail !== undefined && { detail: s.detail }) })) });
  }
  return plan;
}
