import { ConfigError } from '../core/errors.js';
import type { ErrorOptions } from '../core/errors.js';

const SEALED_MARKER = Symbol.for('switchyard.sealed-config-error');

/** Why a configuration could not be sealed or opened. */
export type SealedConfigReason =
  /** Authentication failed: wrong key, a changed byte of iv/tag/data/salt, or a value moved to another path. */
  | 'wrong-key-or-tampered'
  /** The value is not a well-formed sealed value (bad version, bad base64, missing part). */
  | 'malformed'
  /** A credential field holds plain text where `openSecrets` expects a sealed value. */
  | 'not-sealed'
  /** A function (key resolver), provider instance or other non-JSON value cannot be sealed. */
  | 'unsealable'
  /** The key is not a 32-byte buffer nor a non-empty passphrase. */
  | 'invalid-key';

export interface SealedConfigIssue {
  /** Dotted path of the field, e.g. `providers.gpt.apiKey` (`(root)` for the key itself). */
  path: string;
  reason: SealedConfigReason;
  message: string;
}

/**
 * Sealing or opening a configuration failed. A {@link ConfigError} (code `config`), so hosts that
 * already handle bad configuration handle this too; `path` names the first failing field and
 * `sealIssues` every one. Never carries any plaintext or key material.
 */
export class SealedConfigError extends ConfigError {
  readonly [SEALED_MARKER] = true;
  /** Path of the first failing field. */
  readonly path: string;
  readonly reason: SealedConfigReason;
  readonly sealIssues: ReadonlyArray<SealedConfigIssue>;

  constructor(issues: SealedConfigIssue[], options: ErrorOptions = {}) {
    const first = issues[0] ?? { path: '(root)', reason: 'malformed' as const, message: 'unknown failure' };
    super(
      issues.map((i) => ({ path: i.path, message: i.message })),
      {
        message:
          issues.length === 1
            ? `Sealed configuration: ${first.path}: ${first.message}`
            : `Sealed configuration (${issues.length} fields): ` + issues.map((i) => `${i.path}: ${i.message}`).join('; '),
        ...options,
      },
    );
    this.path = first.path;
    this.reason = first.reason;
    this.sealIssues = issues;
  }

  static override isInstance = (error: unknown): error is SealedConfigError =>
    ConfigError.isInstance(error) && (error as unknown as Record<symbol, unknown>)[SEALED_MARKER] === true;

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), path: this.path, reason: this.reason, sealIssues: this.sealIssues };
  }
}
