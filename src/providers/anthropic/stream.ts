import { AbortError, InvalidResponseError, SwitchyardError } from '../../core/errors.js';
import type { ProviderMetadata } from '../../core/messages.js';
import type { ProviderStreamPart } from '../../core/stream.js';
import type { Usage } from '../../core/usage.js';
import { EventStreamReader, type EventSourceMessage } from '../shared/event-stream.js';
import { reported } from '../shared/reported-usage.js';
import { ToolCallIdAssigner } from '../shared/tool-call-ids.js';
import {
  blockDeltaSchema,
  KNOWN_DELTA_TYPES,
  KNOWN_EVENT_TYPES,
  streamEventSchema,
  type AnthropicBlockDelta,
  type AnthropicStreamEvent,
  type AnthropicUsage,
} from './anthropic-api-types.js';
import { convertUsage } from './convert-usage.js';
import { mapAnthropicError, streamErrorEvent } from './map-error.js';
import { mapStopReason } from './map-stop-reason.js';

export interface StreamContext {
  provider: string;
  model: string;
  signal?: AbortSignal;
}

/** What a stream call needs, made when the stream is first read (so conversion errors come from the iterator). */
export interface StreamCall {
  /** The `stream-start` part (with the request's warnings): yielded before anything is sent. */
  first: ProviderStreamPart;
  /** The forced tool that carries a `responseFormat` answer: its input is streamed as text. */
  jsonTool?: string;
  /**
   * Sends the request (the SDK: auth, headers, HTTP errors) with the given signal, and gives the
   * response, body unread.
   */
  open: (signal: AbortSignal | undefined) => Promise<Response>;
}

/**
 * SSE event names whose data the SDK's stream reader parses as JSON. `ping` and names newer than
 * this list are skipped (as the 0.x SDKs did; 1.x parses them and the adapter then skipped them),
 * `error` is a typed error. Events without a name are skipped, as by every SDK major.
 */
const DATA_EVENTS: ReadonlySet<string> = new Set([
  'message_start',
  'message_delta',
  'message_stop',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
]);

type OpenBlock =
  | { type: 'text' }
  | { type: 'thinking'; signature: string }
  | { type: 'tool'; id: string; name: string; json: string; initial: unknown; asText: boolean }
  | { type: 'other' };

/**
 * A Messages event stream as provider stream parts. The body is read here (one batch of events per
 * network read, see `EventStreamReader`), not by the SDK's `Stream` and its chain of async
 * generators per event. The events are read as the SDK reads them (`DATA_EVENTS` parsed
 * as JSON, malformed JSON -> `InvalidResponseError`; `event: error` -> the typed error of its
 * `type`, see `streamErrorEvent`).
 * - a thinking block's `signature_delta`s are joined and emitted on the block's reasoning part at
 *   `content_block_stop` (a `reasoning-delta` with an empty delta and the signature);
 * - a tool_use block emits `tool-call-delta`s, then one `tool-call` with parsed args at its stop
 *   (empty input -> `{}`, malformed JSON -> `InvalidResponseError`);
 * - `finish` is emitted at `message_stop` only; a stream that ends before it throws
 *   `InvalidResponseError` (or `AbortError` when the call's signal fired).
 * A tool_use block still open at `message_stop` (the output hit `max_tokens` mid-arguments) is not
 * emitted as a tool call: its partial JSON is reported in `finish.providerMetadata.anthropic.incompleteToolCalls`.
 * At `message_stop` the rest of the body is read in the background (its connection is reused); a
 * consumer that stops early, or an error, cancels the body.
 */
export async function* mapStream(prepare: () => StreamCall, ctx: StreamContext): AsyncGenerator<ProviderStreamPart> {
  const { first, jsonTool, open } = prepare();
  yield first;
  const errorContext = { provider: ctx.provider, model: ctx.model, ...(ctx.signal && { signal: ctx.signal }) };
  const link = ctx.signal && followSignal(ctx.signal);
  let events: EventStreamReader | undefined;
  // Set at `message_stop`: the rest of the body is then read in the background, not cancelled.
  let ended = false;
  let message: MessageState | undefined;
  try {
    let response: Response;
    try {
      response = await open(link?.signal);
    } catch (error) {
      throw mapAnthropicError(error, errorContext);
    }
    message = new MessageState(ctx, jsonTool, response.headers);
    if (!response.body) throw message.invalid('the stream response has no body');
    events = new EventStreamReader(response.body);
    const parts: ProviderStreamPart[] = [];
    for (;;) {
      let batch: EventSourceMessage[] | undefined;
      try {
        batch = await events.next();
      } catch (error) {
        throw mapAnthropicError(error, errorContext);
      }
      if (batch === undefined) break;
      // The parts of the events before a failing one are delivered first, as when each was yielded.
      let failed = false;
      let failure: unknown;
      try {
        for (const event of batch) {
          if (message.read(event, parts)) {
            ended = true;
            events.release();
            break;
          }
        }
      } catch (error) {
        failed = true;
        failure = error;
      }
      for (let i = 0; i < parts.length; i++) yield parts[i]!;
      parts.length = 0;
      if (failed) throw SwitchyardError.isInstance(failure) ? failure : mapAnthropicError(failure, errorContext);
      if (ended) return;
    }
  } catch (error) {
    // Usage the vendor already reported (message_delta) is billed even though the stream failed.
    throw reported(SwitchyardError.isInstance(error) ? error : mapAnthropicError(error, errorContext), message?.reportedUsage());
  } finally {
    link?.unlink();
    // Stopped early by the consumer, or failed: nothing more is read (a no-op after `release()`).
    if (!ended) events?.cancel();
  }
  if (ctx.signal?.aborted) {
    throw reported(
      new AbortError({
        provider: ctx.provider,
        model: ctx.model,
        message: `The stream from ${message.where} was aborted`,
        cause: ctx.signal.reason,
      }),
      message.reportedUsage(),
    );
  }
  throw reported(message.invalid('the stream ended before message_stop'), message.reportedUsage());
}

/**
 * The signal the SDK gets for one stream: it follows the call's signal and is unlinked from it when
 * the stream settles. The SDK (1.x) takes its abort listener off the signal it is given only when
 * its own `Stream` ends, which never runs with `asResponse()`: a long-lived call signal would
 * collect one listener per stream until garbage collection (Node warns at the 11th).
 */
function followSignal(signal: AbortSignal): { signal: AbortSignal; unlink: () => void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return { signal: controller.signal, unlink: () => signal.removeEventListener('abort', onAbort) };
}

/** The message being streamed: open blocks, usage and stop details, read one event at a time. */
class MessageState {
  readonly where: string;
  readonly #ctx: StreamContext;
  readonly #jsonTool: string | undefined;
  readonly #headers: Headers;
  readonly #blocks = new Map<number, OpenBlock>();
  readonly #ids = new ToolCallIdAssigner();
  #started = false;
  #usage: AnthropicUsage | undefined;
  #stopReason: string | undefined;
  /** True once `message_delta` carried usage: the output figures are then the vendor's. */
  #delivered = false;
  readonly #meta: Record<string, unknown> = {};

  constructor(ctx: StreamContext, jsonTool: string | undefined, headers: Headers) {
    this.#ctx = ctx;
    this.#jsonTool = jsonTool;
    this.#headers = headers;
    this.where = `Anthropic (model "${ctx.model}")`;
  }

  /** The usage the vendor reported with `message_delta` (its final figures), undefined before it. */
  reportedUsage(): Usage | undefined {
    return this.#delivered && this.#usage ? convertUsage(this.#usage) : undefined;
  }

  invalid(message: string, cause?: unknown): InvalidResponseError {
    return new InvalidResponseError({
      provider: this.#ctx.provider,
      model: this.#ctx.model,
      message: `${this.where}: ${message}`,
      ...(cause !== undefined && { cause }),
    });
  }

  /** A known event checked by zod, or the error naming what is wrong. */
  #parseEvent(raw: unknown, type: string): AnthropicStreamEvent {
    const parsed = streamEventSchema.safeParse(raw);
    if (!parsed.success) throw this.invalid(`malformed "${type}" stream event`, parsed.error);
    return parsed.data;
  }

  #parseDelta(raw: { type: string }): AnthropicBlockDelta {
    const delta = blockDeltaSchema.safeParse(raw);
    if (!delta.success) throw this.invalid(`malformed "${raw.type}" delta`, delta.error);
    return delta.data;
  }

  /** Reads one SSE event, pushing its parts; true at `message_stop` (the `finish` part was pushed). Throws typed errors (a JSON `SyntaxError` as is). */
  read(sse: EventSourceMessage, parts: ProviderStreamPart[]): boolean {
    const name = sse.event;
    if (name === undefined || !DATA_EVENTS.has(name)) {
      if (name === 'error')
        throw streamErrorEvent(sse.data, this.#headers, {
          provider: this.#ctx.provider,
          model: this.#ctx.model,
          ...(this.#ctx.signal && { signal: this.#ctx.signal }),
        });
      return false;
    }
    if (sse.data === '') return false;
    const raw = JSON.parse(sse.data) as unknown;
    const type = (raw as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !KNOWN_EVENT_TYPES.has(type)) return false;
    const event = this.#parseEvent(raw, type);
    const blocks = this.#blocks;
    switch (event.type) {
      case 'ping':
        break;
      case 'message_start':
        // One stream carries one message: a second start would splice two answers into one.
        if (this.#started) throw this.invalid('a second message_start arrived while a message was open');
        this.#started = true;
        if (event.message.usage) this.#usage = event.message.usage;
        parts.push({
          type: 'response-metadata',
          ...(event.message.id && { id: event.message.id }),
          ...(event.message.model && { modelId: event.message.model }),
        });
        break;
      case 'content_block_start': {
        const b = event.content_block;
        if (blocks.has(event.index)) throw this.invalid(`content_block_start for block ${event.index}, which is already open`);
        if (b.type === 'text') {
          blocks.set(event.index, { type: 'text' });
          if (typeof b.text === 'string' && b.text !== '') parts.push({ type: 'text-delta', delta: b.text });
        } else if (b.type === 'thinking') {
          blocks.set(event.index, { type: 'thinking', signature: typeof b.signature === 'string' ? b.signature : '' });
          if (typeof b.thinking === 'string' && b.thinking !== '') parts.push({ type: 'reasoning-delta', delta: b.thinking });
        } else if (b.type === 'redacted_thinking' && typeof b.data === 'string') {
          blocks.set(event.index, { type: 'other' });
          // The stream part has no `redacted` field: the data rides in providerMetadata (read back by
          // convert-messages). The empty signature closes the part so that a following thinking
          // block starts a new reasoning part instead of merging into this one.
          const providerMetadata: ProviderMetadata = { anthropic: { redactedData: b.data } };
          parts.push({ type: 'reasoning-delta', delta: '', signature: '', providerMetadata });
        } else if (b.type === 'tool_use') {
          if (typeof b.name !== 'string' || b.name === '') throw this.invalid(`tool_use block ${event.index} has no name`);
          const id = this.#ids.id(typeof b.id === 'string' ? b.id : undefined);
          blocks.set(event.index, { type: 'tool', id, name: b.name, json: '', initial: b.input, asText: b.name === this.#jsonTool });
        } else blocks.set(event.index, { type: 'other' });
        break;
      }
      case 'content_block_delta': {
        const block = blocks.get(event.index);
        if (!block) throw this.invalid(`content_block_delta for block ${event.index}, which was never started`);
        if (!KNOWN_DELTA_TYPES.has(event.delta.type)) break;
        const d = this.#parseDelta(event.delta);
        if (d.type === 'text_delta') parts.push({ type: 'text-delta', delta: d.text });
        else if (d.type === 'thinking_delta') {
          if (d.thinking !== '') parts.push({ type: 'reasoning-delta', delta: d.thinking });
        } else if (d.type === 'signature_delta') {
          if (block.type === 'thinking') block.signature += d.signature;
        } else if (block.type === 'tool') {
          block.json += d.partial_json;
          if (d.partial_json === '') break;
          if (block.asText) parts.push({ type: 'text-delta', delta: d.partial_json });
          else parts.push({ type: 'tool-call-delta', toolCallId: block.id, toolName: block.name, argsDelta: d.partial_json });
        }
        break;
      }
      case 'content_block_stop': {
        const block = blocks.get(event.index);
        blocks.delete(event.index);
        if (block?.type === 'thinking' && block.signature !== '')
          parts.push({ type: 'reasoning-delta', delta: '', signature: block.signature });
        else if (block?.type === 'tool') {
          const args = parseToolInput(block, (m, c) => this.invalid(m, c));
          if (block.asText) {
            if (block.json === '') parts.push({ type: 'text-delta', delta: JSON.stringify(args) });
          } else parts.push({ type: 'tool-call', toolCall: { type: 'tool-call', toolCallId: block.id, toolName: block.name, args } });
        }
        break;
      }
      case 'message_delta':
        if (event.delta.stop_reason) this.#stopReason = event.delta.stop_reason;
        if (event.delta.stop_sequence) this.#meta.stopSequence = event.delta.stop_sequence;
        if (event.delta.stop_details != null) this.#meta.stopDetails = event.delta.stop_details;
        if (event.usage) {
          this.#usage = mergeUsage(this.#usage, event.usage);
          this.#delivered = true;
        }
        break;
      case 'message_stop': {
        const meta = this.#meta;
        const stopReason = this.#stopReason;
        const usage = this.#usage;
        const incomplete = [...blocks.values()].filter((b) => b.type === 'tool');
        if (incomplete.length > 0)
          meta.incompleteToolCalls = incomplete.map((b) => ({ toolCallId: b.id, toolName: b.name, partialJson: b.json }));
        const answeredByJsonTool = this.#jsonTool !== undefined && stopReason === 'tool_use';
        parts.push({
          type: 'finish',
          finishReason: answeredByJsonTool ? 'stop' : mapStopReason(stopReason),
          ...(stopReason !== undefined && { rawFinishReason: stopReason }),
          ...(usage && { usage: convertUsage(usage) }),
          ...(Object.keys(meta).length > 0 && { providerMetadata: { anthropic: meta } }),
        });
        return true;
      }
      default: {
        const never: never = event;
        throw this.invalid(`unexpected event ${JSON.stringify(never)}`);
      }
    }
    return false;
  }
}

/** message_delta usage is cumulative and may repeat the input figures: later non-null values win. */
function mergeUsage(start: AnthropicUsage | undefined, delta: AnthropicUsage): AnthropicUsage {
  const out: AnthropicUsage = { ...start };
  for (const [key, value] of Object.entries(delta)) if (value !== null && value !== undefined) out[key] = value;
  return out;
}

function parseToolInput(block: Extract<OpenBlock, { type: 'tool' }>, invalid: (m: string, c?: unknown) => InvalidResponseError): unknown {
  if (block.json.trim() === '') {
    return typeof block.initial === 'object' && block.initial !== null ? block.initial : {};
  }
  try {
    return JSON.parse(block.json) as unknown;
  } catch (cause) {
    throw invalid(`tool call "${block.name}" (${block.id}) has malformed JSON arguments`, cause);
  }
}
