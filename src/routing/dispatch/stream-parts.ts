import { InvalidResponseError } from '../../core/errors.js';
import type { ProviderStreamPart } from '../../core/stream.js';

/** Parts that mean the model has started answering (after them, a fallback would be visible). */
export function isContentPart(part: ProviderStreamPart): boolean {
  return part.type !== 'stream-start' && part.type !== 'response-metadata';
}

const PART_TYPES = new Set<string>([
  'stream-start',
  'response-metadata',
  'text-delta',
  'reasoning-delta',
  'tool-call-delta',
  'tool-call',
  'finish',
] satisfies Array<ProviderStreamPart['type']>);

/** Throws the provider's InvalidResponseError for a part the router cannot read (a custom provider's bug, not a crash). */
export function checkPart(part: ProviderStreamPart, from: { provider: string; model: string }): void {
  if (part === null || typeof part !== 'object') throw malformed(from, 'a stream part that is not an object');
  if (!PART_TYPES.has(part.type))
    throw malformed(from, `an unknown stream part ${JSON.stringify(String((part as { type?: unknown }).type))}`);
  if ((part.type === 'text-delta' || part.type === 'reasoning-delta') && typeof part.delta !== 'string')
    throw malformed(from, `a ${part.type} part without a string delta`);
}

function malformed(from: { provider: string; model: string }, what: string): InvalidResponseError {
  return new InvalidResponseError({
    provider: from.provider,
    model: from.model,
    message: `Provider "${from.provider}" streamed ${what} for "${from.model}"`,
  });
}
