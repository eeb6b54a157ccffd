import type { FinishReason } from '../../core/usage.js';

/**
 * Ollama `done_reason` -> unified finish reason. Ollama says `stop` even when the turn ends in
 * tool calls, so tool calls win over `stop` (a cut-off `length` stays `length`). `load` /
 * `unload` (a request that only loaded a model) and anything unknown are `other`; the raw
 * value is always kept next to it.
 */
export function mapDoneReason(doneReason: string | null | undefined, hasToolCalls: boolean): FinishReason {
  if (doneReason === 'length') return 'length';
  if (hasToolCalls) return 'tool-calls';
  if (doneReason === 'stop') return 'stop';
  return 'other';
}
