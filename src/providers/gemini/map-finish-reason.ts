import type { FinishReason } from '../../core/usage.js';

const CONTENT_FILTER = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/**
 * Gemini `finishReason` to ours. Gemini says `STOP` even when the turn ends in function calls, so
 * `hasToolCalls` turns that into `tool-calls`. The raw value is always kept next to it by callers.
 */
export function mapFinishReason(raw: string | null | undefined, hasToolCalls: boolean): FinishReason {
  switch (raw) {
    case 'STOP':
      return hasToolCalls ? 'tool-calls' : 'stop';
    case 'MAX_TOKENS':
      return 'length';
    case 'MALFORMED_FUNCTION_CALL':
    case 'UNEXPECTED_TOOL_CALL':
      return 'error';
    default:
      if (raw && CONTENT_FILTER.has(raw)) return 'content-filter';
      return hasToolCalls ? 'tool-calls' : 'other';
  }
}
