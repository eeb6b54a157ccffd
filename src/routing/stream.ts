import { AbortError, InvalidRequestError, InvalidResponseError, SwitchyardError } from '../core/errors.js';
import type { ChatRequest } from '../core/request.js';
import type { ChatResponse } from '../core/response.js';
import type { ProviderStreamPart, StreamEvent } from '../core/stream.js';
import { validateRequest } from '../core/request-schema.js';
import { failedRouteInfo, assembleResponse, routeInfo } from './assemble.js';
import { AttemptLoopFailure, runAttempts } from './attempts.js';
import { beginRequest, costOf, failRequest, loopInput, pinSession, type BegunRequest, type RouterCore } from './core.js';
import type { Lease } from './guard.js';
import { forModel } from './prepare.js';
import { StreamAccumulator } from './stream-accumulator.js';
import { openStream } from './stream-open.js';
import { toTypedError } from './to-typed-error.js';

/** What `router.stream()` returns: iterate it for events, or `collect()` the whole response. */
export interface ChatStream extends AsyncIterable<StreamEvent> {
  /** Consumes the stream and resolves with the assembled response (as the `finish` event carries it). */
  collect(): Promise<ChatResponse>;
}

interface Served {
  model: string;
  provider: string;
  try: number;
  startedAt: number;
  lease: Lease;
}

async function* events(core: RouterCore, request: ChatRequest): AsyncGenerator<StreamEvent> {
  const begun: BegunRequest = beginRequest(core, request, 'stream', true);
  let iterator: AsyncIterator<ProviderStreamPart> | undefined;
  let finished = false;
  let served: Served | undefined;
  const acc = new StreamAccumulator();
  try {
    if (core.accounting.budgets) begun.reservation = await core.accounting.admit(begun, core.plan.compiled.candidates);
    const opened = await runAttempts(loopInput(core, begun, 'stream'), (provider, c, signal) =>
      openStream(provider.stream(forModel(begun.providerRequest, c.config), { model: c.providerModel, signal }), core.streamRecovery),
    );
    const { candidate } = opened;
    served = { model: candidate.model, provider: candidate.provider, try: opened.tryNumber, startedAt: opened.startedAt, lease: opened.lease };
    if (opened.value.ttftMs !== undefined) core.guards.stats.firstToken(candidate.model, opened.value.ttftMs);
    iterator = opened.value.iterator;
    const pending: StreamEvent[] = [];
    for (const part of opened.value.head) {
      const ev = acc.add(part);
      if (ev) pending.push(ev);
    }
    yield { type: 'start', requestId: begun.requestId, model: candidate.model, provider: candidate.provider, warnings: acc.warnings };
    yield* pending;
    let done = opened.value.done;
    let next = opened.value.pending;
    // stopStreamOnBudget: re-check the running cost against the reservation every ~256 characters.
    const budgetWatch = core.options.stopStreamOnBudget === true && begun.reservation !== undefined;
    let checkedAt = 0;
    while (!done && acc.finish === undefined) {
      let result: IteratorResult<ProviderStreamPart>;
      try {
        result = await (next ?? iterator.next());
        next = undefined;
      } catch (error) {
        throw toTypedError(error, begun.signal, candidate.provider, candidate.model, begun.timeoutMs);
      }
      if (result.done) done = true;
      else {
        const ev = acc.add(result.value);
        if (ev) yield ev;
        if (budgetWatch && acc.outputChars - checkedAt >= 256) {
          checkedAt = acc.outputChars;
          const verdict = await core.accounting.allows(begun.reservation, costOf(candidate, acc.usage(begun.providerRequest)).totalMicros);
          if (verdict !== true) throw verdict;
        }
      }
    }
    if (acc.finish === undefined) {
      // A stream cut without the vendor's end marker is never a success.
      throw new InvalidResponseError({ provider: candidate.provider, model: candidate.model, message: `The stream from "${candidate.model}" ended without a finish event` });
    }
    finished = true;
    // Close the vendor stream before giving its slot back: a stream holds its slot until it ends.
    await iterator.return?.().catch(() => undefined);
    const endedAt = performance.now();
    const latencyMs = endedAt - opened.startedAt;
    const res = acc.toResponse(begun.providerRequest);
    served.lease.end({ ok: true, latencyMs, tokens: res.usage.totalTokens });
    begun.attempts.push({ model: candidate.model, provider: candidate.provider, try: opened.tryNumber, ok: true, latencyMs });
    pinSession(core, begun, candidate.model);
    const route = routeInfo(begun.plan, candidate, begun.attempts, begun.skipped, begun.context);
    const cost = costOf(candidate, res.usage);
    const response = assembleResponse(begun.requestId, res, route, cost, endedAt - begun.startedAt);
    await core.accounting.succeeded('stream', begun, response, begun.reservation);
    if (core.events.has('attempt')) {
      core.events.emit('attempt', { requestId: begun.requestId, kind: 'stream', model: candidate.model, provider: candidate.provider, try: opened.tryNumber, ok: true, latencyMs, context: begun.context, ...(opened.value.ttftMs !== undefined && { ttftMs: opened.value.ttftMs }) });
    }
    yield { type: 'finish', finishReason: response.finishReason, ...(response.rawFinishReason !== undefined && { rawFinishReason: response.rawFinishReason }), usage: response.usage, cost, route, response };
    if (core.events.has('response')) {
      core.events.emit('response', { requestId: begun.requestId, kind: 'stream', route, usage: response.usage, cost, finishReason: response.finishReason, latencyMs: response.latencyMs });
    }
  } catch (error) {
    finished = true;
    let typed: SwitchyardError;
    if (error instanceof AttemptLoopFailure) typed = error.error;
    else if (SwitchyardError.isInstance(error)) {
      typed = error;
      // A failure after the stream was opened belongs to the serving attempt.
      if (served) {
        const latencyMs = performance.now() - served.startedAt;
        served.lease.end({ ok: false, error: typed, latencyMs });
        begun.attempts.push({ model: served.model, provider: served.provider, try: served.try, ok: false, latencyMs, error: typed, errorClass: typed.name });
      }
    } else throw error;
    const failed = failRequest(core, begun, 'stream', typed);
    const route = failed.route ?? failedRouteInfo(begun.plan, begun.attempts, begun.skipped, begun.context);
    if (served) {
      // Deltas were delivered: the vendor bills them; record them, and say what arrived.
      const usage = acc.usage(begun.providerRequest);
      const candidate = begun.plan.candidates.find((c) => c.model === served!.model)!;
      const cost = costOf(candidate, usage);
      await core.accounting.failed('stream', begun, failed, route, begun.reservation, { candidate, usage, cost });
      yield { type: 'error', error: failed, partial: { text: acc.text, usage, cost }, route };
    } else await core.accounting.failed('stream', begun, failed, route, begun.reservation);
    throw failed;
  } finally {
    if (!finished) {
      // The consumer stopped early (break/return): cancel the vendor stream and report it.
      const error = new AbortError({ message: 'The stream consumer stopped before the end', ...(served && { provider: served.provider, model: served.model }) });
      if (served) {
        const latencyMs = performance.now() - served.startedAt;
        served.lease.end({ ok: false, error, latencyMs });
        begun.attempts.push({ model: served.model, provider: served.provider, try: served.try, ok: false, latencyMs, error, errorClass: error.name });
      }
      const failed = failRequest(core, begun, 'stream', error);
      const candidate = served ? begun.plan.candidates.find((c) => c.model === served!.model) : undefined;
      const usage = acc.usage(begun.providerRequest);
      await core.accounting.failed('stream', begun, failed, failed.route!, begun.reservation, candidate ? { candidate, usage, cost: costOf(candidate, usage) } : undefined);
    }
    await iterator?.return?.().catch(() => undefined);
    begun.signal.dispose();
  }
}

/** router.stream(): validates now (a bad request throws at once), starts on first iteration. */
export function runStream(core: RouterCore, raw: ChatRequest): ChatStream {
  const request = validateRequest(raw);
  let started = false;
  const iterable: ChatStream = {
    [Symbol.asyncIterator]() {
      if (started) throw new InvalidRequestError({ message: 'A switchyard stream can be iterated only once' });
      started = true;
      return events(core, request)[Symbol.asyncIterator]();
    },
    async collect() {
      for await (const ev of iterable) if (ev.type === 'finish') return ev.response;
      throw new InvalidResponseError({ message: 'The stream ended without a finish event' });
    },
  };
  return iterable;
}
