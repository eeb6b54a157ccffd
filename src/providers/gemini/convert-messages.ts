import { InvalidRequestError } from '../../core/errors.js';
import type { AssistantContentPart, ImagePart, Message, ProviderMetadata, ToolResultPart, UserContentPart } from '../../core/messages.js';
import type { Warning } from '../../core/response.js';
import type { GeminiContent, GeminiPart } from './gemini-api-types.js';

export interface ConvertedMessages {
  contents: GeminiContent[];
  systemInstruction?: { parts: GeminiPart[] };
  warnings: Warning[];
}

/** The Gemini data we keep on parts under `providerMetadata.gemini`. */
export function geminiMetadata(meta: ProviderMetadata | undefined): { thoughtSignature?: string; functionCallId?: string } {
  const g = meta?.gemini;
  if (!g) return {};
  const out: { thoughtSignature?: string; functionCallId?: string } = {};
  if (typeof g.thoughtSignature === 'string') out.thoughtSignature = g.thoughtSignature;
  if (typeof g.functionCallId === 'string') out.functionCallId = g.functionCallId;
  return out;
}

const EXT_MIME: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
};

function imagePart(part: ImagePart, path: string, warnings: Warning[]): GeminiPart | undefined {
  if (part.data !== undefined) {
    if (!part.mediaType)
      throw new InvalidRequestError({ path: `${path}.mediaType`, message: `${path}: an image given as data needs a mediaType` });
    const data = typeof part.data === 'string' ? part.data : Buffer.from(part.data).toString('base64');
    return { inlineData: { mimeType: part.mediaType, data } };
  }
  const url = part.url ?? '';
  const dataUrl = /^data:([^;,]+)(;base64)?,(.*)$/s.exec(url);
  if (dataUrl) {
    const data = dataUrl[2] ? dataUrl[3]! : Buffer.from(decodeURIComponent(dataUrl[3]!)).toString('base64');
    return { inlineData: { mimeType: part.mediaType ?? dataUrl[1]!, data } };
  }
  if (/^(gs|https):\/\//i.test(url)) {
    const ext = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(url)?.[1]?.toLowerCase();
    const mimeType = part.mediaType ?? (ext ? EXT_MIME[ext] : undefined);
    return { fileData: { fileUri: url, ...(mimeType && { mimeType }) } };
  }
  warnings.push({
    type: 'unsupported-content',
    path,
    message: `${path}: Gemini takes images inline, from gs:// or from https:// URLs; "${url.slice(0, 40)}" was left out`,
  });
  return undefined;
}

function userParts(content: string | UserContentPart[], path: string, warnings: Warning[]): GeminiPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  const parts: GeminiPart[] = [];
  content.forEach((part, i) => {
    if (part.type === 'text') parts.push({ text: part.text });
    else {
      const p = imagePart(part, `${path}[${i}]`, warnings);
      if (p) parts.push(p);
    }
  });
  return parts;
}

function toArgs(args: unknown, path: string): Record<string, unknown> {
  if (args === undefined || args === null) return {};
  let value = args;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new InvalidRequestError({ path, message: `${path}: tool-call args must be a JSON object` });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRequestError({ path, message: `${path}: Gemini function call args must be a JSON object` });
  }
  return value as Record<string, unknown>;
}

function assistantParts(content: string | AssistantContentPart[], path: string): GeminiPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  const parts: GeminiPart[] = [];
  content.forEach((part, i) => {
    const meta = geminiMetadata(part.type === 'text' ? undefined : part.providerMetadata);
    switch (part.type) {
      case 'text':
        if (part.text !== '') parts.push({ text: part.text });
        break;
      case 'reasoning': {
        // Only a Gemini signature goes back: another vendor's signature would be rejected.
        const signature = meta.thoughtSignature;
        if (part.text === '' && signature) {
          // A signature that came on a non-thought part (Gemini 3 text): it goes back on that part.
          const prev = parts[parts.length - 1];
          if (prev && prev.thoughtSignature === undefined && prev.functionCall === undefined) prev.thoughtSignature = signature;
          else parts.push({ text: '', thoughtSignature: signature });
        } else if (part.text !== '') {
          parts.push({ text: part.text, thought: true, ...(signature && { thoughtSignature: signature }) });
        }
        break;
      }
      case 'tool-call':
        parts.push({
          functionCall: {
            name: part.toolName,
            args: toArgs(part.args, `${path}[${i}].args`),
            ...(meta.functionCallId && { id: meta.functionCallId }),
          },
          ...(meta.thoughtSignature && { thoughtSignature: meta.thoughtSignature }),
        });
        break;
    }
  });
  return parts;
}

/** Results that are not JSON objects are wrapped: `{ result }`, or `{ error }` when `isError`. */
function functionResponse(part: ToolResultPart, name: string, apiId: string | undefined): GeminiPart {
  const r = part.result;
  const isObject = typeof r === 'object' && r !== null && !Array.isArray(r);
  const response = part.isError ? { error: r } : isObject ? (r as Record<string, unknown>) : { result: r };
  return { functionResponse: { name, response, ...(apiId && { id: apiId }) } };
}

/**
 * Unified messages to Gemini `contents` and `systemInstruction`. Roles become `user` / `model`;
 * tool results are `user` turns; consecutive turns of the same role are merged (Gemini wants
 * the function responses of one model turn together). Tool results find their function name
 * through the earlier tool-call with the same `toolCallId`.
 */
export function convertMessages(messages: Message[], system: string | undefined): ConvertedMessages {
  const warnings: Warning[] = [];
  const systemParts: GeminiPart[] = [];
  if (system) systemParts.push({ text: system });
  const contents: GeminiContent[] = [];
  const calls = new Map<string, { name: string; apiId?: string }>();
  let seenTurn = false;

  const push = (role: GeminiContent['role'], parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  messages.forEach((message, m) => {
    const path = `messages[${m}].content`;
    switch (message.role) {
      case 'system':
        if (seenTurn) {
          warnings.push({
            type: 'other',
            path: `messages[${m}]`,
            message: `messages[${m}]: Gemini has one system instruction; this system message was moved into it`,
          });
        }
        if (message.content !== '') systemParts.push({ text: message.content });
        break;
      case 'user':
        seenTurn = true;
        push('user', userParts(message.content, path, warnings));
        break;
      case 'assistant':
        seenTurn = true;
        if (typeof message.content !== 'string') {
          for (const part of message.content) {
            if (part.type === 'tool-call') {
              const apiId = geminiMetadata(part.providerMetadata).functionCallId;
              calls.set(part.toolCallId, { name: part.toolName, ...(apiId && { apiId }) });
            }
          }
        }
        push('model', assistantParts(message.content, path));
        break;
      case 'tool':
        seenTurn = true;
        push(
          'user',
          message.content.map((part, i) => {
            const call = calls.get(part.toolCallId);
            const name = call?.name ?? part.toolName;
            if (!name) {
              throw new InvalidRequestError({
                path: `${path}[${i}].toolCallId`,
                message: `${path}[${i}]: no earlier tool call has id "${part.toolCallId}" and the result names no tool`,
              });
            }
            return functionResponse(part, name, call?.apiId);
          }),
        );
        break;
      default: {
        const never: never = message;
        throw new InvalidRequestError({ message: `Unknown message role in ${JSON.stringify(never)}` });
      }
    }
  });

  return { contents, warnings, ...(systemParts.length > 0 && { systemInstruction: { parts: systemParts } }) };
}
