import { InvalidResponseError } from '../../core/errors.js';

/**
 * Parses a tool call's JSON arguments. Empty arguments are `{}`. Malformed JSON is a typed error,
 * except when the answer was cut by the token limit: then the raw string is kept as `args`.
 */
export function parseToolArgs(text: string, toolName: string, truncated: boolean, ctx: { provider: string; model: string }): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (truncated) return text;
    throw new InvalidResponseError({
      ...ctx,
      cause: error,
      message: `${ctx.provider} (model "${ctx.model}") returned malformed JSON arguments for tool "${toolName}"`,
    });
  }
}
