import { NoRouteError, SwitchyardError } from '../../core/errors.js';
import type { ChatRequest } from '../../core/request.js';
import type { RequestKind } from '../../observability/events.js';
import { admitBudget } from '../filter/budget.js';
import type { RouterScope } from '../scope/scope.js';
import { fail, type Dispatched } from './complete.js';
import { routeRequest, unroutable, type RoutedRequest } from './pipeline.js';

/**
 * `routeRequest`, and a request nothing can serve still leaves a trace: its NoRouteError goes through
 * the failure step (a zero-cost record, an `error` event, an audit entry; queued before the throw).
 */
export function routeOrRecord(scope: RouterScope, request: Readonly<ChatRequest>, kind: RequestKind): RoutedRequest {
  try {
    return routeRequest(scope, request, kind);
  } catch (error) {
    const refused = NoRouteError.isInstance(error) ? unroutable.get(error) : undefined;
    if (refused) void fail(scope, refused, unbudgeted(refused), error as NoRouteError).catch(() => undefined);
    throw error;
  }
}

/** The budget admission of a routed request; a refusal goes through the failure step (recorded, `error` emitted) and throws. */
export async function admit(scope: RouterScope, req: RoutedRequest): Promise<Dispatched> {
  try {
    const admitted = await admitBudget(
      scope.accounting.budgets,
      { context: req.context, inputTokens: req.inputTokens, maxTokens: req.request.params?.maxTokens },
      req.plan.candidates,
      scope.routing.candidates,
    );
    return {
      candidates: admitted.candidates,
      skipped: [...req.plan.skipped, ...admitted.skipped],
      attempts: [],
      billed: [],
      reservation: admitted.reservation,
    };
  } catch (error) {
    if (!SwitchyardError.isInstance(error)) throw error;
    throw await fail(scope, req, unbudgeted(req), error);
  }
}

/** What admission gives a request when no budget is configured: the plan as it is. */
export function unbudgeted(req: RoutedRequest): Dispatched {
  return { candidates: req.plan.candidates, skipped: req.plan.skipped, attempts: [], billed: [], reservation: undefined };
}
