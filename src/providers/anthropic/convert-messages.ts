import { InvalidRequestError } from '../../core/errors.js';
import type {
  AssistantContentPart,
  ImagePart,
  Message,
  ReasoningPart,
  ToolCallPart,
  ToolResultPart,
  UserContentPart,
} from '../../core/messages.js';
import type { Warning } from '../../core/response.js';
import type {
  AnthropicAssistantBlock,
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicImageSource,
  AnthropicMessageParam,
  AnthropicUserBlock,
} from './anthropic-request-types.js';

export interface ConvertedMessages {
  /** Hoisted system prompt: `request.system` then every system message, joined by a blank line. */
  system?: string;
  messages: AnthropicMessageParam[];
  warnings: Warning[];
}

interface Context {
  provider: string;
  model: string;
  warnings: Warning[];
}

/**
 * Unified conversation -> Anthropic Messages.
 * - System text is hoisted into `system` (Anthropic has no system role in `messages`).
 * - Tool messages become `user` turns of `tool_result` blocks.
 * - Consecutive turns of the same role are merged into one (the API requires alternation); in a
 *   merged user turn the `tool_result` blocks are moved first, as the API requires.
 */
export function convertMessages(messages: Message[], system: string | undefined, ctx: Omit<Context, 'warnings'>): ConvertedMessages {
  const c: Context = { provider: ctx.provider, model: ctx.model, warnings: [] };
  const systemTexts = system ? [system] : [];
  const turns: AnthropicMessageParam[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    switch (message.role) {
      case 'system':
        if (message.content) systemTexts.push(message.content);
        break;
      case 'user':
        pushTurn(turns, { role: 'user', content: userBlocks(message.content, i, c) });
        break;
      case 'assistant':
        pushTurn(turns, { role: 'assistant', content: assistantBlocks(message.content, i, c) });
        break;
      case 'tool':
        pushTurn(turns, { role: 'user', content: message.content.map((part) => toolResultBlock(part)) });
        break;
      default: {
        const never: never = message;
        const path = messagePath(i);
        throw new InvalidRequestError({
          provider: c.provider,
          model: c.model,
          path,
          message: `Unknown message role in ${path}: ${JSON.stringify(never)}`,
        });
      }
    }
  }

  for (const turn of turns) if (turn.role === 'user') toolResultsFirst(turn.content);
  const out: ConvertedMessages = { messages: turns, warnings: c.warnings };
  if (systemTexts.length > 0) out.system = systemTexts.join('\n\n');
  return out;
}

/** Paths name a message only in errors and warnings: built then, not for every message. */
const messagePath = (i: number): string => `messages[${i}]`;

/** Appends a turn, merged into the last one when both have the same role (the API requires alternation). */
function pushTurn(turns: AnthropicMessageParam[], turn: AnthropicMessageParam): void {
  if (turn.content.length === 0) return;
  const last = turns[turns.length - 1];
  if (last?.role === 'user' && turn.role === 'user') last.content.push(...turn.content);
  else if (last?.role === 'assistant' && turn.role === 'assistant') last.content.push(...turn.content);
  else turns.push(turn);
}

function toolResultsFirst(blocks: AnthropicUserBlock[]): void {
  // Usually already in order (or no tool results at all): then nothing is copied.
  let other = false;
  let misplaced = false;
  for (const b of blocks) {
    if (b.type !== 'tool_result') other = true;
    else if (other) {
      misplaced = true;
      break;
    }
  }
  if (!misplaced) return;
  const sorted = [...blocks.filter((b) => b.type === 'tool_result'), ...blocks.filter((b) => b.type !== 'tool_result')];
  blocks.splice(0, blocks.length, ...sorted);
}

function userBlocks(content: string | UserContentPart[], i: number, c: Context): AnthropicUserBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const blocks: AnthropicUserBlock[] = [];
  content.forEach((part, j) => {
    if (part.type === 'text') {
      if (part.text !== '') blocks.push({ type: 'text', text: part.text });
    } else blocks.push(imageBlock(part, `${messagePath(i)}.content[${j}]`, c));
  });
  return blocks;
}

function assistantBlocks(content: string | AssistantContentPart[], i: number, c: Context): AnthropicAssistantBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const blocks: AnthropicAssistantBlock[] = [];
  content.forEach((part, j) => {
    const partPath = (): string => `${messagePath(i)}.content[${j}]`;
    switch (part.type) {
      case 'text':
        if (part.text !== '') blocks.push({ type: 'text', text: part.text });
        break;
      case 'tool-call':
        blocks.push({ type: 'tool_use', id: part.toolCallId, name: part.toolName, input: toolInput(part, partPath, c) });
        break;
      case 'reasoning': {
        const block = reasoningBlock(part, partPath, c);
        if (block) blocks.push(block);
        break;
      }
      default: {
        const never: never = part;
        throw new InvalidRequestError({
          provider: c.provider,
          model: c.model,
          path: partPath(),
          message: `Unknown assistant part at ${partPath()}: ${JSON.stringify(never)}`,
        });
      }
    }
  });
  return blocks;
}

/**
 * Thinking blocks go back with their signature (the API verifies it); redacted thinking goes back
 * as `redacted_thinking` with its opaque data. Reasoning without either (e.g. from another vendor)
 * cannot be sent as thinking, so it is dropped with a warning rather than leaked into visible text.
 */
function reasoningBlock(part: ReasoningPart, path: () => string, c: Context): AnthropicAssistantBlock | undefined {
  const meta = part.providerMetadata?.anthropic;
  const redacted = part.redacted ?? (typeof meta?.redactedData === 'string' ? meta.redactedData : undefined);
  if (redacted !== undefined) return { type: 'redacted_thinking', data: redacted };
  if (part.signature) return { type: 'thinking', thinking: part.text, signature: part.signature };
  c.warnings.push({
    type: 'unsupported-content',
    path: path(),
    message: 'A reasoning part without an Anthropic signature cannot be sent back as a thinking block; it was left out.',
  });
  return undefined;
}

function toolInput(part: ToolCallPart, at: () => string, c: Context): Record<string, unknown> {
  let args = part.args;
  if (args === undefined || args === null || args === '') return {};
  if (typeof args === 'string') {
    try {
      args = JSON.parse(args) as unknown;
    } catch (cause) {
      const path = at();
      throw new InvalidRequestError({
        provider: c.provider,
        model: c.model,
        path: `${path}.args`,
        cause,
        message: `Tool call arguments at ${path}.args are a string that is not JSON`,
      });
    }
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    const path = at();
    throw new InvalidRequestError({
      provider: c.provider,
      model: c.model,
      path: `${path}.args`,
      message: `Anthropic tool_use input must be a JSON object (at ${path}.args)`,
    });
  }
  return args as Record<string, unknown>;
}

/** Non-string results are JSON-stringified; `isError` is kept as `is_error`. */
function toolResultBlock(part: ToolResultPart): AnthropicUserBlock {
  const content = typeof part.result === 'string' ? part.result : (JSON.stringify(part.result) ?? 'null');
  return { type: 'tool_result', tool_use_id: part.toolCallId, content, ...(part.isError !== undefined && { is_error: part.isError }) };
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

/** URL images use a `url` source; data URLs, base64 strings and bytes use a `base64` source. PDFs become documents. */
function imageBlock(part: ImagePart, path: string, c: Context): AnthropicImageBlock | AnthropicDocumentBlock {
  let source: AnthropicImageSource;
  let mediaType = part.mediaType;
  if (part.url !== undefined) {
    const m = DATA_URL.exec(part.url);
    if (m) {
      mediaType = mediaType ?? m[1]!;
      source = { type: 'base64', media_type: mediaType, data: m[2]! };
    } else source = { type: 'url', url: part.url };
  } else if (part.data !== undefined) {
    if (!mediaType) {
      throw new InvalidRequestError({
        provider: c.provider,
        model: c.model,
        path: `${path}.mediaType`,
        message: `An image given as data needs a mediaType (at ${path})`,
      });
    }
    const data = typeof part.data === 'string' ? part.data : Buffer.from(part.data).toString('base64');
    source = { type: 'base64', media_type: mediaType, data };
  } else {
    throw new InvalidRequestError({
      provider: c.provider,
      model: c.model,
      path,
      message: `An image part needs a url or data (at ${path})`,
    });
  }
  return mediaType === 'application/pdf' ? { type: 'document', source } : { type: 'image', source };
}
