import type { SwitchyardError } from '../../core/errors.js';
import type { RoutingContext } from '../../core/request.js';
import type { ChatResponse, RouteInfo } from '../../core/response.js';
import type { Cost, Usage } from '../../core/usage.js';
import type { RecordInput } from './record.js';

/** The record of a successful request: cost is attributed to the model that served it. */
export function recordOfResponse(response: ChatResponse): RecordInput {
  const { route } = response;
  return {
    requestId: response.id,
    context: route.context,
    model: route.model,
    provider: route.provider,
    providerModel: route.providerModel,
    usage: response.usage,
    cost: response.cost,
    latencyMs: response.latencyMs,
    outcome: 'ok',
    fallbackUsed: route.fallbackUsed,
    attempts: route.attempts.length,
  };
}

/**
 * The record of a request that failed for good (the `error` event's payload fits). Attributed to the
 * model last tried (`route.model`); `(none)` when nothing was called (no route, budget block).
 * Nothing billed: billed attempts are recorded apart with {@link recordOfBilledAttempt}.
 */
export function recordOfFailure(input: {
  requestId: string;
  error: SwitchyardError;
  context: RoutingContext;
  route?: RouteInfo;
  latencyMs?: number;
}): RecordInput {
  const { route, error } = input;
  const called = route !== undefined && route.attempts.length > 0;
  return {
    requestId: input.requestId,
    context: input.context,
    model: called ? route.model : '(none)',
    provider: called ? route.provider : '(none)',
    providerModel: called ? route.providerModel : '(none)',
    latencyMs: input.latencyMs ?? 0,
    outcome: 'error',
    errorCode: error.code,
    fallbackUsed: route?.fallbackUsed ?? false,
    attempts: route?.attempts.length ?? 0,
  };
}

/** A failed attempt the vendor billed anyway (partial stream, vendor-side timeout): charged to that model. */
export function recordOfBilledAttempt(input: {
  requestId: string;
  context: RoutingContext;
  model: string;
  provider: string;
  providerModel: string;
  usage: Usage;
  cost: Cost;
  error: SwitchyardError;
  latencyMs?: number;
}): RecordInput {
  return {
    kind: 'billed-attempt',
    requestId: input.requestId,
    context: input.context,
    model: input.model,
    provider: input.provider,
    providerModel: input.providerModel,
    usage: input.usage,
    cost: input.cost,
    latencyMs: input.latencyMs ?? 0,
    outcome: 'error',
    errorCode: input.error.code,
    attempts: 1,
  };
}
