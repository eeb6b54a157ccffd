import { InvalidResponseError, SwitchyardError } from '../../core/errors.js';
import type { AssistantContentPart } from '../../core/messages.js';
import type { ProviderResponse, Warning } from '../../core/response.js';
import type { Usage } from '../../core/usage.js';
import {
  contentBlockSchema,
  messageSchema,
  usageSchema,
  type AnthropicContentBlock,
  type AnthropicMessage,
} from './anthropic-api-types.js';
import { convertUsage } from './convert-usage.js';
import { mapStopReason } from './map-stop-reason.js';
import { reported } from '../shared/reported-usage.js';
import { ToolCallIdAssigner } from '../shared/tool-call-ids.js';

export interface ResponseContext {
  provider: string;
  model: string;
  warnings: Warning[];
  /** The forced tool that carries a `responseFormat` answer, if any. */
  jsonTool?: string;
}

/** A non-streaming Messages API body -> the unified response. Unknown block types are skipped (kept in `raw`). */
export function convertResponse(raw: unknown, ctx: ResponseContext): ProviderResponse {
  try {
    return readMessage(raw, ctx);
  } catch (error) {
    // A 200 the vendor billed but whose body we cannot read: the error carries the usage it reported.
    throw SwitchyardError.isInstance(error) ? reported(error, reportedUsageOf(raw)) : error;
  }
}

/** The `usage` block of a body we could not read, when it has token figures (the vendor's, converted). */
function reportedUsageOf(raw: unknown): Usage | undefined {
  const parsed = usageSchema.safeParse((raw as { usage?: unknown } | null | undefined)?.usage);
  if (!parsed.success || (typeof parsed.data.input_tokens !== 'number' && typeof parsed.data.output_tokens !== 'number')) return undefined;
  return convertUsage(parsed.data);
}

function readMessage(raw: unknown, ctx: ResponseContext): ProviderResponse {
  const message = parseMessage(raw, ctx);
  const content: AssistantContentPart[] = [];
  let answeredByJsonTool = false;
  const blocks = message.content;
  const ids = new ToolCallIdAssigner();
  for (let i = 0; i < blocks.length; i++) {
    const block = readBlock(blocks[i]!, i, ctx);
    if (!block) continue; // server tool blocks, citations-only blocks and types newer than this adapter
    const part = toPart(block, ctx.jsonTool, ids);
    if (part.type === 'text' && ctx.jsonTool !== undefined && block.type === 'tool_use') answeredByJsonTool = true;
    content.push(part);
  }
  const rawFinishReason = message.stop_reason ?? undefined;
  const out: ProviderResponse = {
    id: message.id,
    content,
    finishReason: answeredByJsonTool && rawFinishReason === 'tool_use' ? 'stop' : mapStopReason(rawFinishReason),
    usage: convertUsage(message.usage),
    warnings: ctx.warnings,
    raw,
  };
  if (message.model) out.modelId = message.model;
  if (rawFinishReason !== undefined) out.rawFinishReason = rawFinishReason;
  const meta: Record<string, unknown> = {};
  if (message.stop_sequence) meta.stopSequence = message.stop_sequence;
  if (message.stop_details !== undefined && message.stop_details !== null) meta.stopDetails = message.stop_details;
  if (Object.keys(meta).length > 0) out.providerMetadata = { anthropic: meta };
  return out;
}

/** The body as a Message (the fields we read, checked by zod), or an InvalidResponseError. */
function parseMessage(raw: unknown, ctx: ResponseContext): AnthropicMessage {
  const parsed = messageSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new InvalidResponseError({
    provider: ctx.provider,
    model: ctx.model,
    cause: parsed.error,
    message:
      `Anthropic (model "${ctx.model}") returned a body that is not a Message: ` +
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
  });
}

/** A block this adapter reads, undefined for other types; a known type with bad fields is an InvalidResponseError. */
function readBlock(rawBlock: { type: string }, i: number, ctx: ResponseContext): AnthropicContentBlock | undefined {
  const block = contentBlockSchema.safeParse(rawBlock);
  if (block.success) return block.data;
  if (!KNOWN_BLOCK_TYPES.has(rawBlock.type)) return undefined;
  throw new InvalidResponseError({
    provider: ctx.provider,
    model: ctx.model,
    cause: block.error,
    message: `Anthropic content block ${i} (${rawBlock.type}) is malformed`,
  });
}

const KNOWN_BLOCK_TYPES: ReadonlySet<string> = new Set(['text', 'thinking', 'redacted_thinking', 'tool_use']);

function toPart(block: AnthropicContentBlock, jsonTool: string | undefined, ids: ToolCallIdAssigner): AssistantContentPart {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'thinking':
      return { type: 'reasoning', text: block.thinking, ...(block.signature ? { signature: block.signature } : {}) };
    case 'redacted_thinking':
      return { type: 'reasoning', text: '', redacted: block.data };
    case 'tool_use':
      if (jsonTool !== undefined && block.name === jsonTool) return { type: 'text', text: JSON.stringify(block.input ?? {}) };
      return { type: 'tool-call', toolCallId: ids.id(block.id), toolName: block.name, args: block.input ?? {} };
    default: {
      const never: never = block;
      return never;
    }
  }
}
