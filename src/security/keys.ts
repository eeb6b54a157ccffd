import { randomBytes, scryptSync } from 'node:crypto';
import { SealedConfigError } from './errors.js';

/** A raw 32-byte key (`Buffer` / `Uint8Array`), or a passphrase stretched with scrypt. */
export type SealKey = Uint8Array | string;

export const KEY_BYTES = 32;
export const SALT_BYTES = 16;

/** scrypt cost of format v1: N = 2^15, r = 8, p = 1 (about 32 MiB and ~50-100 ms per derivation). */
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

/** A fresh random 32-byte key for `sealSecrets`. Store it in a secret manager, never next to the sealed config. */
export function generateSealKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

function invalidKey(message: string): SealedConfigError {
  return new SealedConfigError([{ path: '(root)', reason: 'invalid-key', message }]);
}

/** Checks the key argument before any work, so that a wrong type fails fast and clearly. */
export function checkKey(key: SealKey): void {
  if (typeof key === 'string') {
    if (key.length === 0) throw invalidKey('the passphrase is empty');
    return;
  }
  if (!(key instanceof Uint8Array)) throw invalidKey('the key must be a 32-byte Buffer/Uint8Array or a passphrase string');
  if (key.length !== KEY_BYTES) throw invalidKey(`a raw key must be exactly ${KEY_BYTES} bytes (got ${key.length})`);
}

/**
 * Resolves the AES key for one seal/open call. Passphrases are stretched once per salt and cached
 * for the duration of the call only (the cache is dropped with the resolver).
 */
export class KeyResolver {
  readonly #key: SealKey;
  readonly #derived = new Map<string, Buffer>();

  constructor(key: SealKey) {
    checkKey(key);
    this.#key = key;
  }

  get isPassphrase(): boolean {
    return typeof this.#key === 'string';
  }

  /** The raw key, or the key derived from the passphrase with this salt. */
  keyFor(salt: Buffer | undefined): Buffer | undefined {
    if (typeof this.#key !== 'string') return Buffer.from(this.#key);
    if (!salt) return undefined;
    const id = salt.toString('base64');
    let derived = this.#derived.get(id);
    if (!derived) {
      derived = scryptSync(this.#key.normalize('NFC'), salt, KEY_BYTES, SCRYPT);
      this.#derived.set(id, derived);
    }
    return derived;
  }
}
