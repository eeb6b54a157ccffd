import type { AssistantMessage, Message, ToolResultPart, UserMessage } from '../../core/messages.js';
import { InvalidRequestError } from '../../core/errors.js';
import type { Warning } from '../../core/response.js';
import { imageToBase64 } from './convert-image.js';
import type { OllamaMessageOut, OllamaToolCallOut } from './ollama-api-types.js';

export interface ConvertedMessages {
  messages: OllamaMessageOut[];
  warnings: Warning[];
}

/** Tool arguments must be an object on the wire; a JSON string is parsed, anything else wrapped. */
export function toArgumentsObject(args: unknown): Record<string, unknown> {
  if (args === undefined || args === null) return {};
  if (typeof args === 'object' && !Array.isArray(args)) return args as Record<string, unknown>;
  if (typeof args === 'string') {
    try {
      const parsed: unknown = JSON.parse(args);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // Not JSON: sent wrapped below, the caller's value is not lost.
    }
  }
  return { value: args };
}

function toolResultContent(part: ToolResultPart): string {
  if (typeof part.result === 'string') return part.result;
  return JSON.stringify(part.result) ?? 'null';
}

function convertUser(message: UserMessage, index: number, warnings: Warning[]): OllamaMessageOut {
  if (typeof message.content === 'string') return { role: 'user', content: message.content };
  const texts: string[] = [];
  const images: string[] = [];
  message.content.forEach((part, j) => {
    if (part.type === 'text') {
      texts.push(part.text);
      return;
    }
    const image = imageToBase64(part);
    if (image.ok) images.push(image.base64);
    else {
      warnings.push({
        type: 'unsupported-content',
        path: `messages[${index}].content[${j}]`,
        message: `Ollama: dropped ${image.reason}`,
      });
    }
  });
  const out: OllamaMessageOut = { role: 'user', content: texts.join('\n') };
  if (images.length > 0) out.images = images;
  return out;
}

function convertAssistant(message: AssistantMessage): OllamaMessageOut {
  if (typeof message.content === 'string') return { role: 'assistant', content: message.content };
  let content = '';
  let thinking = '';
  const toolCalls: OllamaToolCallOut[] = [];
  for (const part of message.content) {
    if (part.type === 'text') content += part.text;
    else if (part.type === 'reasoning') thinking += part.text;
    else {
      toolCalls.push({
        id: part.toolCallId,
        function: { index: toolCalls.length, name: part.toolName, arguments: toArgumentsObject(part.args) },
      });
    }
  }
  const out: OllamaMessageOut = { role: 'assistant', content };
  if (thinking !== '') out.thinking = thinking;
  if (toolCalls.length > 0) out.tool_calls = toolCalls;
  return out;
}

/**
 * Unified conversation -> Ollama `messages`. The system prompt leads; system messages stay in
 * place as `system` turns; each tool result becomes its own `tool` turn with `tool_name` (and
 * `tool_call_id`, which newer servers read and older ones ignore); reasoning is sent back as
 * `thinking` on the assistant turn.
 */
export function convertMessages(system: string | undefined, messages: Message[]): ConvertedMessages {
  const out: OllamaMessageOut[] = [];
  const warnings: Warning[] = [];
  if (system !== undefined && system !== '') out.push({ role: 'system', content: system });
  messages.forEach((message, i) => {
    switch (message.role) {
      case 'system':
        out.push({ role: 'system', content: message.content });
        break;
      case 'user':
        out.push(convertUser(message, i, warnings));
        break;
      case 'assistant':
        out.push(convertAssistant(message));
        break;
      case 'tool':
        for (const part of message.content) {
          out.push({ role: 'tool', content: toolResultContent(part), tool_name: part.toolName, tool_call_id: part.toolCallId });
        }
        break;
      default: {
        const never: never = message;
        throw new InvalidRequestError({ path: `messages[${i}].role`, message: `Unknown message role: ${JSON.stringify(never)}` });
      }
    }
  });
  return { messages: out, warnings };
}
