import type { ChatRequest } from '../core/request.js';
import type { SkippedCandidateInfo } from '../core/response.js';
import type { Candidate } from './options.js';

/** What a request needs from a model, detected once per request. */
export interface Needs {
  tools: boolean;
  vision: boolean;
  json: boolean;
  streaming: boolean;
  /** The four flags above as NEED_* bits. */
  mask: number;
  /** Estimated input tokens plus the output room the request asks for. */
  contextTokens: number;
}

export const NEED_TOOLS = 1;
export const NEED_VISION = 2;
export const NEED_JSON = 4;
export const NEED_STREAMING = 8;

/** The capabilities a model config declares `false`, as NEED_* bits (unset ones are not held against it). */
export function lacksMask(c: Candidate): number {
  const caps = c.config.capabilities;
  if (!caps) return 0;
  return (caps.tools === false ? NEED_TOOLS : 0) | (caps.vision === false ? NEED_VISION : 0) | (caps.json === false ? NEED_JSON : 0) | (caps.streaming === false ? NEED_STREAMING : 0);
}

function hasImage(request: Readonly<ChatRequest>): boolean {
  for (const m of request.messages) {
    if (m.role !== 'user' || typeof m.content === 'string') continue;
    for (const p of m.content) if (p.type === 'image') return true;
  }
  return false;
}

/** Needs as a class: the context-token estimate is read (and memoised) only when a window asks. */
class DetectedNeeds implements Needs {
  readonly tools: boolean;
  readonly vision: boolean;
  readonly json: boolean;
  readonly streaming: boolean;
  readonly mask: number;
  #contextTokens: number | undefined;

  constructor(
    private readonly request: Readonly<ChatRequest>,
    kind: 'chat' | 'stream',
    private readonly input: { readonly inputTokens: number },
  ) {
    this.tools = (request.tools?.length ?? 0) > 0;
    this.vision = hasImage(request);
    this.json = request.responseFormat !== undefined && request.responseFormat.type !== 'text';
    this.streaming = kind === 'stream';
    this.mask = (this.tools ? NEED_TOOLS : 0) | (this.vision ? NEED_VISION : 0) | (this.json ? NEED_JSON : 0) | (this.streaming ? NEED_STREAMING : 0);
  }

  // Read only when some candidate declares a context window: estimating costs a pass over the prompt.
  get contextTokens(): number {
    return (this.#contextTokens ??= this.input.inputTokens + (this.request.params?.maxTokens ?? 0));
  }
}

export function detectNeeds(request: Readonly<ChatRequest>, kind: 'chat' | 'stream', input: { readonly inputTokens: number }): Needs {
  return new DetectedNeeds(request, kind, input);
}

/** unmetNeed(c, needs) === undefined, without allocating. */
export function meetsNeeds(c: Candidate, needs: Needs): boolean {
  if (needs.mask !== 0 && (lacksMask(c) & needs.mask) !== 0) return false;
  const window = c.config.contextWindow;
  return window === undefined || !(needs.contextTokens > window);
}

/**
 * Why a candidate cannot serve these needs, or undefined when it can. A capability the model
 * config leaves unset is not held against it; a declared `false` is.
 */
export function unmetNeed(c: Candidate, needs: Needs): Omit<SkippedCandidateInfo, 'model'> | undefined {
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
