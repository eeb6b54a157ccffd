import type { AssistantContentPart, ToolCallPart } from '../../core/messages.js';
import type { ProviderRequest } from '../../core/request.js';
import type { ProviderResponse, Warning } from '../../core/response.js';
import type { ProviderStreamPart } from '../../core/stream.js';
import { estimateRequestTokens } from '../../core/tokens.js';
import { estimateOutputTokens } from '../shared/estimate-usage.js';
import { convertToolCalls } from './convert-tool-calls.js';
import { convertUsage } from './convert-usage.js';
import { mapDoneReason } from './map-done-reason.js';
import type { OllamaChatChunk } from './ollama-api-types.js';

type FinishPart = Extract<ProviderStreamPart, { type: 'finish' }>;

/**
 * Folds Ollama chat chunks, in order, into unified stream parts and the final content. The same
 * fold serves `stream()` (each chunk's parts are yielded as they come) and `chat()` (one chunk,
 * or several if a server streamed anyway). Consecutive text (or thinking) merges into one part.
 */
export class ChunkFolder {
  readonly content: AssistantContentPart[] = [];
  modelId: string | undefined;
  private toolCallCount = 0;

  constructor(private readonly request: ProviderRequest) {}

  /** The content parts of one chunk, as stream parts. `thinking` comes before `content`. */
  add(chunk: OllamaChatChunk): ProviderStreamPart[] {
    if (chunk.model && this.modelId === undefined) this.modelId = chunk.model;
    const message = chunk.message;
    if (!message) return [];
    const parts: ProviderStreamPart[] = [];
    if (message.thinking) {
      this.append('reasoning', message.thinking);
      parts.push({ type: 'reasoning-delta', delta: message.thinking });
    }
    if (message.content) {
      this.append('text', message.content);
      parts.push({ type: 'text-delta', delta: message.content });
    }
    if (message.tool_calls && message.tool_calls.length > 0) {
      // Ollama sends each tool call whole: one delta with the full arguments, then the call.
      const calls = convertToolCalls(message.tool_calls, this.toolCallCount);
      this.toolCallCount += calls.length;
      for (const call of calls) {
        this.content.push(call);
        parts.push({
          type: 'tool-call-delta',
          toolCallId: call.toolCallId,
          toolName: call.toolName,
          argsDelta: JSON.stringify(call.args) ?? '{}',
        });
        parts.push({ type: 'tool-call', toolCall: call });
      }
    }
    return parts;
  }

  /** The `finish` part from the `done: true` object. */
  finish(final: OllamaChatChunk): FinishPart {
    const part: FinishPart = {
      type: 'finish',
      finishReason: mapDoneReason(final.done_reason, this.toolCallCount > 0),
      usage: convertUsage(final, { input: () => estimateRequestTokens(this.request), output: () => estimateOutputTokens(this.content) }),
    };
    if (final.done_reason) part.rawFinishReason = final.done_reason;
    return part;
  }

  /** The non-stream response; `raw` is the final object as received (metrics in ns). */
  response(final: OllamaChatChunk, raw: unknown, warnings: Warning[]): ProviderResponse {
    const finish = this.finish(final);
    const out: ProviderResponse = {
      content: this.content,
      finishReason: finish.finishReason,
      usage: finish.usage!,
      warnings,
      raw,
    };
    if (this.modelId !== undefined) out.modelId = this.modelId;
    if (finish.rawFinishReason !== undefined) out.rawFinishReason = finish.rawFinishReason;
    return out;
  }

  toolCalls(): ToolCallPart[] {
    return this.content.filter((p): p is ToolCallPart => p.type === 'tool-call');
  }

  private append(type: 'text' | 'reasoning', text: string): void {
    const last = this.content[this.content.length - 1];
    if (last?.type === type) last.text += text;
    else this.content.push({ type, text });
  }
}
