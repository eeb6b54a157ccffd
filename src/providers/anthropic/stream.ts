import { drainInBackground } from '../shared/drain.js';
import { AbortError, InvalidResponseError } from '../../core/errors.js';
import type { ProviderMetadata } from '../../core/messages.js';
import type { ProviderStreamPart } from '../../core/stream.js';
import { blockDeltaSchema, KNOWN_DELTA_TYPES, KNOWN_EVENT_TYPES, streamEventSchema, type AnthropicUsage } from './anthropic-api-types.js';
import { convertUsage } from './convert-usage.js';
import { mapAnthropicError } from './map-error.js';
import { mapStopReason } from './map-stop-reason.js';

export interface StreamContext {
  provider: string;
  model: string;
  signal?: AbortSignal;
  /** The forced tool that carries a `responseFormat` answer: its input is streamed as text. */
  jsonTool?: string;
}

type OpenBlock =
  | { type: 'text' }
  | { type: 'thinking'; signature: string }
  | { type: 'tool'; id: string; name: string; json: string; initial: unknown; asText: boolean }
  | { type: 'other' };

/**
 * Maps the SDK's raw Messages stream events (the SDK parses the SSE) to provider stream parts.
 * - a thinking block's `signature_delta`s are joined and emitted on the block's reasoning part at
 *   `content_block_stop` (a `reasoning-delta` with an empty delta and the signature);
 * - a tool_use block emits `tool-call-delta`s, then one `tool-call` with parsed args at its stop
 *   (empty input -> `{}`, malformed JSON -> `InvalidResponseError`);
 * - `finish` is emitted at `message_stop` only; a stream that ends before it throws
 *   `InvalidResponseError` (or `AbortError` when the call's signal fired).
 * A tool_use block still open at `message_stop` (the output hit `max_tokens` mid-arguments) is not
 * emitted as a tool call: its partial JSON is reported in `finish.providerMetadata.anthropic.incompleteToolCalls`.
 */
export async function* mapStream(events: AsyncIterable<unknown>, ctx: StreamContext): AsyncGenerator<ProviderStreamPart> {
  const where = `Anthropic (model "${ctx.model}")`;
  const invalid = (message: string, cause?: unknown) =>
    new InvalidResponseError({ provider: ctx.provider, model: ctx.model, message: `${where}: ${message}`, ...(cause !== undefined && { cause }) });
  const blocks = new Map<number, OpenBlock>();
  let usage: AnthropicUsage | undefined;
  let stopReason: string | undefined;
  const meta: Record<string, unknown> = {};

  const iterator = events[Symbol.asyncIterator]();
  // Set at `message_stop`: the rest of the body is then read in the background, not cancelled.
  let ended = false;
  try {
    for (;;) {
      let next: IteratorResult<unknown>;
      try {
        next = await iterator.next();
      } catch (error) {
        throw mapAnthropicError(error, { provider: ctx.provider, model: ctx.model, ...(ctx.signal && { signal: ctx.signal }) });
      }
      if (next.done) break;
      const type = (next.value as { type?: unknown } | null)?.type;
      if (typeof type !== 'string' || !KNOWN_EVENT_TYPES.has(type)) continue;
      const parsed = streamEventSchema.safeParse(next.value);
      if (!parsed.success) throw invalid(`malformed "${type}" stream event`, parsed.error);
      const event = parsed.data;
      switch (event.type) {
        case 'ping':
          break;
        case 'message_start':
          if (event.message.usage) usage = event.message.usage;
          yield { type: 'response-metadata', ...(event.message.id && { id: event.message.id }), ...(event.message.model && { modelId: event.message.model }) };
          break;
        case 'content_block_start': {
          const b = event.content_block;
          if (b.type === 'text') {
            blocks.set(event.index, { type: 'text' });
            if (typeof b.text === 'string' && b.text !== '') yield { type: 'text-delta', delta: b.text };
          } else if (b.type === 'thinking') {
            blocks.set(event.index, { type: 'thinking', signature: typeof b.signature === 'string' ? b.signature : '' });
            if (typeof b.thinking === 'string' && b.thinking !== '') yield { type: 'reasoning-delta', delta: b.thinking };
          } else if (b.type === 'redacted_thinking' && typeof b.data === 'string') {
            blocks.set(event.index, { type: 'other' });
            // The stream part has no `redacted` field: the data rides in providerMetadata (read back by
            // convert-messages). The empty signature closes the part so that a following thinking
            // block starts a new reasoning part instead of merging into this one.
            const providerMetadata: ProviderMetadata = { anthropic: { redactedData: b.data } };
            yield { type: 'reasoning-delta', delta: '', signature: '', providerMetadata };
          } else if (b.type === 'tool_use' && typeof b.id === 'string' && typeof b.name === 'string') {
            blocks.set(event.index, { type: 'tool', id: b.id, name: b.name, json: '', initial: b.input, asText: b.name === ctx.jsonTool });
          } else blocks.set(event.index, { type: 'other' });
          break;
        }
        case 'content_block_delta': {
          const block = blocks.get(event.index);
          if (!block) throw invalid(`content_block_delta for block ${event.index}, which was never started`);
          if (!KNOWN_DELTA_TYPES.has(event.delta.type)) break;
          const delta = blockDeltaSchema.safeParse(event.delta);
          if (!delta.success) throw invalid(`malformed "${event.delta.type}" delta`, delta.error);
          const d = delta.data;
          if (d.type === 'text_delta') yield { type: 'text-delta', delta: d.text };
          else if (d.type === 'thinking_delta') {
            if (d.thinking !== '') yield { type: 'reasoning-delta', delta: d.thinking };
          } else if (d.type === 'signature_delta') {
            if (block.type === 'thinking') block.signature += d.signature;
          } else if (block.type === 'tool') {
            block.json += d.partial_json;
            if (d.partial_json === '') break;
            if (block.asText) yield { type: 'text-delta', delta: d.partial_json };
            else yield { type: 'tool-call-delta', toolCallId: block.id, toolName: block.name, argsDelta: d.partial_json };
          }
          break;
        }
        case 'content_block_stop': {
          const block = blocks.get(event.index);
          blocks.delete(event.index);
          if (block?.type === 'thinking' && block.signature !== '') yield { type: 'reasoning-delta', delta: '', signature: block.signature };
          else if (block?.type === 'tool') {
            const args = parseToolInput(block, invalid);
            if (block.asText) {
              if (block.json === '') yield { type: 'text-delta', delta: JSON.stringify(args) };
            } else yield { type: 'tool-call', toolCall: { type: 'tool-call', toolCallId: block.id, toolName: block.name, args } };
          }
          break;
        }
        case 'message_delta':
          if (event.delta.stop_reason) stopReason = event.delta.stop_reason;
          if (event.delta.stop_sequence) meta.stopSequence = event.delta.stop_sequence;
          if (event.delta.stop_details != null) meta.stopDetails = event.delta.stop_details;
          if (event.usage) usage = mergeUsage(usage, event.usage);
          break;
        case 'message_stop': {
          const incomplete = [...blocks.values()].filter((b) => b.type === 'tool');
          if (incomplete.length > 0) meta.incompleteToolCalls = incomplete.map((b) => ({ toolCallId: b.id, toolName: b.name, partialJson: b.json }));
          const answeredByJsonTool = ctx.jsonTool !== undefined && stopReason === 'tool_use';
          ended = true;
          yield {
            type: 'finish',
            finishReason: answeredByJsonTool ? 'stop' : mapStopReason(stopReason),
            ...(stopReason !== undefined && { rawFinishReason: stopReason }),
            ...(usage && { usage: convertUsage(usage) }),
            ...(Object.keys(meta).length > 0 && { providerMetadata: { anthropic: meta } }),
          };
          return;
        }
        default: {
          const never: never = event;
          throw invalid(`unexpected event ${JSON.stringify(never)}`);
        }
      }
    }
  } finally {
    const stop = () => void iterator.return?.().catch(() => undefined);
    if (ended) drainInBackground(iterator, () => ((events as { controller?: AbortController }).controller?.abort() ?? stop()));
    else await iterator.return?.().catch(() => undefined);
  }
  if (ctx.signal?.aborted) throw new AbortError({ provider: ctx.provider, model: ctx.model, message: `The stream from ${where} was aborted`, cause: ctx.signal.reason });
  throw invalid('the stream ended before message_stop');
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
