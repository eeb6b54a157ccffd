import type { AssistantContentPart, ProviderMetadata, ReasoningPart } from '../../core/messages.js';
import type { ProviderRequest } from '../../core/request.js';
import type { ProviderResponse, Warning } from '../../core/response.js';
import type { ProviderStreamPart, StreamEvent } from '../../core/stream.js';
import { estimateRequestTokens, estimateTextTokens } from '../../core/tokens.js';
import type { FinishReason, Usage } from '../../core/usage.js';
import { checkPart } from '../dispatch/stream-parts.js';

/**
 * Folds provider stream parts into the final response while mapping each to the public event.
 * Keeps content in arrival order: consecutive text (or reasoning) deltas merge into one part.
 */
export class StreamAccumulator {
  readonly warnings: Warning[] = [];
  readonly content: AssistantContentPart[] = [];
  id: string | undefined;
  modelId: string | undefined;
  text = '';
  /** Characters of text and reasoning received (for periodic budget checks). */
  outputChars = 0;
  finish: { finishReason: FinishReason; rawFinishReason?: string; usage?: Usage; providerMetadata?: ProviderMetadata } | undefined;

  /** Returns the public event for this part, or undefined when the part produces none. A malformed part is the provider's InvalidResponseError. */
  add(part: ProviderStreamPart, from: { provider: string; model: string }): StreamEvent | undefined {
    checkPart(part, from);
    switch (part.type) {
      case 'stream-start':
        this.warnings.push(...part.warnings);
        return undefined;
      case 'response-metadata':
        if (part.id !== undefined) this.id = part.id;
        if (part.modelId !== undefined) this.modelId = part.modelId;
        return undefined;
      case 'text-delta': {
        this.text += part.delta;
        this.outputChars += part.delta.length;
        const last = this.content[this.content.length - 1];
        if (last?.type === 'text') last.text += part.delta;
        else this.content.push({ type: 'text', text: part.delta });
        return { type: 'text-delta', delta: part.delta };
      }
      case 'reasoning-delta': {
        const last = this.content[this.content.length - 1];
        let target: ReasoningPart;
        if (last?.type === 'reasoning' && last.signature === undefined) target = last;
        else this.content.push((target = { type: 'reasoning', text: '' }));
        target.text += part.delta;
        this.outputChars += part.delta.length;
        if (part.signature !== undefined) target.signature = part.signature;
        if (part.providerMetadata !== undefined) target.providerMetadata = part.providerMetadata;
        return part.delta === '' ? undefined : { type: 'reasoning-delta', delta: part.delta };
      }
      case 'tool-call-delta':
        return { type: 'tool-call-delta', toolCallId: part.toolCallId, toolName: part.toolName, argsDelta: part.argsDelta };
      case 'tool-call':
        this.content.push(part.toolCall);
        return { type: 'tool-call', toolCall: part.toolCall };
      case 'finish':
        this.finish = part;
        return undefined;
      default: {
        const never: never = part;
        return never;
      }
    }
  }

  /** The vendor's usage, or our estimate marked `estimated: true` when the stream carried none. */
  usage(request: ProviderRequest): Usage {
    const reported = this.finish?.usage;
    if (reported) return reported;
    const inputTokens = estimateRequestTokens(request);
    let outputTokens = 0;
    for (const part of this.content) {
      if (part.type === 'text' || part.type === 'reasoning') outputTokens += estimateTextTokens(part.text);
      else if (part.type === 'tool-call') outputTokens += estimateTextTokens(part.toolName + JSON.stringify(part.args));
    }
    return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, estimated: true };
  }

  toResponse(request: ProviderRequest): ProviderResponse {
    const finish = this.finish!;
    const out: ProviderResponse = {
      content: this.content,
      finishReason: finish.finishReason,
      usage: this.usage(request),
      warnings: this.warnings,
    };
    if (this.id !== undefined) out.id = this.id;
    if (this.modelId !== undefined) out.modelId = this.modelId;
    if (finish.rawFinishReason !== undefined) out.rawFinishReason = finish.rawFinishReason;
    if (finish.providerMetadata !== undefined) out.providerMetadata = finish.providerMetadata;
    return out;
  }
}
