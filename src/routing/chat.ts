import { SwitchyardError } from '../core/errors.js';
import type { ChatRequest } from '../core/request.js';
import type { ChatResponse } from '../core/response.js';
import { assembleResponse, routeInfo } from './assemble.js';
import { AttemptLoopFailure, runAttempts } from './attempts.js';
import { beginRequest, costOf, failRequest, loopInput, pinSession, type RouterCore } from './core.js';
import { forModel } from './prepare.js';

/** router.chat(): one non-streaming completion through the attempt loop. */
export async function runChat(core: RouterCore, raw: ChatRequest): Promise<ChatResponse> {
  const begun = beginRequest(core, raw, 'chat');
  try {
    if (core.accounting.budgets) {
      // Synchronous on an in-process store: no turn of the event loop for the budget check.
      const admitted = core.accounting.admit(begun, core.plan.compiled.candidates);
      begun.reservation = admitted instanceof Promise ? await admitted : admitted;
    }
    const { value, candidate, tryNumber, startedAt, lease } = await runAttempts(loopInput(core, begun, 'chat'), (provider, c, signal) =>
      provider.chat(forModel(begun.providerRequest, c.config), { model: c.providerModel, signal }),
    );
    const endedAt = performance.now();
    const latencyMs = endedAt - startedAt;
    lease.end({ ok: true, latencyMs, tokens: value.usage.totalTokens });
    begun.attempts.push({ model: candidate.model, provider: candidate.provider, try: tryNumber, ok: true, latencyMs });
    pinSession(core, begun, candidate.model);
    const route = routeInfo(begun.plan, candidate, begun.attempts, begun.skipped, begun.context);
    const cost = costOf(candidate, value.usage);
    const response = assembleResponse(begun.requestId, value, route, cost, endedAt - begun.startedAt);
    const { events } = core;
    if (events.has('attempt')) {
      events.emit('attempt', { requestId: begun.requestId, kind: 'chat', model: candidate.model, provider: candidate.provider, try: tryNumber, ok: true, latencyMs, context: begun.context });
    }
    const settling = core.accounting.succeeded('chat', begun, response, begun.reservation);
    if (settling) await settling;
    if (events.has('response')) {
      events.emit('response', { requestId: begun.requestId, kind: 'chat', route, usage: response.usage, cost, finishReason: response.finishReason, latencyMs: response.latencyMs });
    }
    return response;
  } catch (error) {
    const typed = error instanceof AttemptLoopFailure ? error.error : SwitchyardError.isInstance(error) ? error : undefined;
    if (!typed) throw error;
    const failed = failRequest(core, begun, 'chat', typed);
    await core.accounting.failed('chat', begun, failed, failed.route!, begun.reservation);
    throw failed;
  } finally {
    begun.signal.dispose();
  }
}
