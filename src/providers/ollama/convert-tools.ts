import type { ProviderRequest } from '../../core/request.js';
import type { Warning } from '../../core/response.js';
import type { OllamaToolOut } from './ollama-api-types.js';

export interface ConvertedTools {
  tools?: OllamaToolOut[];
  warnings: Warning[];
}

/**
 * Tools -> Ollama `tools`. Ollama has no `tool_choice`: `none` sends no tools (the model then
 * cannot call one), a named tool sends only that tool, and `required` cannot be enforced; the
 * last two come with a warning because the model may still answer in text.
 */
export function convertTools(request: Pick<ProviderRequest, 'tools' | 'toolChoice'>): ConvertedTools {
  const warnings: Warning[] = [];
  const choice = request.toolChoice;
  let tools = request.tools ?? [];
  if (tools.length === 0 || choice === 'none') return { warnings };
  if (choice === 'required') {
    warnings.push({
      type: 'unsupported-parameter',
      path: 'toolChoice',
      message: 'Ollama cannot force a tool call: `required` is sent as `auto`',
    });
  } else if (typeof choice === 'object') {
    tools = tools.filter((t) => t.name === choice.name);
    warnings.push({
      type: 'unsupported-parameter',
      path: 'toolChoice',
      message: `Ollama cannot force a tool call: only "${choice.name}" is offered, the model may still answer in text`,
    });
  }
  return {
    tools: tools.map((t) => ({
      type: 'function',
      function: { name: t.name, ...(t.description !== undefined && { description: t.description }), parameters: t.parameters },
    })),
    warnings,
  };
}
