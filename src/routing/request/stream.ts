import { AbortError, InvalidRequestError, InvalidResponseError, SwitchyardError } from '../../core/errors.js';
import type { ChatRequest } from '../../core/request.js';
import type { ChatResponse } from '../../core/response.js';
import type { ProviderStreamPart, StreamEvent } from '../../core/stream.js';
import { validateRequest } from '../../core/request-schema.js';
import { attempt, type Served } from '../dispatch/attempts.js';
import { openStream, type OpenedStream } from '../dispatch/open-stream.js';
import { toTypedError } from '../dispatch/to-typed-error.js';
import type { RouterScope } from '../scope/scope.js';
import { sessionKey } from '../scope/sessions.js';
import { admit, routeOrRecord, unbudgeted } from './admit.js';
import { announce, complete, costOf, fail, type Dispatched } from './complete.js';
import { forModel } from './provider-request.js';
import { StreamAccumulator } from './stream-accumulator.js';

/** What `router.stream()` returns: iterate it for events, or `collect()` the whole response. */
export interface ChatStream extends AsyncIterable<StreamEvent> {
  /** Consumes the stream and resolves with the assembled response (as the `finish` event carries it). */
  collect(): Promise<ChatResponse>;
}

/** Characters of output between two mid-stream budget checks (`stopStreamOnBudget`). */
const BUDGET_CHECK_CHARS = 256;

async function* events(scope: RouterScope, request: ChatRequest): AsyncGenerator<StreamEvent> {
  // A session pinned by another process on a shared store: read before the route is planned.
  if (request.session !== undefined && scope.sessions?.shared) await scope.sessions.load(sessionKey(request.tenant, request.session));
  const req = routeOrRecord(scope, request, 'stream');
  const acc = new StreamAccumulator();
  let done: Dispatched | undefined;
  let served: Served<OpenedStream> | undefined;
  // True from admission until the request reaches its completion or failure step (exactly once).
  let open = false;
  // True while the consumer holds an event (the generator waits at a `yield`).
  let suspended = false;

  /** A stream that ends early (the consumer stopped, or dropped the iterator and the deadline passed): its lease, record and hold. */
  const abandon = async (error: SwitchyardError): Promise<void> => {
    open = false;
    let billed;
    if (served) {
      const ended = failServed(served, done!, error, true);
      const { latencyMs } = ended;
      done = ended.done;
      billed = { candidate: served.candidate, usage: acc.usage(req.providerRequest), error, latencyMs };
      await served.value.iterator.return?.().catch(() => undefined);
    }
    await fail(scope, req, done!, error, billed);
  };
  // A consumer that drops the iterator without return() never resumes this generator: the
  // request's deadline (or the caller's abort) still ends the request.
  const onSignal = () => {
    if (open && suspended)
      void abandon(
        toTypedError(
          new AbortError({ message: 'The stream consumer stopped reading' }),
          req.signal,
          served?.candidate.provider ?? '',
          served?.candidate.model ?? '',
          req.timeoutMs,
        ),
      ).catch(() => undefined);
  };
  req.signal.signal?.addEventListener('abort', onSignal, { once: true });

  try {
    done = scope.accounting.budgets ? await admit(scope, req) : unbudgeted(req);
    open = true;
    const tokens = req.inputTokens + (req.request.params?.maxTokens ?? 0);
    const result = await attempt(
      scope,
      {
        requestId: req.requestId,
        kind: 'stream',
        context: req.context,
        candidates: done.candidates,
        signal: req.signal,
        timeoutMs: req.timeoutMs,
        tokens,
      },
      (provider, c, signal) =>
        openStream(provider.stream(forModel(req.providerRequest, c.config), { model: c.providerModel, signal }), scope.streamRecovery, c),
    );
    done = { ...done, skipped: [...done.skipped, ...result.skipped], attempts: result.attempts, billed: result.billed };
    if (!result.outcome.ok) {
      open = false;
      throw await fail(scope, req, done, result.outcome.error);
    }
    served = result.outcome.served;
    const { candidate } = served;
    const opened = served.value;
    if (opened.ttftMs !== undefined) scope.guards.stats.firstToken(candidate.model, opened.ttftMs);
    const head: StreamEvent[] = [];
    for (const part of opened.head) {
      const ev = acc.add(part, candidate);
      if (ev) head.push(ev);
    }
    suspended = true;
    yield { type: 'start', requestId: req.requestId, model: candidate.model, provider: candidate.provider, warnings: acc.warnings };
    for (const ev of head) yield ev;
    suspended = false;
    let ended = opened.done;
    let pending = opened.pending;
    const budgetWatch = scope.options.stopStreamOnBudget === true && done.reservation !== undefined;
    let checkedAt = 0;
    while (!ended && acc.finish === undefined) {
      let next: IteratorResult<ProviderStreamPart>;
      try {
        next = await (pending ?? opened.iterator.next());
        pending = undefined;
      } catch (error) {
        const typed = toTypedError(error, req.signal, candidate.provider, candidate.model, req.timeoutMs);
        // An abort or deadline replaces the adapter's error: the usage the vendor reported stays billed.
        if (typed !== error && SwitchyardError.isInstance(error)) typed.reportedUsage ??= error.reportedUsage;
        throw typed;
      }
      if (next.done) {
        ended = true;
        continue;
      }
      const ev = acc.add(next.value, candidate);
      if (ev) {
        suspended = true;
        yield ev;
        suspended = false;
      }
      if (budgetWatch && acc.outputChars - checkedAt >= BUDGET_CHECK_CHARS) {
        checkedAt = acc.outputChars;
        const verdict = await scope.accounting.allows(done.reservation, costOf(candidate, acc.usage(req.providerRequest)).totalMicros);
        if (verdict !== true) throw verdict;
      }
    }
    // A stream cut without the vendor's end marker is never a success.
    if (acc.finish === undefined)
      throw new InvalidResponseError({
        provider: candidate.provider,
        model: candidate.model,
        message: `The stream from "${candidate.model}" ended without a finish event`,
      });
    // Close the vendor stream before giving its slot back: a stream holds its slot until it ends.
    await opened.iterator.return?.().catch(() => undefined);
    open = false;
    const response = await complete(scope, req, done, served, acc.toResponse(req.providerRequest), opened.ttftMs);
    const { finishReason, rawFinishReason, usage, cost, route } = response;
    yield { type: 'finish', finishReason, ...(rawFinishReason !== undefined && { rawFinishReason }), usage, cost, route, response };
    announce(scope, req, response);
  } catch (error) {
    suspended = false;
    // Already ended by the deadline while the consumer held an event: say why.
    if (!open && served && req.signal.reason !== undefined)
      throw toTypedError(error, req.signal, served.candidate.provider, served.candidate.model, req.timeoutMs);
    if (!open || !served || !SwitchyardError.isInstance(error)) throw error;
    // A failure after the stream was opened belongs to the serving attempt; the deltas delivered are
    // billed: with the usage the vendor reported before the failure, else our estimate (never both).
    open = false;
    const ended = failServed(served, done!, error, req.signal.reason !== undefined);
    const { latencyMs } = ended;
    done = ended.done;
    const usage = error.reportedUsage ?? acc.usage(req.providerRequest);
    const failed = await fail(scope, req, done, error, { candidate: served.candidate, usage, error, latencyMs });
    yield { type: 'error', error: failed, partial: { text: acc.text, usage, cost: costOf(served.candidate, usage) }, route: failed.route! };
    throw failed;
  } finally {
    req.signal.signal?.removeEventListener('abort', onSignal);
    // The consumer stopped early (break/return): cancel the vendor stream and report it.
    if (open)
      await abandon(
        new AbortError({
          message: 'The stream consumer stopped before the end',
          ...(served && { provider: served.candidate.provider, model: served.candidate.model }),
        }),
      );
    await served?.value.iterator.return?.().catch(() => undefined);
    req.signal.dispose();
  }
}

/** router.stream(): validates now (a bad request throws at once), starts on first iteration. */
export function runStream(scope: RouterScope, raw: ChatRequest): ChatStream {
  const request = validateRequest(raw);
  let started = false;
  const iterable: ChatStream = {
    [Symbol.asyncIterator]() {
      if (started) throw new InvalidRequestError({ message: 'A switchyard stream can be iterated only once' });
      started = true;
      return events(scope, request)[Symbol.asyncIterator]();
    },
    async collect() {
      for await (const ev of iterable) if (ev.type === 'finish') return ev.response;
      throw new InvalidResponseError({ message: 'The stream ended without a finish event' });
    },
  };
  return iterable;
}

/**
 * Ends the serving attempt of a stream as failed: its lease ends (`byCaller`: the caller's abort or deadline, not the model's fault)
 * and it joins the attempts.
 */
function failServed(
  served: Served<OpenedStream>,
  done: Dispatched,
  error: SwitchyardError,
  byCaller: boolean,
): { done: Dispatched; latencyMs: number } {
  const latencyMs = performance.now() - served.startedAt;
  served.lease.end({ ok: false, error, latencyMs, byCaller });
  const { candidate } = served;
  const attempt = {
    model: candidate.model,
    provider: candidate.provider,
    try: served.try,
    ok: false,
    latencyMs,
    error,
    errorClass: error.name,
  };
  return { done: { ...done, attempts: [...done.attempts, attempt] }, latencyMs };
}
