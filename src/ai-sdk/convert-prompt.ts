import type { AssistantContentPart, ImagePart, Message, ProviderMetadata, ToolResultPart, UserContentPart } from '../core/messages.js';
import type { SpecFileData, SpecFilePart, SpecMessage, SpecProviderOptions, SpecToolResultOutput, SpecWarning } from './spec-types.js';

/** An AI SDK file part as our image part, or undefined (with a warning) for what we cannot carry. */
function imageOf(part: SpecFilePart, warnings: SpecWarning[]): ImagePart | undefined {
  if (!part.mediaType.startsWith('image/')) {
    warnings.push({
      type: 'unsupported',
      feature: `file part (${part.mediaType})`,
      details: 'switchyard messages carry images only; the file was dropped',
    });
    return undefined;
  }
  const data: SpecFileData = part.data;
  if (data instanceof URL) return { type: 'image', url: data.toString(), mediaType: part.mediaType };
  if (data instanceof Uint8Array || typeof data === 'string') {
    // v3: a string is base64 data, unless it is a URL written as text.
    if (typeof data === 'string' && /^(https?:|data:)/.test(data)) return { type: 'image', url: data, mediaType: part.mediaType };
    return { type: 'image', data, mediaType: part.mediaType };
  }
  if (data.type === 'data') return { type: 'image', data: data.data, mediaType: part.mediaType };
  if (data.type === 'url') return { type: 'image', url: data.url.toString(), mediaType: part.mediaType };
  warnings.push({
    type: 'unsupported',
    feature: `file part (${data.type})`,
    details: 'provider file references and text files are not carried; the part was dropped',
  });
  return undefined;
}

/** AI SDK per-part provider options become our per-part provider metadata (e.g. a reasoning signature). */
function metadata(options: SpecProviderOptions | undefined): ProviderMetadata | undefined {
  if (!options) return undefined;
  const out: ProviderMetadata = {};
  for (const [kind, value] of Object.entries(options)) out[kind] = { ...value };
  return out;
}

function signatureOf(options: SpecProviderOptions | undefined): string | undefined {
  for (const value of Object.values(options ?? {})) {
    if (typeof value.signature === 'string') return value.signature;
  }
  return undefined;
}

function toolResult(toolCallId: string, toolName: string, output: SpecToolResultOutput): ToolResultPart {
  const base = { type: 'tool-result' as const, toolCallId, toolName };
  switch (output.type) {
    case 'text':
    case 'json':
      return { ...base, result: output.value };
    case 'error-text':
    case 'error-json':
      return { ...base, result: output.value, isError: true };
    case 'execution-denied':
      return { ...base, result: `Tool execution denied${output.reason ? `: ${output.reason}` : ''}`, isError: true };
    case 'content':
      return { ...base, result: output.value.map((p) => (p.type === 'text' ? (p.text ?? '') : `[${p.type}]`)).join('\n') };
  }
}

/** The AI SDK prompt as switchyard messages, plus a warning for each part that could not be carried. */
export function convertPrompt(prompt: SpecMessage[], warnings: SpecWarning[]): Message[] {
  const out: Message[] = [];
  for (const message of prompt) {
    switch (message.role) {
      case 'system':
        out.push({ role: 'system', content: message.content });
        break;
      case 'user': {
        const content: UserContentPart[] = [];
        for (const part of message.content) {
          if (part.type === 'text') content.push({ type: 'text', text: part.text });
          else {
            const image = imageOf(part, warnings);
            if (image) content.push(image);
          }
        }
        out.push({ role: 'user', content });
        break;
      }
      case 'assistant': {
        const content: AssistantContentPart[] = [];
        for (const part of message.content) {
          if (part.type === 'text') content.push({ type: 'text', text: part.text });
          else if (part.type === 'reasoning') {
            const signature = signatureOf(part.providerOptions);
            const meta = metadata(part.providerOptions);
            content.push({
              type: 'reasoning',
              text: part.text,
              ...(signature !== undefined && { signature }),
              ...(meta && { providerMetadata: meta }),
            });
          } else if (part.type === 'tool-call') {
            const meta = metadata(part.providerOptions);
            content.push({
              type: 'tool-call',
              toolCallId: part.toolCallId,
              toolName: part.toolName,
              args: part.input,
              ...(meta && { providerMetadata: meta }),
            });
          } else
            warnings.push({
              type: 'unsupported',
              feature: `assistant ${part.type} part`,
              details: 'not carried by switchyard messages; dropped',
            });
        }
        out.push({ role: 'assistant', content });
        break;
      }
      case 'tool': {
        const content: ToolResultPart[] = [];
        for (const part of message.content) {
          if (part.type === 'tool-result') content.push(toolResult(part.toolCallId, part.toolName, part.output));
          else
            warnings.push({
              type: 'unsupported',
              feature: `tool ${part.type} part`,
              details: 'not carried by switchyard messages; dropped',
            });
        }
        if (content.length > 0) out.push({ role: 'tool', content });
        break;
      }
    }
  }
  return out;
}
