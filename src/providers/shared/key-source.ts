import { registerSecret } from '../../core/redact.js';
import { AuthenticationError, SwitchyardError } from '../../core/errors.js';
import type { ApiKey } from './options.js';

/** What `rotateCredentials()` reports (see `LLMProvider.rotateCredentials`). */
export type RotationResult = 'rotated' | 'unchanged' | 'unsupported';

/**
 * Where an adapter gets its API key from. A literal key is used as is; a resolver is called when
 * the key is first needed (client creation) and again on `rotate()`, never behind the caller's back,
 * so that "the key in use" is always the key the adapter's calls carry. Adapters that cache a client
 * compare the key it was built with against {@link KeySource.inUse} and rebuild it when they differ.
 */
export interface KeySource {
  /** `none` (no key configured), `literal` (a string) or `resolver` (a function). */
  readonly type: 'none' | 'literal' | 'resolver';
  /**
   * Resolves the key now (a literal returns itself, a resolver is called), registers it for
   * redaction and remembers it as the key in use.
   */
  current(): Promise<string | undefined>;
  /** The key in use; resolves it with {@link current} the first time (and after a failed resolution). */
  inUse(): Promise<string | undefined>;
  /**
   * Re-resolves after an authentication failure. A literal or no key: `unsupported`. A resolver:
   * called once; a key different from the one in use becomes the key in use (`rotated`); the same
   * key is `unchanged` (the old key is never retried). A resolver that throws is `unchanged` too:
   * there is no new key to retry with. Concurrent calls share one resolution.
   */
  rotate(): Promise<RotationResult>;
  /** Every key this source has held (the literal one, or each one a resolver returned): what its errors must never show. */
  seen(): readonly string[];
}

export function createKeySource(apiKey: ApiKey | undefined): KeySource {
  if (typeof apiKey === 'string') registerSecret(apiKey);
  const seen = new Set<string>(typeof apiKey === 'string' && apiKey !== '' ? [apiKey] : []);
  const type = apiKey === undefined ? 'none' : typeof apiKey === 'function' ? 'resolver' : 'literal';
  let resolved: { key: string | undefined } | undefined;
  let pending: Promise<string | undefined> | undefined;
  let rotating: Promise<RotationResult> | undefined;

  async function resolve(): Promise<string | undefined> {
    const key = typeof apiKey === 'function' ? await apiKey() : apiKey;
    registerSecret(key);
    if (typeof key === 'string' && key !== '') seen.add(key);
    return key;
  }

  async function current(): Promise<string | undefined> {
    const key = await resolve();
    resolved = { key };
    return key;
  }

  function inUse(): Promise<string | undefined> {
    if (resolved) return Promise.resolve(resolved.key);
    // Concurrent first calls share one resolution; a failure is not cached.
    pending ??= current().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  async function doRotate(): Promise<RotationResult> {
    if (typeof apiKey !== 'function') return 'unsupported';
    const before = resolved?.key;
    let key: string | undefined;
    try {
      key = await resolve();
    } catch {
      return 'unchanged';
    }
    if (key === undefined || key === '' || (resolved !== undefined && key === before)) return 'unchanged';
    resolved = { key };
    return 'rotated';
  }

  return {
    type,
    current,
    inUse,
    seen: () => [...seen],
    rotate() {
      rotating ??= doRotate().finally(() => {
        rotating = undefined;
      });
      return rotating;
    },
  };
}

/**
 * The key in use for a call, with resolver failures typed: a `SwitchyardError` (e.g. the `ConfigError`
 * of `apiKeyFromEnv` for an unset variable) is passed on, anything else becomes an `AuthenticationError`.
 * With `required`, a missing key is an `AuthenticationError` too (no request is sent).
 */
export async function keyForCall(
  keys: KeySource,
  ctx: { provider: string; model?: string; required: boolean },
): Promise<string | undefined> {
  let key: string | undefined;
  try {
    key = await keys.inUse();
  } catch (cause) {
    if (SwitchyardError.isInstance(cause)) throw cause;
    throw new AuthenticationError({
      provider: ctx.provider,
      ...(ctx.model !== undefined && { model: ctx.model }),
      cause,
      message: `The apiKey resolver of provider "${ctx.provider}" failed`,
    });
  }
  if (ctx.required && (key === undefined || key === '')) {
    throw new AuthenticationError({
      provider: ctx.provider,
      ...(ctx.model !== undefined && { model: ctx.model }),
      message:
        `Provider "${ctx.provider}" has no API key: pass \`apiKey\` (a string or a resolver, e.g. apiKeyFromEnv(...)); ` +
        'environment variables are not read implicitly',
    });
  }
  return key === '' ? undefined : key;
}
