import type { ChatRequest } from '../../core/request.js';
import type { ChatResponse } from '../../core/response.js';
import { validateRequest } from '../../core/request-schema.js';
import { attempt } from '../dispatch/attempts.js';
import { checkedResponse } from '../dispatch/provider-output.js';
import type { RouterScope } from '../scope/scope.js';
import { sessionKey } from '../scope/sessions.js';
import { admit, routeOrRecord, unbudgeted } from './admit.js';
import { announce, complete, fail } from './complete.js';
import { forModel } from './provider-request.js';

/** router.chat(): classify -> match -> filter -> order -> admit -> attempt -> complete (or fail). */
export async function runChat(scope: RouterScope, raw: ChatRequest): Promise<ChatResponse> {
  const request = validateRequest(raw);
  // A session pinned by another process on a shared store: read before the route is planned.
  if (request.session !== undefined && scope.sessions?.shared) await scope.sessions.load(sessionKey(request.tenant, request.session));
  const req = routeOrRecord(scope, request, 'chat');
  try {
    // Without budgets there is nothing to admit: planning and dispatch then run in one go, so the
    // in-flight counts a concurrent request's plan reads (least-in-flight) are current.
    const admitted = scope.accounting.budgets ? await admit(scope, req) : unbudgeted(req);
    const tokens = req.inputTokens + (req.request.params?.maxTokens ?? 0);
    const result = await attempt(
      scope,
      {
        requestId: req.requestId,
        kind: 'chat',
        context: req.context,
        candidates: admitted.candidates,
        signal: req.signal,
        timeoutMs: req.timeoutMs,
        tokens,
      },
      (provider, c, signal) =>
        provider
          .chat(forModel(req.providerRequest, c.config), { model: c.providerModel, signal })
          .then((value) => checkedResponse(value, c.provider, c.model)),
    );
    const done = { ...admitted, skipped: [...admitted.skipped, ...result.skipped], attempts: result.attempts, billed: result.billed };
    if (!result.outcome.ok) throw await fail(scope, req, done, result.outcome.error);
    const response = await complete(scope, req, done, result.outcome.served, result.outcome.served.value);
    announce(scope, req, response);
    return response;
  } finally {
    req.signal.dispose();
  }
}
