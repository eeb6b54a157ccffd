import { AbortError, InvalidRequestError, InvalidResponseError, SwitchyardError } from '../core/errors.js';
import type { ChatRequest } from '../core/request.js';
import type { ChatResponse } from '../core/response.js';
import type { ProviderStreamPart, StreamEvent } from '../core/stream.js';
import { validateRequest } from '../core/request-schema.js';
import { assembleResponse, routeInfo } from './assemble.js';
import { AttemptLoopFailure, runAttempts } from './attempts.js';
import { beginRequest, costOf, failRequest, loopInput, type BegunRequest, type RouterCore } from './core.js';
import { forModel } from './prepare.js';
import { isContentPart, StreamAccumulator } from './stream-accumulator.js';
import { toTypedError } from './to-typed-error.js';

/** What `router.stream()` returns: iterate it for events, or `collect()` the whole response. */
export interface ChatStream extends AsyncIterable<StreamEvent> {
  /** Consumes the stream and resolves with the assembled response (as the `finish` event carries it). */
  collect(): Promise<ChatResponse>;
}

interface OpenedStream {
  iterator: AsyncIterator<ProviderStreamPart>;
  /** Parts read before and including the first content part. */
  head: ProviderStreamPart[];
  /** True when the provider stream ended inside the head. */
  done: boolean;
}

/**
 * Opens a provider stream and reads up to its first content part. Everything that fails in here
 * (connection, HTTP status, an error event before any delta) is still invisible to the caller,
 * so the attempt loop may retry or fall back.
 */
async function open(parts: AsyncIterable<ProviderStreamPart>): Promise<OpenedStream> {
  const iterator = parts[Symbol.asyncIterator]();
  const head: ProviderStreamPart[] = [];
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return { iterator, head, done: true };
      head.push(next.value);
      if (isContentPart(next.value)) return { iterator, head, done: false };
    }
  } catch (error) {
    await iterator.return?.().catch(() => undefined);
    throw error;
  }
}

async function* events(core: RouterCore, request: ChatRequest): AsyncGenerator<StreamEvent> {
  const begun: BegunRequest = beginRequest(core, request, 'stream', true);
  let iterator: AsyncIterator<ProviderStreamPart> | undefined;
  let finished = false;
  let servedBy: { model: string; provider: string; try: number; startedAt: number } | undefined;
  try {
    const opened = await runAttempts(loopInput(core, begun, 'stream'), (provider, c, signal) =>
      open(provider.stream(forModel(begun.providerRequest, c.config), { model: c.providerModel, signal })),
    );
    const { candidate } = opened;
    servedBy = { model: candidate.model, provider: candidate.provider, try: opened.tryNumber, startedAt: opened.startedAt };
    iterator = opened.value.iterator;
    const acc = new StreamAccumulator();
    const pending: StreamEvent[] = [];
    for (const part of opened.value.head) {
      const ev = acc.add(part);
      if (ev) pending.push(ev);
    }
    yield { type: 'start', requestId: begun.requestId, model: candidate.model, provider: candidate.provider, warnings: acc.warnings };
    yield* pending;
    let done = opened.value.done;
    while (!done && acc.finish === undefined) {
      let next: IteratorResult<ProviderStreamPart>;
      try {
        next = await iterator.next();
      } catch (error) {
        throw toTypedError(error, begun.signal, candidate.provider, candidate.model, begun.timeoutMs);
      }
      if (next.done) done = true;
      else {
        const ev = acc.add(next.value);
        if (ev) yield ev;
      }
    }
    if (acc.finish === undefined) {
      // A stream cut without the vendor's end marker is never a success.
      throw new InvalidResponseError({ provider: candidate.provider, model: candidate.model, message: `The stream from "${candidate.model}" ended without a finish event` });
    }
    finished = true;
    const latencyMs = performance.now() - opened.startedAt;
    begun.attempts.push({ model: candidate.model, provider: candidate.provider, try: opened.tryNumber, ok: true, latencyMs });
    const res = acc.toResponse(begun.providerRequest);
    const route = routeInfo(begun.plan, candidate, begun.attempts, begun.context);
    const cost = costOf(candidate, res.usage);
    const response = assembleResponse(begun.requestId, res, route, cost, performance.now() - begun.startedAt);
    if (core.events.has('attempt')) {
      core.events.emit('attempt', { requestId: begun.requestId, kind: 'stream', model: candidate.model, provider: candidate.provider, try: opened.tryNumber, ok: true, latencyMs, context: begun.context });
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
      if (servedBy) {
        begun.attempts.push({ model: servedBy.model, provider: servedBy.provider, try: servedBy.try, ok: false, latencyMs: performance.now() - servedBy.startedAt, error: typed, errorClass: typed.name });
      }
    } else throw error;
    throw failRequest(core, begun, 'stream', typed);
  } finally {
    if (!finished) {
      // The consumer stopped early (break/return): cancel the vendor stream and report it.
      const error = new AbortError({ message: 'The stream consumer stopped before the end', ...(servedBy && { provider: servedBy.provider, model: servedBy.model }) });
      if (servedBy) begun.attempts.push({ model: servedBy.model, provider: servedBy.provider, try: servedBy.try, ok: false, latencyMs: performance.now() - servedBy.startedAt, error, errorClass: error.name });
      failRequest(core, begun, 'stream', error);
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
