import type { ProviderStreamPart } from '../../core/stream.js';
import { checkedPart } from './provider-output.js';

/** Parts that mean the model has started answering (after them, a fallback would be visible). */
export function isContentPart(part: ProviderStreamPart): boolean {
  return part.type !== 'stream-start' && part.type !== 'response-metadata';
}

/** Throws the provider's InvalidResponseError for a part the router cannot read (a custom provider's bug, not a crash). */
export function checkPart(part: ProviderStreamPart, from: { provider: string; model: string }): void {
  checkedPart(part, from);
}
