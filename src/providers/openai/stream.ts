import { AbortError, InvalidResponseError, SwitchyardError } from '../../core/errors.js';
import type { ProviderMetadata } from '../../core/messages.js';
import type { ProviderStreamPart } from '../../core/stream.js';
import type { Usage } from '../../core/usage.js';
import { zodIssues } from '../../core/zod-issues.js';
import { convertUsage } from './convert-usage.js';
import type { EventSourceMessage, EventStreamReader } from '../shared/event-stream.js';
import { mapOpenAIError, streamErrorEvent } from './map-error.js';
import { mapFinishReason } from './map-finish-reason.js';
import { chunkSchema, type WireChunk } from './openai-api-types.js';
import { thoughtSignatureMetadata } from './convert-response.js';
import { parseToolArgs } from './parse-tool-args.js';
import { reported } from '../shared/reported-usage.js';
import { ToolCallIdAssigner } from '../shared/tool-call-ids.js';

export interface StreamContext {
  provider: string;
  kind: string;
  model: string;
  signal?: AbortSignal;
}

interface PendingToolCall {
  id: string;
  name: string;
  args: string;
  thoughtSignature?: string;
}

type ChunkChoice = NonNullable<WireChunk['choices']>[number];

/** State folded from the chunks: one object, updated in place, read once at the end. */
class ChunkState {
  metadataSent = false;
  rawFinishReason: string | undefined;
  usage: Usage | undefined;
  refusal = '';
  readonly toolCalls = new Map<number, PendingToolCall>();
  readonly #ids = new ToolCallIdAssigner();
  readonly ignoredChoices = new Set<number>();

  /** Appends the parts one choice-0 delta produces to `out` (no generator per chunk: this runs for every delta). */
  choice(choice: ChunkChoice, out: ProviderStreamPart[]): void {
    const delta = choice.delta;
    if (delta) {
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (reasoning) out.push({ type: 'reasoning-delta', delta: reasoning });
      if (delta.content) out.push({ type: 'text-delta', delta: delta.content });
      if (delta.refusal) this.refusal += delta.refusal;
      for (const [position, call] of (delta.tool_calls ?? []).entries()) {
        const index = call.index ?? position;
        let pending = this.toolCalls.get(index);
        if (!pending) {
          pending = { id: this.#ids.id(call.id), name: call.function?.name ?? '', args: '' };
          this.toolCalls.set(index, pending);
        } else if (call.function?.name && pending.name === '') pending.name = call.function.name;
        const signature = call.extra_content?.google?.thought_signature;
        if (signature) pending.thoughtSignature = signature;
        const fragment = call.function?.arguments;
        if (fragment) {
          pending.args += fragment;
          out.push({ type: 'tool-call-delta', toolCallId: pending.id, toolName: pending.name, argsDelta: fragment });
        }
      }
    }
    if (choice.finish_reason) this.rawFinishReason = choice.finish_reason;
  }

  metadata(kind: string): ProviderMetadata | undefined {
    const data: Record<string, unknown> = {};
    if (this.refusal) data.refusal = this.refusal;
    if (this.ignoredChoices.size > 0) data.ignoredChoices = [...this.ignoredChoices].sort((a, b) => a - b);
    return Object.keys(data).length > 0 ? { [kind]: data } : undefined;
  }
}

function parseChunk(raw: unknown, ctx: StreamContext): WireChunk {
  const parsed = chunkSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = zodIssues(parsed.error).map((i) => `${i.path || '(root)'}: ${i.message}`);
  throw new InvalidResponseError({
    provider: ctx.provider,
    model: ctx.model,
    cause: parsed.error,
    message: `${ctx.provider} (model "${ctx.model}") sent an unreadable stream chunk: ${issues.join('; ')}`,
  });
}

/** An event other than a chunk: the end marker, an error event, or an event this adapter does not read. */
function chunkOf(event: EventSourceMessage, ctx: StreamContext): unknown {
  let data: unknown;
  try {
    data = JSON.parse(event.data);
  } catch (error) {
    throw new InvalidResponseError({
      provider: ctx.provider,
      model: ctx.model,
      cause: error,
      message: `${ctx.provider} (model "${ctx.model}") sent a stream event that is not JSON: ${event.data.slice(0, 200)}`,
    });
  }
  // As the SDK reads the wire: an `error` member (or an `error` event) ends the stream with that error.
  const error = (data as { error?: unknown } | null)?.error;
  if (event.event === 'error' || (error !== undefined && error !== null)) throw streamErrorEvent(error ?? data, ctx);
  return data;
}

/** One event: its chunk's parts are appended to `parts`, its usage and finish reason folded into `state`. */
function readEvent(event: EventSourceMessage, state: ChunkState, parts: ProviderStreamPart[], ctx: StreamContext): void {
  const raw = chunkOf(event, ctx);
  const chunk = parseChunk(raw, ctx);
  if (!state.metadataSent && (chunk.id || chunk.model)) {
    state.metadataSent = true;
    parts.push({ type: 'response-metadata', ...(chunk.id && { id: chunk.id }), ...(chunk.model && { modelId: chunk.model }) });
  }
  if (chunk.usage) state.usage = convertUsage(chunk.usage, (raw as { usage?: unknown }).usage);
  for (const choice of chunk.choices ?? []) {
    const index = choice.index ?? 0;
    if (index !== 0) state.ignoredChoices.add(index);
    else state.choice(choice, parts);
  }
}

/**
 * A Chat Completions event stream as unified stream parts: `open` sends the request and gives the
 * body's events. Text, reasoning and tool-argument fragments are passed on as they come (tool calls
 * assembled by `index`); at the end come one `tool-call` per call with parsed arguments, then
 * `finish`. Usage is read from whichever chunk carries it (OpenAI sends a last chunk with
 * `choices: []`, DeepSeek puts it on the `finish_reason` chunk). Only choice 0 is read: other
 * choices are listed in `providerMetadata[kind].ignoredChoices`. `[DONE]` ends the events (the rest
 * of the body is read in the background, so the connection is reused); a stream that ends without
 * a `finish_reason` is an InvalidResponseError (an AbortError when the caller aborted).
 */
export async function* streamParts(
  open: () => Promise<EventStreamReader>,
  first: ProviderStreamPart,
  ctx: StreamContext,
): AsyncGenerator<ProviderStreamPart> {
  const events = await open();
  yield first;
  const state = new ChunkState();
  const parts: ProviderStreamPart[] = [];
  const errorContext = { provider: ctx.provider, model: ctx.model, ...(ctx.signal && { signal: ctx.signal }) };
  let finished = false;
  try {
    for (let batch = await events.next(); batch !== undefined && !finished; batch = await events.next()) {
      // The parts of the events before a failing one (an error event in the same network read) are
      // delivered first, as if each event had been read on its own.
      let failure: { error: unknown } | undefined;
      try {
        for (const event of batch) {
          if (event.data.startsWith('[DONE]')) {
            finished = true;
            break;
          }
          readEvent(event, state, parts, ctx);
        }
      } catch (error) {
        failure = { error };
      }
      for (const part of parts.splice(0)) yield part;
      if (failure) throw failure.error;
    }
  } catch (error) {
    throw reported(SwitchyardError.isInstance(error) ? error : mapOpenAIError(error, errorContext), state.usage);
  } finally {
    // Stopped early by the consumer, or failed: nothing more is read (a no-op once the body ended).
    if (!finished) events.cancel();
  }
  events.release();
  // A body cut by an abort ends quietly or with a read error: tell that apart from a cut stream.
  if (ctx.signal?.aborted)
    throw reported(
      new AbortError({
        provider: ctx.provider,
        model: ctx.model,
        message: `The stream from ${ctx.provider} (model "${ctx.model}") was aborted`,
      }),
      state.usage,
    );
  if (state.rawFinishReason === undefined) {
    const message = `The stream from ${ctx.provider} (model "${ctx.model}") ended without a finish_reason`;
    throw reported(new InvalidResponseError({ provider: ctx.provider, model: ctx.model, message }), state.usage);
  }
  const truncated = state.rawFinishReason === 'length';
  const calls = [...state.toolCalls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  const unnamed = calls.find((call) => call.name === '');
  if (unnamed) {
    const message = `The stream from ${ctx.provider} (model "${ctx.model}") sent tool call ${unnamed.id} without a function name`;
    throw new InvalidResponseError({ provider: ctx.provider, model: ctx.model, message });
  }
  for (const call of calls) {
    yield {
      type: 'tool-call',
      toolCall: {
        type: 'tool-call',
        toolCallId: call.id,
        toolName: call.name,
        args: parseToolArgs(call.args, call.name, truncated, ctx),
        ...thoughtSignatureMetadata(call.thoughtSignature, ctx.kind),
      },
    };
  }
  const providerMetadata = state.metadata(ctx.kind);
  yield {
    type: 'finish',
    finishReason: mapFinishReason(state.rawFinishReason, state.refusal !== ''),
    rawFinishReason: state.rawFinishReason,
    ...(state.usage && { usage: state.usage }),
    ...(providerMetadata && { providerMetadata }),
  };
}
