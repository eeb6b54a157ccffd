import type { StreamEvent } from '../core/stream.js';
import { mapFinishReason, mapUsage, mapWarnings, routeMetadata } from './map-result.js';
import type { SpecStreamPart, SpecWarning } from './spec-types.js';

/**
 * Our stream events as the specification's parts: text and reasoning in start/delta/end blocks,
 * tool input deltas between `tool-input-start` and `tool-input-end`, then `tool-call`, then `finish`.
 */
export class StreamMapper {
  #block: { kind: 'text' | 'reasoning'; id: string } | undefined;
  #blocks = 0;
  readonly #toolInputs = new Set<string>();

  constructor(private readonly callWarnings: SpecWarning[]) {}

  #close(out: SpecStreamPart[]): void {
    const block = this.#block;
    if (!block) return;
    out.push(block.kind === 'text' ? { type: 'text-end', id: block.id } : { type: 'reasoning-end', id: block.id });
    this.#block = undefined;
  }

  #open(kind: 'text' | 'reasoning', out: SpecStreamPart[]): string {
    if (this.#block?.kind === kind) return this.#block.id;
    this.#close(out);
    const id = `${kind}-${this.#blocks++}`;
    this.#block = { kind, id };
    out.push(kind === 'text' ? { type: 'text-start', id } : { type: 'reasoning-start', id });
    return id;
  }

  map(event: StreamEvent): SpecStreamPart[] {
    const out: SpecStreamPart[] = [];
    switch (event.type) {
      case 'start':
        out.push({ type: 'stream-start', warnings: [...this.callWarnings, ...mapWarnings(event.warnings)] });
        out.push({ type: 'response-metadata', id: event.requestId, timestamp: new Date() });
        break;
      case 'text-delta':
        out.push({ type: 'text-delta', id: this.#open('text', out), delta: event.delta });
        break;
      case 'reasoning-delta':
        out.push({ type: 'reasoning-delta', id: this.#open('reasoning', out), delta: event.delta });
        break;
      case 'tool-call-delta':
        this.#close(out);
        if (!this.#toolInputs.has(event.toolCallId)) {
          this.#toolInputs.add(event.toolCallId);
          out.push({ type: 'tool-input-start', id: event.toolCallId, toolName: event.toolName });
        }
        out.push({ type: 'tool-input-delta', id: event.toolCallId, delta: event.argsDelta });
        break;
      case 'tool-call': {
        this.#close(out);
        const { toolCallId, toolName, args } = event.toolCall;
        if (this.#toolInputs.delete(toolCallId)) out.push({ type: 'tool-input-end', id: toolCallId });
        out.push({ type: 'tool-call', toolCallId, toolName, input: JSON.stringify(args ?? {}) });
        break;
      }
      case 'error':
        // Deltas were delivered before the failure; the iteration throws next (mapped to an `error` part).
        this.#close(out);
        break;
      case 'finish':
        this.#close(out);
        // The vendor's response id and model id are known at the end (as `generateText` reports them).
        out.push({
          type: 'response-metadata',
          id: event.response.providerResponseId ?? event.response.id,
          modelId: event.route.providerModel,
        });
        out.push({
          type: 'finish',
          usage: mapUsage(event.usage),
          finishReason: mapFinishReason(event.finishReason, event.rawFinishReason),
          providerMetadata: routeMetadata(event.response),
        });
        break;
    }
    return out;
  }
}
