/**
 * Default `max_tokens` per model family. Anthropic requires `max_tokens` on every request; when the
 * caller sets no `params.maxTokens` we send the model's maximum output. Pure data so that a model
 * catalog can replace it later. Keys are matched as prefixes of the model id (dated snapshots such
 * as `claude-sonnet-4-5-20250929` match `claude-sonnet-4-5`); the longest matching key wins.
 */
export const DEFAULT_MAX_TOKENS: Readonly<Record<string, number>> = {
  'claude-opus-4-5': 64000,
  'claude-opus-4-1': 32000,
  'claude-opus-4': 32000,
  'claude-sonnet-4-5': 64000,
  'claude-sonnet-4': 64000,
  'claude-haiku-4-5': 64000,
  'claude-3-7-sonnet': 64000,
  'claude-3-5-sonnet': 8192,
  'claude-3-5-haiku': 8192,
  'claude-3-opus': 4096,
  'claude-3-haiku': 4096,
};

/** Used for a model id that matches no key above. */
export const FALLBACK_MAX_TOKENS = 4096;

export function defaultMaxTokens(model: string, table: Readonly<Record<string, number>> = DEFAULT_MAX_TOKENS): number {
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (model.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? FALLBACK_MAX_TOKENS : table[best]!;
}
