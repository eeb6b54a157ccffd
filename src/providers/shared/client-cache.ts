import { keyForCall, type KeySource } from './key-source.js';

/**
 * The SDK client of an adapter, built on first need with the key in use and rebuilt when that key
 * changes (a resolver rotated it). A literal key never changes, so once its client is built every
 * call gets it without asking the key source again. A failed build is not kept: the next call
 * tries again. `required` makes a missing key an `AuthenticationError` before anything is sent.
 */
export function clientForKey<C>(
  keys: KeySource,
  ctx: { provider: string; required: boolean },
  build: (key: string | undefined) => Promise<C>,
): () => Promise<C> {
  let cached: { key: string | undefined; client: Promise<C> } | undefined;
  let built: Promise<C> | undefined;
  return async () => {
    if (built) return built;
    const key = await keyForCall(keys, ctx);
    if (!cached || cached.key !== key) {
      const entry = { key, client: build(key) };
      cached = entry;
      entry.client.then(
        () => {
          if (cached === entry && keys.type !== 'resolver') built = entry.client;
        },
        () => {
          if (cached === entry) cached = undefined;
        },
      );
    }
    return cached.client;
  };
}
