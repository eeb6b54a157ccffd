import type { AssistantContentPart, ToolCallPart } from '../../core/messages.js';
import type { AttemptRecord, ChatResponse, ProviderResponse, RouteInfo, SkippedCandidate } from '../../core/response.js';
import type { RoutingContext } from '../../core/request.js';
import type { Cost } from '../../core/usage.js';
import type { Candidate } from '../config/options.js';
import type { RoutePlan } from '../plan/plan.js';

export function routeInfo(
  plan: RoutePlan,
  served: Candidate,
  attempts: AttemptRecord[],
  skipped: SkippedCandidate[],
  context: RoutingContext,
): RouteInfo {
  const route: RouteInfo = {
    model: served.model,
    provider: served.provider,
    providerModel: served.providerModel,
    strategy: plan.strategy,
    candidates: plan.candidates.map((c) => c.model),
    fallbackUsed: served.model !== plan.candidates[0]!.model,
    attempts,
    skipped,
    context,
  };
  if (plan.routeIndex !== undefined) route.routeIndex = plan.routeIndex;
  if (plan.degradeTo !== undefined && served.model === plan.degradeTo) route.degraded = true;
  if (plan.pinned !== undefined) route.pinned = served.model === plan.pinned;
  return route;
}

/** The failed route of a request that did not succeed (no model served it). */
export function failedRouteInfo(
  plan: RoutePlan,
  attempts: AttemptRecord[],
  skipped: SkippedCandidate[],
  context: RoutingContext,
): RouteInfo {
  const last = attempts[attempts.length - 1];
  // No candidate at all (NoRouteError): the route names no model ('').
  const first = plan.candidates[0];
  const model = last?.model ?? first?.model ?? '';
  const route: RouteInfo = {
    model,
    provider: last?.provider ?? first?.provider ?? '',
    providerModel: plan.candidates.find((c) => c.model === model)?.providerModel ?? first?.providerModel ?? '',
    strategy: plan.strategy,
    candidates: plan.candidates.map((c) => c.model),
    fallbackUsed: attempts.some((a) => a.model !== first?.model),
    attempts,
    skipped,
    context,
  };
  if (plan.routeIndex !== undefined) route.routeIndex = plan.routeIndex;
  return route;
}

export function splitContent(content: ReadonlyArray<AssistantContentPart>): {
  text: string;
  reasoning: string | undefined;
  toolCalls: ToolCallPart[];
} {
  let text = '';
  let reasoning: string | undefined;
  const toolCalls: ToolCallPart[] = [];
  for (const part of content) {
    if (part.type === 'text') text += part.text;
    else if (part.type === 'reasoning') reasoning = (reasoning ?? '') + part.text;
    else toolCalls.push(part);
  }
  return { text, reasoning, toolCalls };
}

export function assembleResponse(requestId: string, res: ProviderResponse, route: RouteInfo, cost: Cost, latencyMs: number): ChatResponse {
  const { text, reasoning, toolCalls } = splitContent(res.content);
  const out: ChatResponse = {
    id: requestId,
    text,
    content: res.content,
    toolCalls,
    finishReason: res.finishReason,
    usage: res.usage,
    cost,
    route,
    warnings: res.warnings,
    latencyMs,
  };
  if (res.id !== undefined) out.providerResponseId = res.id;
  if (reasoning !== undefined) out.reasoning = reasoning;
  if (res.rawFinishReason !== undefined) out.rawFinishReason = res.rawFinishReason;
  if (res.providerMetadata !== undefined) out.providerMetadata = res.providerMetadata;
  if (res.raw !== undefined) out.raw = res.raw;
  return out;
}
