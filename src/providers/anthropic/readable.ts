import { absent, finite, optNumber, optString, plain, type Rec } from '../shared/wire-checks.js';
import type { AnthropicBlockDelta, AnthropicContentBlock, AnthropicMessage, AnthropicStreamEvent } from './anthropic-api-types.js';

/**
 * Cheap checks that prove a Messages API body (and each content block), or a stream event (and its
 * delta), readable: every field the
 * adapter reads has the type its zod schema in anthropic-api-types.ts demands, or a stricter one
 * (plain objects only, finite numbers). A body that passes is read as it is, without zod copying
 * it (the loose message schema copies every field of the body and of its usage). False means "not
 * proven": the schema decides and reports what is wrong, so errors are unchanged. A property test
 * holds these to the schemas.
 */

const optUsage = (u: unknown): boolean => absent(u) || usageReadable(u);

function usageReadable(u: unknown): boolean {
  return plain(u) && optNumber(u.input_tokens) && optNumber(u.output_tokens) && optNumber(u.cache_creation_input_tokens) && optNumber(u.cache_read_input_tokens);
}

/** The envelope of a Message: its blocks need only a string `type` here (see `readableBlock`). */
export function readableMessage(raw: unknown): raw is AnthropicMessage {
  if (!plain(raw) || typeof raw.id !== 'string' || !optString(raw.model) || !optString(raw.stop_reason) || !optString(raw.stop_sequence)) return false;
  const { usage, content } = raw;
  if (!usageReadable(usage)) return false;
  if (!Array.isArray(content)) return false;
  for (let i = 0; i < content.length; i++) {
    const block: unknown = content[i];
    if (!plain(block) || typeof block.type !== 'string') return false;
  }
  return true;
}

/** A content block of a type this adapter reads, with the fields it reads. */
export function readableBlock(b: { type: string }): b is AnthropicContentBlock {
  const block = b as Rec;
  switch (b.type) {
    case 'text':
      return typeof block.text === 'string';
    case 'thinking':
      return typeof block.thinking === 'string' && optString(block.signature);
    case 'redacted_thinking':
      return typeof block.data === 'string';
    case 'tool_use':
      // `input` may hold anything, but the schema wants the key.
      return typeof block.id === 'string' && typeof block.name === 'string' && Object.hasOwn(block, 'input');
    default:
      return false;
  }
}

/** A stream event of a type this adapter reads, with the fields it reads (a delta needs only a string `type` here, see `readableDelta`). */
export function readableEvent(raw: unknown): raw is AnthropicStreamEvent {
  if (!plain(raw)) return false;
  switch (raw.type) {
    case 'ping':
    case 'message_stop':
      return true;
    case 'message_start': {
      const m = raw.message;
      return plain(m) && optString(m.id) && optString(m.model) && optUsage(m.usage);
    }
    case 'content_block_start': {
      const b = raw.content_block;
      return finite(raw.index) && plain(b) && typeof b.type === 'string';
    }
    case 'content_block_delta': {
      const d = raw.delta;
      return finite(raw.index) && plain(d) && typeof d.type === 'string';
    }
    case 'content_block_stop':
      return finite(raw.index);
    case 'message_delta': {
      const d = raw.delta;
      return plain(d) && optString(d.stop_reason) && optString(d.stop_sequence) && optUsage(raw.usage);
    }
    default:
      return false;
  }
}

/** A content block delta of a type this adapter reads, with its field. */
export function readableDelta(d: { type: string }): d is AnthropicBlockDelta {
  const delta = d as Rec;
  switch (d.type) {
    case 'text_delta':
      return typeof delta.text === 'string';
    case 'thinking_delta':
      return typeof delta.thinking === 'string';
    case 'signature_delta':
      return typeof delta.signature === 'string';
    case 'input_json_delta':
      return typeof delta.partial_json === 'string';
    default:
      return false;
  }
}
