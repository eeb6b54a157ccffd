import type { Reservation } from '../../accounting/budgets/types.js';
import type { BilledAttempt } from '../../accounting/request-accounting.js';
import { computeValidatedCost } from '../../accounting/cost.js';
import type { SwitchyardError } from '../../core/errors.js';
import type { AttemptRecord, ChatResponse, ProviderResponse, RouteInfo, SkippedCandidate } from '../../core/response.js';
import type { Cost, Usage } from '../../core/usage.js';
import type { Candidate } from '../config/options.js';
import type { BilledTry, Served } from '../dispatch/attempts.js';
import type { RouterScope } from '../scope/scope.js';
import { sessionKey } from '../scope/sessions.js';
import { assembleResponse, failedRouteInfo, routeInfo } from './assemble.js';
import type { RoutedRequest } from './pipeline.js';

/** What the stages after planning decided: the admitted candidates, every skip, every failed try, the hold. */
export interface Dispatched {
  candidates: Candidate[];
  skipped: SkippedCandidate[];
  attempts: AttemptRecord[];
  reservation: Reservation | undefined;
  /** The failed tries the vendor billed anyway (from the attempt stage; empty before it). */
  billed: ReadonlyArray<BilledTry>;
}

/** A billed failed try as the record stage takes it: priced at its candidate. */
function billedAttempt(b: BilledTry): BilledAttempt {
  const { candidate, usage } = b;
  return {
    model: candidate.model,
    provider: candidate.provider,
    providerModel: candidate.providerModel,
    usage,
    cost: costOf(candidate, usage),
    error: b.error,
    latencyMs: b.latencyMs,
  };
}

export function costOf(candidate: Candidate, usage: Usage): Cost {
  // The router's prices were validated when it was built: no check per request.
  return computeValidatedCost(usage, candidate.config.pricing);
}

/**
 * The completion step, the same for chat and stream once the provider's response is whole: the
 * target's lease ends, the session is pinned, the route and cost are assembled, `attempt` (ok) is
 * emitted (with the time to first token, for a stream), and the record stage writes the ledger record and settles the budget hold. The caller
 * then delivers the response (stream: the `finish` event) and calls `announce`.
 */
export async function complete(
  scope: RouterScope,
  req: RoutedRequest,
  done: Dispatched,
  served: Omit<Served<unknown>, 'value'>,
  res: ProviderResponse,
  ttftMs?: number,
): Promise<ChatResponse> {
  const { candidate } = served;
  const endedAt = performance.now();
  const latencyMs = endedAt - served.startedAt;
  served.lease.end({ ok: true, latencyMs, tokens: res.usage.totalTokens });
  const attempts = [...done.attempts, { model: candidate.model, provider: candidate.provider, try: served.try, ok: true, latencyMs }];
  if (scope.sessions && req.request.session !== undefined)
    scope.sessions.set(sessionKey(req.request.tenant, req.request.session), candidate.model);
  const route = routeInfo({ ...req.plan, candidates: done.candidates }, candidate, attempts, done.skipped, req.context);
  const response = assembleResponse(req.requestId, res, route, costOf(candidate, res.usage), endedAt - req.startedAt);
  scope.events.emit('attempt', {
    requestId: req.requestId,
    kind: req.kind,
    model: candidate.model,
    provider: candidate.provider,
    try: served.try,
    ok: true,
    latencyMs,
    context: req.context,
    ...(ttftMs !== undefined && { ttftMs }),
  });
  await scope.accounting.succeeded(req, response, done.reservation, done.billed.map(billedAttempt));
  return response;
}

/** After the response was delivered: the `response` event. */
export function announce(scope: RouterScope, req: RoutedRequest, response: ChatResponse): void {
  const { route, usage, cost, finishReason, latencyMs } = response;
  const content = scope.options.eventContent === true ? { content: { text: response.text, toolCalls: response.toolCalls } } : undefined;
  scope.events.emit('response', { requestId: req.requestId, kind: req.kind, route, usage, cost, finishReason, latencyMs, ...content });
}

/**
 * The failure step, the same for chat and stream: the route so far is attached to the error,
 * `error` is emitted, and the record stage writes the record (and what was billed) and settles the hold.
 */
export async function fail(
  scope: RouterScope,
  req: RoutedRequest,
  done: Dispatched,
  error: SwitchyardError,
  serving?: BilledTry,
): Promise<SwitchyardError> {
  const route: RouteInfo = failedRouteInfo({ ...req.plan, candidates: done.candidates }, done.attempts, done.skipped, req.context);
  error.route ??= route;
  scope.events.emit('error', { requestId: req.requestId, kind: req.kind, error, route, context: req.context });
  const billed = [...done.billed, ...(serving ? [serving] : [])].map(billedAttempt);
  await scope.accounting.failed(req, error, error.route, done.reservation, billed);
  return error;
}
