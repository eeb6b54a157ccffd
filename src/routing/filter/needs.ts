import type { ChatRequest } from '../../core/request.js';
import type { SkippedCandidate } from '../../core/response.js';
import type { Candidate } from '../config/options.js';

/** What a request needs from a model, detected once per request. */
export interface Needs {
  tools: boolean;
  vision: boolean;
  json: boolean;
  streaming: boolean;
  /** Estimated input tokens plus the output room the request asks for. */
  contextTokens: number;
}

function hasImage(request: Readonly<ChatRequest>): boolean {
  return request.messages.some((m) => m.role === 'user' && typeof m.content !== 'string' && m.content.some((p) => p.type === 'image'));
}

export function detectNeeds(request: Readonly<ChatRequest>, kind: 'chat' | 'stream', inputTokens: number): Needs {
  return {
    tools: (request.tools?.length ?? 0) > 0,
    vision: hasImage(request),
    json: request.responseFormat !== undefined && request.responseFormat.type !== 'text',
    streaming: kind === 'stream',
    contextTokens: inputTokens + (request.params?.maxTokens ?? 0),
  };
}

/**
 * Why a candidate cannot serve these needs, or undefined when it can. A capability the model
 * config leaves unset is not held against it; a declared `false` is.
 */
export function unmetNeed(c: Candidate, needs: Needs): Omit<SkippedCandidate, 'model'> | undefined {
  const caps = c.config.capabilities;
  const missing: string[] = [];
  if (caps) {
    if (needs.tools && caps.tools === false) missing.push('tools');
    if (needs.vision && caps.vision === false) missing.push('vision');
    if (needs.json && caps.json === false) missing.push('json');
    if (needs.streaming && caps.streaming === false) missing.push('streaming');
  }
  if (missing.length > 0) return { reason: 'lacks-capability', detail: `needs ${missing.join(', ')}` };
  const window = c.config.contextWindow;
  if (window !== undefined && needs.contextTokens > window) {
    return { reason: 'context-too-small', detail: `~${needs.contextTokens} tokens > context window ${window}` };
  }
  return undefined;
}
