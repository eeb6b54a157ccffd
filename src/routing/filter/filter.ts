import type { SkippedCandidate } from '../../core/response.js';
import type { Candidate } from '../config/options.js';
import type { RouteNode } from '../plan/compile.js';
import type { RouterScope } from '../scope/scope.js';
import { unmetNeed, type Needs } from './needs.js';

export interface Filtered {
  /** Model aliases that may be tried. */
  eligible: Set<string>;
  /** Every candidate passed over, with why. */
  skipped: SkippedCandidate[];
}

/** The models a route tree can reach, each once, in tree order. */
export function leavesOf(node: RouteNode, out: Candidate[] = []): Candidate[] {
  if (node.kind === 'model') {
    if (!out.includes(node.candidate)) out.push(node.candidate);
  } else for (const child of node.children) leavesOf(child, out);
  return out;
}

/**
 * Why a candidate may not serve this request at all (tenant allow-list, disabled, breaker,
 * capability, context window), or undefined.
 */
export function hardReason(
  scope: RouterScope,
  c: Candidate,
  needs: Needs,
  tenant: string | undefined,
): Omit<SkippedCandidate, 'model'> | undefined {
  if (scope.allowed && !scope.allowed(c.model)) return { reason: 'disabled', detail: `not allowed for tenant "${tenant}"` };
  if (scope.controls.isDisabled(c.model, c.provider)) {
    return { reason: 'disabled', detail: scope.controls.isDisabled(c.model, '') ? 'model disabled' : `provider "${c.provider}" disabled` };
  }
  if (!scope.guards.breakerAllows(c)) return { reason: 'circuit-open' };
  return unmetNeed(c, needs);
}

/**
 * Why a candidate should wait its turn behind others (a vendor 429 cooling it, a local rate limit
 * saturated with `overflow: 'next'`), or undefined. These only skip while another candidate is left.
 */
function softReason(scope: RouterScope, c: Candidate, tokens: number): Omit<SkippedCandidate, 'model'> | undefined {
  if ((scope.guards.cooldowns.get(c.model) ?? 0) > scope.now())
    return { reason: 'rate-limited', detail: 'cooling down after a vendor 429' };
  if (scope.guards.saturated(c, tokens)) return { reason: 'rate-limited', detail: 'local limit saturated (overflow: next)' };
  return undefined;
}

/**
 * The filter stage: every candidate the route can reach (and the `degradeTo` model) checked for
 * tenant allow-lists, emergency controls, circuit breakers, capabilities and context window; then
 * rate limits (vendor 429 cooldowns, saturated local limits), which skip a candidate only while
 * another one is left. Budgets are the admission stage, after ordering (budget.ts).
 */
export function filterCandidates(
  scope: RouterScope,
  candidates: ReadonlyArray<Candidate>,
  needs: Needs,
  tokens: number,
  tenant: string | undefined,
): Filtered {
  const skipped: SkippedCandidate[] = [];
  const passed: Candidate[] = [];
  for (const c of candidates) {
    const why = hardReason(scope, c, needs, tenant);
    if (why) skipped.push({ model: c.model, ...why });
    else passed.push(c);
  }
  const waiting = passed.map((c) => softReason(scope, c, tokens));
  const anyFree = waiting.some((why) => why === undefined);
  const eligible = new Set<string>();
  passed.forEach((c, i) => {
    const why = waiting[i];
    if (why && anyFree) skipped.push({ model: c.model, ...why });
    else eligible.add(c.model);
  });
  return { eligible, skipped };
}
