import { InvalidRequestError } from '../../core/errors.js';
import type { AssistantMessage, ImagePart, Message, ProviderMetadata, UserContentPart } from '../../core/messages.js';
import type { Warning } from '../../core/response.js';
import type { OpenAIChatQuirks } from './quirks.js';
import type { WireContentPart, WireMessage, WireToolCall } from './openai-api-types.js';

/** An image as the `image_url.url` OpenAI accepts: the URL itself, or a `data:` URL built from base64 or bytes. */
export function imageUrl(part: ImagePart): string {
  if (part.url !== undefined) return part.url;
  const data = part.data ?? '';
  if (typeof data === 'string' && data.startsWith('data:')) return data;
  const base64 = typeof data === 'string' ? data : Buffer.from(data).toString('base64');
  return `data:${part.mediaType ?? 'application/octet-stream'};base64,${base64}`;
}

function userContent(
  content: string | UserContentPart[],
  path: string,
  quirks: OpenAIChatQuirks,
  warnings: Warning[],
): string | WireContentPart[] {
  if (typeof content === 'string') return content;
  const out: WireContentPart[] = [];
  content.forEach((part, j) => {
    if (part.type === 'text') out.push({ type: 'text', text: part.text });
    else if (quirks.images) out.push({ type: 'image_url', image_url: { url: imageUrl(part) } });
    else
      warnings.push({
        type: 'unsupported-content',
        path: `${path}.content[${j}]`,
        message: 'This endpoint does not accept images; the image part was dropped',
      });
  });
  return out;
}

/** Tool arguments as the JSON string the wire carries (a string is taken as already serialised). */
function argumentsString(args: unknown): string {
  return typeof args === 'string' ? args : (JSON.stringify(args ?? {}) ?? '{}');
}

/**
 * The thought signature to send back on a tool call: the one this endpoint gave (kept under the
 * adapter's kind); an OpenAI-compatible endpoint (Gemini's) also gets one the Gemini adapter kept.
 */
function thoughtSignature(metadata: ProviderMetadata | undefined, kind: string | undefined): string | undefined {
  if (!metadata || kind === undefined) return undefined;
  const own = metadata[kind]?.thoughtSignature;
  if (typeof own === 'string' && own !== '') return own;
  const gemini = kind === 'openai-compatible' ? metadata.gemini?.thoughtSignature : undefined;
  return typeof gemini === 'string' && gemini !== '' ? gemini : undefined;
}

function assistantMessage(
  message: AssistantMessage,
  path: string,
  quirks: OpenAIChatQuirks,
  warnings: Warning[],
  kind: string | undefined,
): WireMessage {
  if (typeof message.content === 'string') return { role: 'assistant', content: message.content };
  let text = '';
  let reasoning = '';
  const toolCalls: WireToolCall[] = [];
  message.content.forEach((part, j) => {
    if (part.type === 'text') text += part.text;
    else if (part.type === 'tool-call') {
      const call: WireToolCall = {
        id: part.toolCallId,
        type: 'function',
        function: { name: part.toolName, arguments: argumentsString(part.args) },
      };
      const signature = thoughtSignature(part.providerMetadata, kind);
      if (signature !== undefined) call.extra_content = { google: { thought_signature: signature } };
      toolCalls.push(call);
    } else {
      reasoning += part.text;
      if (quirks.reasoningInput === 'drop') {
        warnings.push({
          type: 'unsupported-content',
          path: `${path}.content[${j}]`,
          message: 'This endpoint takes no reasoning input; the reasoning part was dropped',
        });
      }
    }
  });
  const out: WireMessage = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
  if (toolCalls.length > 0) out.tool_calls = toolCalls;
  const sendReasoning = quirks.reasoningInput === 'all' || (quirks.reasoningInput === 'tool-call-turns' && toolCalls.length > 0);
  if (reasoning !== '' && sendReasoning) out.reasoning_content = reasoning;
  return out;
}

/**
 * The unified conversation as Chat Completions messages: `system` first (then system messages
 * where they stand), user text and images, assistant text plus tool calls (arguments as JSON
 * strings), each tool result as its own `role: 'tool'` message (non-string results JSON-stringified).
 */
export function convertMessages(
  messages: Message[],
  system: string | undefined,
  quirks: OpenAIChatQuirks,
  warnings: Warning[],
  kind?: string,
): WireMessage[] {
  const systemRole = quirks.developerRole ? 'developer' : 'system';
  const out: WireMessage[] = [];
  if (system !== undefined && system !== '') out.push({ role: systemRole, content: system });
  messages.forEach((message, i) => {
    const path = `messages[${i}]`;
    switch (message.role) {
      case 'system':
        out.push({ role: systemRole, content: message.content });
        break;
      case 'user':
        out.push({ role: 'user', content: userContent(message.content, path, quirks, warnings) });
        break;
      case 'assistant':
        out.push(assistantMessage(message, path, quirks, warnings, kind));
        break;
      case 'tool':
        for (const part of message.content) {
          const content = typeof part.result === 'string' ? part.result : (JSON.stringify(part.result) ?? 'null');
          out.push({ role: 'tool', tool_call_id: part.toolCallId, content });
        }
        break;
      default: {
        const never: never = message;
        throw new InvalidRequestError({ path, message: `Unknown message role in ${JSON.stringify(never)}` });
      }
    }
  });
  return out;
}
