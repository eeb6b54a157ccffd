import { InvalidRequestError, NoRouteError } from '../core/errors.js';
import type { ChatRequest, RoutingContext } from '../core/request.js';
import { matchRoute } from './match.js';
import type { Candidate, RouteRule, RouterOptions } from './options.js';
import { resolveStrategy } from './strategies/index.js';

/** The routing decision for one request, computed before any provider is called. */
export interface RoutePlan {
  candidates: Candidate[];
  strategy: string;
  /** Index of the matched route, undefined when the default applied or a model was forced. */
  routeIndex?: number;
  routeName?: string;
}

/** Builds candidates once per router; plans reuse them. */
export function buildCandidates(options: RouterOptions): Map<string, Candidate> {
  const out = new Map<string, Candidate>();
  for (const [alias, config] of Object.entries(options.models)) {
    out.set(alias, { model: alias, provider: config.provider, providerModel: config.model, config });
  }
  return out;
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

/** match route -> order by strategy. */
export function planRoute(
  request: Readonly<ChatRequest>,
  context: RoutingContext,
  options: RouterOptions,
  candidates: ReadonlyMap<string, Candidate>,
): RoutePlan {
  if (request.model !== undefined) {
    const forced = candidates.get(request.model);
    if (!forced) {
      throw new InvalidRequestError({ path: 'model', message: `Invalid request: model: unknown model "${request.model}" (known: ${[...candidates.keys()].join(', ')})` });
    }
    return { candidates: [forced], strategy: 'forced' };
  }
  const routes: ReadonlyArray<RouteRule> = options.routes ?? [];
  const index = matchRoute(routes, request);
  const rule = index >= 0 ? routes[index] : undefined;
  const pool = rule ? rule.use.map((alias) => candidates.get(alias)!) : [...candidates.values()];
  const { name, order } = resolveStrategy(rule?.strategy ?? options.strategy ?? 'fallback');
  const ordered = order(pool, { request, context });
  if (ordered.length === 0) {
    throw new NoRouteError({ skipped: pool.map((c) => ({ model: c.model, reason: `dropped by strategy "${name}"` })) });
  }
  const plan: RoutePlan = { candidates: ordered, strategy: name };
  if (rule) {
    plan.routeIndex = index;
    if (rule.name !== undefined) plan.routeName = rule.name;
  }
  return plan;
}
