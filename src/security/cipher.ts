import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { encodePath } from './paths.js';
import type { PathSegment } from './paths.js';

/** One sealed field: AES-256-GCM, base64 parts, bound to its path by the authenticated data. */
export interface SealedValue {
  $sealed: 'v1';
  /** 12 random bytes, fresh for every field. */
  iv: string;
  /** 16-byte GCM authentication tag. */
  tag: string;
  /** The ciphertext of the JSON-encoded value. */
  data: string;
  /** Present when the key was a passphrase: the scrypt salt (16 bytes). */
  kdf?: 'scrypt';
  salt?: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';
const FIELDS = new Set(['$sealed', 'iv', 'tag', 'data', 'kdf', 'salt']);

/** True for anything shaped like a sealed value (checked strictly by {@link parseSealed}). */
export function looksSealed(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && '$sealed' in value;
}

export function isSealedValue(value: unknown): value is SealedValue {
  return parseSealed(value) !== undefined;
}

/** Canonical base64 only: a changed character that decodes to the same bytes is still a change. */
function strictBase64(value: unknown, bytes?: number): Buffer | undefined {
  if (typeof value !== 'string') return undefined;
  const buf = Buffer.from(value, 'base64');
  if (buf.toString('base64') !== value) return undefined;
  if (bytes !== undefined && buf.length !== bytes) return undefined;
  return buf;
}

export interface ParsedSealed {
  iv: Buffer;
  tag: Buffer;
  data: Buffer;
  salt?: Buffer;
}

/** Decodes a sealed value, or undefined when any part is missing, unknown or not canonical. */
export function parseSealed(value: unknown): ParsedSealed | undefined {
  if (!looksSealed(value) || value.$sealed !== 'v1') return undefined;
  if (Object.keys(value).some((k) => !FIELDS.has(k))) return undefined;
  const iv = strictBase64(value.iv, IV_BYTES);
  const tag = strictBase64(value.tag, TAG_BYTES);
  const data = strictBase64(value.data);
  if (!iv || !tag || !data) return undefined;
  if (value.kdf === undefined && value.salt === undefined) return { iv, tag, data };
  const salt = strictBase64(value.salt, 16);
  if (value.kdf !== 'scrypt' || !salt) return undefined;
  return { iv, tag, data, salt };
}

function aad(path: ReadonlyArray<PathSegment>): Buffer {
  return Buffer.from(`switchyard.sealed.v1\n${encodePath(path)}`, 'utf8');
}

export function encrypt(plaintext: string, key: Buffer, path: ReadonlyArray<PathSegment>, salt?: Buffer): SealedValue {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(path));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const sealed: SealedValue = {
    $sealed: 'v1',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
  if (salt) {
    sealed.kdf = 'scrypt';
    sealed.salt = salt.toString('base64');
  }
  return sealed;
}

/** The plaintext, or undefined when authentication fails (wrong key, tampered, moved). */
export function decrypt(parsed: ParsedSealed, key: Buffer, path: ReadonlyArray<PathSegment>): string | undefined {
  try {
    const decipher = createDecipheriv(ALGORITHM, key, parsed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(path));
    decipher.setAuthTag(parsed.tag);
    return Buffer.concat([decipher.update(parsed.data), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
