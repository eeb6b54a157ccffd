import type { AssistantContentPart, Message, ToolCallPart } from '../../core/messages.js';
import type { ProviderRequest } from '../../core/request.js';
import { estimateRequestTokens, estimateTextTokens } from '../../core/tokens.js';
import { estimateOutputTokens } from '../shared/estimate-usage.js';
import type { FinishReason, Usage } from '../../core/usage.js';
import type { MockReply } from './types.js';

/** A text/tool reply with everything filled in. */
export interface ResolvedReply {
  id: string;
  text: string;
  reasoning: string;
  toolCalls: ToolCallPart[];
  finishReason: FinishReason;
  rawFinishReason: string;
  usage: Usage;
  chunks: string[];
  cutAfterChunks?: number;
  truncateAfterChunks?: number;
  latencyMs?: number;
}

function lastUserText(messages: Message[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    return m.content.map((p) => (p.type === 'text' ? p.text : '')).join('');
  }
  return '';
}

/** Splits text like a real stream: words with their trailing space, CJK two characters at a time. */
export function splitChunks(text: string): string[] {
  return text.match(/[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]{1,2}|[^\s\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]+\s*|\s+/g) ?? [];
}

export function defaultReply(request: ProviderRequest): MockReply {
  return `echo: ${lastUserText(request.messages)}`;
}

let counter = 0;

export function resolveReply(
  reply: Exclude<MockReply, { fail: unknown } | { hang: true }>,
  request: ProviderRequest,
  counted: boolean,
): ResolvedReply {
  const r = typeof reply === 'string' ? { text: reply } : reply;
  const text = r.text ?? '';
  const reasoning = r.reasoning ?? '';
  const toolCalls: ToolCallPart[] = (r.toolCalls ?? []).map((c, i) => ({
    type: 'tool-call',
    toolCallId: c.id ?? `call_${i + 1}`,
    toolName: c.name,
    args: c.args,
  }));
  const finishReason = r.finishReason ?? (toolCalls.length > 0 ? 'tool-calls' : 'stop');
  const outputTokens = estimateOutputTokens([{ type: 'text', text }, { type: 'reasoning', text: reasoning }, ...toolCalls]);
  const inputTokens = estimateRequestTokens(request);
  const usage: Usage = counted
    ? {
        inputTokens,
        outputTokens,
        totalTokens: inputTokens + outputTokens,
        ...(reasoning && { reasoningTokens: estimateTextTokens(reasoning) }),
        ...r.usage,
      }
    : { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
  if (counted && r.usage && r.usage.totalTokens === undefined) usage.totalTokens = usage.inputTokens + usage.outputTokens;
  return {
    id: r.id ?? `mock-${++counter}`,
    text,
    reasoning,
    toolCalls,
    finishReason,
    rawFinishReason: r.rawFinishReason ?? finishReason,
    usage,
    chunks: r.chunks ?? splitChunks(text),
    ...(r.cutAfterChunks !== undefined && { cutAfterChunks: r.cutAfterChunks }),
    ...(r.truncateAfterChunks !== undefined && { truncateAfterChunks: r.truncateAfterChunks }),
    ...(r.latencyMs !== undefined && { latencyMs: r.latencyMs }),
  };
}

export function replyContent(reply: ResolvedReply): AssistantContentPart[] {
  const content: AssistantContentPart[] = [];
  if (reply.reasoning) content.push({ type: 'reasoning', text: reply.reasoning });
  if (reply.text) content.push({ type: 'text', text: reply.text });
  content.push(...reply.toolCalls);
  return content;
}
