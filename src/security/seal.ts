import { randomBytes } from 'node:crypto';
import { isLLMProvider } from '../core/provider.js';
import { registerSecret } from '../core/redact.js';
import { decrypt, encrypt, looksSealed, parseSealed } from './cipher.js';
import { SealedConfigError } from './errors.js';
import type { SealedConfigIssue } from './errors.js';
import { KeyResolver, SALT_BYTES } from './keys.js';
import type { SealKey } from './keys.js';
import { formatPath, isCredentialPath } from './paths.js';
import type { PathSegment } from './paths.js';
import type { Sealed } from './types.js';

export interface SealOptions {
  /** More property names (case-insensitive) to treat as credentials, e.g. `['clientSecret']`. */
  fields?: string[];
}

export interface OpenOptions {
  /** Same as for sealing: extra credential property names. */
  fields?: string[];
  /**
   * Accept credential fields that hold plain text instead of a sealed value. Off by default, so
   * that a sealed key replaced by someone else's plain key is noticed.
   */
  allowPlaintext?: boolean;
}

type Path = ReadonlyArray<PathSegment>;

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function extra(fields: string[] | undefined): ReadonlySet<string> {
  return new Set((fields ?? []).map((f) => f.toLowerCase()));
}

/** Why a value cannot be stored as JSON, or undefined when it can. */
function unsealable(value: unknown): string | undefined {
  if (typeof value === 'function') {
    return 'a function (e.g. an apiKey resolver) cannot be sealed: seal plain configuration data and attach resolvers after openSecrets()';
  }
  if (typeof value === 'bigint' || typeof value === 'symbol') return `a ${typeof value} is not JSON data and cannot be sealed`;
  if (typeof value === 'object' && value !== null) {
    if (isLLMProvider(value)) {
      return 'a provider instance cannot be sealed: seal its options (apiKey, baseURL, headers) and build the provider after openSecrets()';
    }
    if (!Array.isArray(value) && !isPlainObject(value))
      return `a ${value.constructor?.name ?? 'class'} instance is not plain JSON data and cannot be sealed`;
  }
  return undefined;
}

/**
 * Encrypts every credential field of `config` (AES-256-GCM, a fresh IV per field, each bound to its
 * path) and returns a copy in which everything else is unchanged and readable. `config` must be
 * plain JSON data: functions and provider instances are refused with a {@link SealedConfigError}
 * naming their path. Synchronous; with a passphrase, scrypt runs once per call.
 */
export function sealSecrets<T>(config: T, key: SealKey, options: SealOptions = {}): Sealed<T> {
  const keys = new KeyResolver(key);
  const salt = keys.isPassphrase ? randomBytes(SALT_BYTES) : undefined;
  const aesKey = keys.keyFor(salt) as Buffer;
  const fields = extra(options.fields);
  const issues: SealedConfigIssue[] = [];
  const ancestors = new Set<object>();

  const visit = (value: unknown, path: Path): unknown => {
    if (value === null || value === undefined) return value;
    if (looksSealed(value)) {
      // Already sealed (a re-seal after editing other fields): keep it if this key opens it.
      const parsed = parseSealed(value);
      const k = parsed && keys.keyFor(parsed.salt);
      if (!parsed || !k || decrypt(parsed, k, path) === undefined) {
        issues.push({
          path: formatPath(path),
          reason: 'wrong-key-or-tampered',
          message: 'an already sealed value does not open with this key',
        });
      }
      return { ...value };
    }
    const problem = unsealable(value);
    if (problem) {
      issues.push({ path: formatPath(path), reason: 'unsealable', message: problem });
      return undefined;
    }
    if (isCredentialPath(path, fields)) {
      const before = issues.length;
      checkJson(value, path, issues, new Set());
      return issues.length > before ? undefined : encrypt(JSON.stringify(value), aesKey, path, salt);
    }
    if (typeof value !== 'object') return value;
    if (ancestors.has(value)) {
      issues.push({ path: formatPath(path), reason: 'unsealable', message: 'circular reference' });
      return undefined;
    }
    ancestors.add(value);
    const out = Array.isArray(value)
      ? value.map((item, i) => visit(item, [...path, i]))
      : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, [...path, k])]));
    ancestors.delete(value);
    return out;
  };

  const sealed = visit(config, []);
  if (issues.length > 0) throw new SealedConfigError(issues);
  return sealed as Sealed<T>;
}

/** Checks that a credential value (possibly an object) is JSON data before encrypting it. */
function checkJson(value: unknown, path: Path, issues: SealedConfigIssue[], ancestors: Set<object>): void {
  const problem = unsealable(value);
  if (problem) {
    issues.push({ path: formatPath(path), reason: 'unsealable', message: problem });
    return;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    issues.push({ path: formatPath(path), reason: 'unsealable', message: 'a non-finite number is not JSON data' });
  }
  if (typeof value !== 'object' || value === null) return;
  if (ancestors.has(value)) {
    issues.push({ path: formatPath(path), reason: 'unsealable', message: 'circular reference' });
    return;
  }
  ancestors.add(value);
  for (const [k, v] of Object.entries(value)) checkJson(v, [...path, Array.isArray(value) ? Number(k) : k], issues, ancestors);
  ancestors.delete(value);
}

/** Registers every string inside an opened value, so that it can never be printed by us. */
function registerAll(value: unknown): void {
  if (typeof value === 'string') registerSecret(value);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) registerAll(v);
}

/**
 * Decrypts every sealed value of `sealed` and returns the plain configuration. Each opened secret is
 * registered for redaction. A wrong key, a changed byte, a sealed value moved to another field or a
 * credential left in plain text throws a {@link SealedConfigError} naming every failing path; the
 * error never contains plaintext.
 */
export function openSecrets<T>(sealed: Sealed<T>, key: SealKey, options?: OpenOptions): T;
export function openSecrets<T = unknown>(sealed: unknown, key: SealKey, options?: OpenOptions): T;
export function openSecrets(sealed: unknown, key: SealKey, options: OpenOptions = {}): unknown {
  const keys = new KeyResolver(key);
  const fields = extra(options.fields);
  const issues: SealedConfigIssue[] = [];

  const open = (value: Record<string, unknown>, path: Path): unknown => {
    const where = formatPath(path);
    const parsed = parseSealed(value);
    if (!parsed) {
      issues.push({ path: where, reason: 'malformed', message: 'not a well-formed sealed value (version, fields or base64 changed)' });
      return undefined;
    }
    const aesKey = keys.keyFor(parsed.salt);
    if (!aesKey) {
      issues.push({
        path: where,
        reason: 'wrong-key-or-tampered',
        message: 'sealed with a raw key, but a passphrase was given (or its salt was removed)',
      });
      return undefined;
    }
    const text = decrypt(parsed, aesKey, path);
    if (text === undefined) {
      issues.push({
        path: where,
        reason: 'wrong-key-or-tampered',
        message: 'cannot be opened: wrong key, or the sealed value was changed or moved from another field',
      });
      return undefined;
    }
    const plain: unknown = JSON.parse(text);
    registerAll(plain);
    return plain;
  };

  const visit = (value: unknown, path: Path): unknown => {
    if (looksSealed(value)) return open(value, path);
    if (value === null || value === undefined) return value;
    if (isCredentialPath(path, fields)) {
      if (!options.allowPlaintext) {
        issues.push({
          path: formatPath(path),
          reason: 'not-sealed',
          message: 'a credential field holds a plain value where a sealed value was expected',
        });
        return undefined;
      }
      registerAll(value);
    }
    if (typeof value !== 'object' || (!Array.isArray(value) && !isPlainObject(value))) return value;
    return Array.isArray(value)
      ? value.map((item, i) => visit(item, [...path, i]))
      : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, [...path, k])]));
  };

  const opened = visit(sealed, []);
  if (issues.length > 0) throw new SealedConfigError(issues);
  return opened;
}
