import type { ToolCallPart } from '../../core/messages.js';
import type { OllamaToolCallIn } from './ollama-api-types.js';

/** Arguments as the unified tool call carries them: an object (missing -> `{}`). */
function parseArguments(args: unknown): unknown {
  if (args === undefined || args === null) return {};
  if (typeof args !== 'string') return args;
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return args;
  }
}

/**
 * Ollama tool calls -> unified tool calls. Older servers send no `id` (or `""`): it is then
 * `call_<n>`, where n counts the calls of the response in order, so the ids are stable for a
 * given response and unique within it. `function.index` is kept in provider metadata.
 */
export function convertToolCalls(calls: ReadonlyArray<OllamaToolCallIn>, firstIndex: number): ToolCallPart[] {
  return calls.map((call, i) => {
    const part: ToolCallPart = {
      type: 'tool-call',
      toolCallId: call.id || `call_${firstIndex + i}`,
      toolName: call.function.name,
      args: parseArguments(call.function.arguments),
    };
    if (call.function.index != null) part.providerMetadata = { ollama: { index: call.function.index } };
    return part;
  });
}
