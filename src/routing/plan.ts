import { InvalidRequestError, NoRouteError } from '../core/errors.js';
import { estimateRequestTokens } from '../core/tokens.js';
import type { ChatRequest, ProviderRequest, RoutingContext } from '../core/request.js';
import type { SkippedCandidateInfo } from '../core/response.js';
import { LazyClassification, publicClassification, type Classification } from './classify/index.js';
import type { CompiledRouting, ModelNode, RouteNode } from './compile.js';
import type { Controls } from './controls.js';
import { matchRoute } from './match.js';
import { detectNeeds, meetsNeeds, unmetNeed, type Needs } from './needs.js';
import type { Candidate, StatsView, StrategyInput } from './options.js';
import { orderTree, type OrderContext } from './order.js';
import { toProviderRequest } from './prepare.js';
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
  /** False when the model's circuit breaker refuses calls now (open, or half-open with its probes taken). */
  breakerAllows: (candidate: Candidate) => boolean;
  /** True while no circuit breaker is open or half-open. */
  breakersAllClosed: () => boolean;
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

/**
 * The PlanInput of a validated request for `explain()`: what core's planFor builds, without the
 * provider request unless converting tools or a response format could throw (then built at once,
 * as planFor does); the token estimate runs on first read, over the same messages, system and tools.
 */
class ExplainInput implements PlanInput {
  readonly context: RoutingContext;
  readonly classification: LazyClassification;
  readonly #provider: ProviderRequest | undefined;
  #tokens: number | undefined;

  constructor(
    readonly request: Readonly<ChatRequest>,
    readonly kind: 'chat' | 'stream',
  ) {
    this.context = contextOf(request);
    this.#provider = request.tools !== undefined || request.responseFormat !== undefined ? toProviderRequest(request) : undefined;
    this.classification = new LazyClassification(request);
  }

  get inputTokens(): number {
    const { request } = this;
    // Without tools the provider request's messages and system are the request's own.
    return (this.#tokens ??= estimateRequestTokens(this.#provider ?? { messages: request.messages, ...(request.system !== undefined && { system: request.system }) }));
  }
}

/** The plan `router.explain()` reports for a validated request. */
export function explainPlan(state: PlanState, request: Readonly<ChatRequest>, kind: 'chat' | 'stream'): RoutePlan {
  return planRoute(new ExplainInput(request, kind), state);
}

function forcedRoot(state: PlanState, alias: string, path: string): ModelNode {
  const leaf = state.compiled.leaves.get(alias);
  if (!leaf) throw new InvalidRequestError({ path, message: `Invalid request: ${path}: unknown model "${alias}" (known: ${[...state.compiled.candidates.keys()].join(', ')})` });
  return leaf;
}

/** One planning pass: the filter (hard reasons memoised per model, each skip reported once; then a 429 cooldown) and the strategies' input. */
class PlanRun implements OrderContext {
  /** Per candidate index: 0 not checked yet, 1 eligible, -1 skipped for a hard reason. */
  readonly hard: Int8Array;
  /**
   * No candidate can fail a hard check in this pass (no tenant allow-list, nothing disabled, every
   * breaker closed, every model meets the needs, nothing cooling): no per-candidate check at all.
   */
  readonly #allOk: boolean;
  /** First pass: cooling candidates are passed over too. */
  avoidCooling: boolean;
  readonly now: number;
  sequences: Map<string, number>;
  #builtinInput: StrategyInput | undefined;
  #customInput: StrategyInput | undefined;

  constructor(
    private readonly state: PlanState,
    private readonly input: PlanInput,
    private readonly needs: Needs,
    readonly skipped: SkippedCandidateInfo[],
  ) {
    const { compiled } = state;
    this.hard = new Int8Array(compiled.list.length);
    this.avoidCooling = state.cooldowns.size > 0;
    this.now = this.avoidCooling ? state.now() : 0;
    this.sequences = state.sequences;
    this.#allOk =
      !this.avoidCooling &&
      state.allowed === undefined &&
      !state.controls.anyDisabled() &&
      state.breakersAllClosed() &&
      (compiled.lacksUnion & needs.mask) === 0 &&
      (compiled.minContextWindow === Infinity || !(needs.contextTokens > compiled.minContextWindow));
  }

  ok(leaf: ModelNode): boolean {
    return this.#allOk || (this.isHardOk(leaf) && !(this.avoidCooling && this.cooling(leaf.candidate)));
  }

  cooling(c: Candidate): boolean {
    return (this.state.cooldowns.get(c.model) ?? 0) > this.now;
  }

  isHardOk(leaf: ModelNode): boolean {
    if (this.#allOk) return true;
    const memo = this.hard[leaf.index]!;
    if (memo !== 0) return memo > 0;
    const ok = this.#check(leaf.candidate);
    this.hard[leaf.index] = ok ? 1 : -1;
    return ok;
  }

  /** One input object per plan and kind, its `sequence` set per group by the caller. */
  strategyInput(custom: boolean): StrategyInput {
    if (!custom) return (this.#builtinInput ??= new BuiltinInput(this.input, this.state));
    const { input, state } = this;
    // What a user's strategy gets: own enumerable fields, `inputTokens` an own getter (estimated on first read).
    return (this.#customInput ??= {
      request: input.request,
      context: input.context,
      classification: publicClassification(input.classification),
      kind: input.kind,
      get inputTokens() {
        return input.inputTokens;
      },
      stats: state.stats,
      random: state.random,
      sequence: 0,
    });
  }

  #check(c: Candidate): boolean {
    const { state } = this;
    if (state.allowed && !state.allowed(c.model)) return this.#skip(c, 'disabled', `not allowed for tenant "${this.input.request.tenant}"`);
    if (state.controls.isDisabled(c.model, c.provider)) return this.#skip(c, 'disabled', state.controls.isDisabled(c.model, '') ? 'model disabled' : `provider "${c.provider}" disabled`);
    if (!state.breakerAllows(c)) return this.#skip(c, 'circuit-open');
    if (meetsNeeds(c, this.needs)) return true;
    const unmet = unmetNeed(c, this.needs)!;
    return this.#skip(c, unmet.reason, unmet.detail);
  }

  #skip(c: Candidate, reason: SkippedCandidateInfo['reason'], detail?: string): false {
    this.skipped.push({ model: c.model, reason, ...(detail !== undefined && { detail }) });
    return false;
  }
}

/** The built-in strategies' input: the same values, `inputTokens` a prototype getter (cheap to create; built-ins only read fields). */
class BuiltinInput implements StrategyInput {
  readonly request: Readonly<ChatRequest>;
  readonly context: RoutingContext;
  readonly classification: Classification;
  readonly kind: 'chat' | 'stream';
  readonly stats: StatsView;
  readonly random: () => number;
  sequence = 0;

  constructor(
    private readonly input: PlanInput,
    state: PlanState,
  ) {
    this.request = input.request;
    this.context = input.context;
    this.classification = input.classification;
    this.kind = input.kind;
    this.stats = state.stats;
    this.random = state.random;
  }

  get inputTokens(): number {
    return this.input.inputTokens;
  }
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
    const index = matchRoute(state.compiled.rules, request, input.classification);
    const route = index >= 0 ? state.compiled.routes[index]! : undefined;
    root = route ? route.root : state.compiled.defaultRoot;
    strategy = root.kind === 'group' ? root.strategy : 'fallback';
    if (route) {
      routeIndex = index;
      if (route.rule.name !== undefined) routeName = route.rule.name;
    }
  }

  // Filter: hard reasons first; a 429 cooldown only skips while some other candidate is left.
  const run = new PlanRun(state, input, detectNeeds(request, input.kind, input), skipped);
  const anyCooling = run.avoidCooling;
  let candidates = orderTree(root, run);
  if (candidates.length === 0 && anyCooling) {
    run.avoidCooling = false;
    run.sequences = new Map(state.sequences);
    candidates = orderTree(root, run);
  } else if (anyCooling) {
    const { list } = state.compiled;
    for (let i = 0; i < list.length; i++) {
      const c = list[i]!;
      if (run.hard[i] === 1 && run.cooling(c) && !candidates.includes(c)) skipped.push({ model: c.model, reason: 'rate-limited', detail: 'cooling down after a vendor 429' });
    }
  }

  const plan: RoutePlan = { candidates, strategy, skipped, classification: input.classification };
  if (routeIndex !== undefined) plan.routeIndex = routeIndex;
  if (routeName !== undefined) plan.routeName = routeName;

  // Session pin: the model that served this session before goes first, if still eligible.
  if (state.sessions && request.session !== undefined && forced === undefined) {
    const pinned = state.sessions.get(SessionPins.key(request.tenant, request.session));
    const at = pinned === undefined ? -1 : indexOfModel(candidates, pinned);
    if (at > 0) candidates.unshift(...candidates.splice(at, 1));
    if (at >= 0) plan.pinned = pinned!;
  }
  // Degradation: the configured last resort, when it is not a candidate already.
  const degrade = state.degradeTo;
  if (degrade !== undefined && forced === undefined && indexOfModel(candidates, degrade) < 0) {
    const leaf = state.compiled.leaves.get(degrade)!;
    if (run.isHardOk(leaf)) {
      candidates.push(leaf.candidate);
      plan.degradeTo = degrade;
    }
  }
  if (candidates.length === 0) {
    throw new NoRouteError({ skipped: skipped.map((s) => ({ model: s.model, reason: s.reason, ...(s.detail !== undefined && { detail: s.detail }) })) });
  }
  return plan;
}

function indexOfModel(candidates: Candidate[], model: string): number {
  for (let i = 0; i < candidates.length; i++) if (candidates[i]!.model === model) return i;
  return -1;
}
