import type { Message } from './messages.js';
import type { ProviderRequest } from './request.js';

// Han, Hiragana/Katakana, Hangul, CJK punctuation and full-width forms.
const CJK = /[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/g;

/**
 * Offline token estimate. CJK characters are about one token each in current BPE vocabularies;
 * other text is about four characters a token. Good to ~15% for budgeting and routing,
 * never used where a vendor reported real usage.
 */
export function estimateTextTokens(text: string): number {
  if (text.length === 0) return 0;
  const cjk = text.match(CJK)?.length ?? 0;
  return cjk + Math.ceil((text.length - cjk) / 4);
}

const PER_MESSAGE = 4;
const PER_IMAGE = 765; // a high-detail 1024x1024 tile set at OpenAI's rate; a conservative middle.

function messageTokens(message: Message): number {
  if (typeof message.content === 'string') return PER_MESSAGE + estimateTextTokens(message.content);
  let n = PER_MESSAGE;
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
      case 'reasoning':
        n += estimateTextTokens(part.text);
        break;
      case 'image':
        n += PER_IMAGE;
        break;
      case 'tool-call':
        n += estimateTextTokens(part.toolName) + estimateTextTokens(JSON.stringify(part.args) ?? '');
        break;
      case 'tool-result':
        n += estimateTextTokens(typeof part.result === 'string' ? part.result : (JSON.stringify(part.result) ?? ''));
        break;
    }
  }
  return n;
}

/** Estimated input tokens of a whole request: system, messages and tool schemas. */
export function estimateRequestTokens(request: Pick<ProviderRequest, 'messages' | 'system' | 'tools'>): number {
  let n = 3;
  if (request.system) n += PER_MESSAGE + estimateTextTokens(request.system);
  for (const m of request.messages) n += messageTokens(m);
  if (request.tools) for (const t of request.tools) n += estimateTextTokens(JSON.stringify(t));
  return n;
}
