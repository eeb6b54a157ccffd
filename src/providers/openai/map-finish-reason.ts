import type { FinishReason } from '../../core/usage.js';

/**
 * Chat Completions `finish_reason` to the unified one. A refusal arrives with `stop` and is
 * reported as `content-filter` (the raw value stays `stop`). DeepSeek's
 * `insufficient_system_resource` means the server cut the answer short: `error`.
 */
export function mapFinishReason(raw: string | null | undefined, refused = false): FinishReason {
  if (refused) return 'content-filter';
  switch (raw) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    case 'content_filter':
      return 'content-filter';
    case 'insufficient_system_resource':
      return 'error';
    default:
      return 'other';
  }
}
