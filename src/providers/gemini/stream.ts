import { InvalidResponseError } from '../../core/errors.js';
import type { ProviderMetadata } from '../../core/messages.js';
import type { Warning } from '../../core/response.js';
import type { ProviderStreamPart } from '../../core/stream.js';
import { reported } from '../shared/reported-usage.js';
import { convertUsage } from './convert-usage.js';
import {
  candidateMetadata,
  convertPart,
  parseResponse,
  promptBlockedError,
  type ResponseContext,
  ToolCallIds,
} from './convert-response.js';
import type { GeminiCandidate, GeminiResponse } from './gemini-api-types.js';
import { type ErrorContext, mapGeminiError } from './map-error.js';
import { mapFinishReason } from './map-finish-reason.js';

export interface StreamContext extends ResponseContext {
  signal?: AbortSignal;
  warnings: Warning[];
}

/** Folds the stream's chunks into what `finish` needs: the last usage, the finish reason, block reason. */
interface StreamState {
  metadataSent: boolean;
  finishReason?: string;
  blockReason?: string;
  hasToolCalls: boolean;
  last?: GeminiResponse;
  lastCandidate?: GeminiCandidate;
}

/** A `{ error: {...} }` object sent as a stream event (the API does this for failures after the 200). */
function errorChunk(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { error?: unknown }).error === 'object' &&
    (value as { error?: unknown }).error !== null
  );
}

/** Appends the parts of one chunk to `out` (a plain array, not a generator per chunk: this runs for every chunk). */
function chunkParts(response: GeminiResponse, state: StreamState, ids: ToolCallIds, out: ProviderStreamPart[]): void {
  if (!state.metadataSent && (response.responseId || response.modelVersion)) {
    state.metadataSent = true;
    out.push({
      type: 'response-metadata',
      ...(response.responseId && { id: response.responseId }),
      ...(response.modelVersion && { modelId: response.modelVersion }),
    });
  }
  ids.setResponseId(response.responseId ?? undefined);
  state.last = response;
  if (response.promptFeedback?.blockReason) state.blockReason = response.promptFeedback.blockReason;
  const candidate = response.candidates?.[0];
  if (!candidate) return;
  state.lastCandidate = candidate;
  const warnings: Warning[] = [];
  for (const part of candidate.content?.parts ?? []) {
    for (const p of convertPart(part, ids, warnings)) {
      if (p.type === 'text') out.push({ type: 'text-delta', delta: p.text });
      else if (p.type === 'reasoning') {
        out.push({
          type: 'reasoning-delta',
          delta: p.text,
          ...(p.signature && { signature: p.signature }),
          ...(p.providerMetadata && { providerMetadata: p.providerMetadata }),
        });
      } else if (p.type === 'tool-call') {
        // Gemini sends each function call whole: one delta with all arguments, then the call.
        state.hasToolCalls = true;
        out.push({ type: 'tool-call-delta', toolCallId: p.toolCallId, toolName: p.toolName, argsDelta: JSON.stringify(p.args) });
        out.push({ type: 'tool-call', toolCall: p });
      }
    }
  }
  if (candidate.finishReason) state.finishReason = candidate.finishReason;
}

/**
 * Maps the SDK's parsed chunks to our stream parts. A stream that closes without a finishReason
 * (and without a prompt block) is an InvalidResponseError, never a `finish`.
 */
export async function* streamParts(open: () => Promise<AsyncIterable<unknown>>, ctx: StreamContext): AsyncGenerator<ProviderStreamPart> {
  const errorCtx: ErrorContext = { provider: ctx.provider, model: ctx.model, ...(ctx.signal && { signal: ctx.signal }) };
  let chunks: AsyncIterable<unknown>;
  try {
    chunks = await open();
  } catch (error) {
    throw mapGeminiError(error, errorCtx);
  }
  yield { type: 'stream-start', warnings: ctx.warnings };

  const state: StreamState = { metadataSent: false, hasToolCalls: false };
  const ids = new ToolCallIds();
  const parts: ProviderStreamPart[] = [];
  try {
    for await (const chunk of chunks) {
      if (errorChunk(chunk)) throw mapGeminiError(chunk, errorCtx);
      chunkParts(parseResponse(chunk, ctx), state, ids, parts);
      if (parts.length > 0) for (const part of parts.splice(0)) yield part;
    }
  } catch (error) {
    // Every chunk carries the usage so far: a stream cut after one was billed for at least that.
    throw reported(mapGeminiError(error, errorCtx), convertUsage(state.last?.usageMetadata));
  }

  const usage = convertUsage(state.last?.usageMetadata);
  const meta: ProviderMetadata | undefined = state.last ? candidateMetadata(state.last, state.lastCandidate) : undefined;
  if (state.finishReason === undefined) {
    if (state.blockReason) {
      if (ctx.promptBlocked === 'error') throw promptBlockedError(state.blockReason, ctx, state.last);
      yield {
        type: 'finish',
        finishReason: 'content-filter',
        rawFinishReason: state.blockReason,
        ...(usage && { usage }),
        ...(meta && { providerMetadata: meta }),
      };
      return;
    }
    const message = `Gemini (${ctx.provider}, model "${ctx.model}"): the stream closed without a finishReason`;
    throw reported(new InvalidResponseError({ provider: ctx.provider, model: ctx.model, message }), usage);
  }
  yield {
    type: 'finish',
    finishReason: mapFinishReason(state.finishReason, state.hasToolCalls),
    rawFinishReason: state.finishReason,
    ...(usage && { usage }),
    ...(meta && { providerMetadata: meta }),
  };
}
