import type { FinishReason } from '../../core/usage.js';

/** Anthropic `stop_reason` -> unified finish reason. The raw value is always kept next to it. */
export function mapStopReason(raw: string | null | undefined): FinishReason {
  switch (raw) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool-calls';
    case 'refusal':
      return 'content-filter';
    default:
      // `pause_turn` (a server tool paused a long turn), null and values newer than this file.
      return 'other';
  }
}
