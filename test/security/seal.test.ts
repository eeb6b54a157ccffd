import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { redact } from '../../src/core/redact.js';
import { generateSealKey, isSealedValue, openSecrets, sealSecrets, SealedConfigError } from '../../src/security/index.js';
import type { Sealed, SealedValue } from '../../src/security/index.js';
import { getAt, sampleConfig, SECRET_PATHS, SECRET_SEGMENTS, SECRET_STRINGS, setAt } from './fixtures.js';

const key = generateSealKey();

describe('sealSecrets / openSecrets round trip', () => {
  it('opens to exactly the original nested config with a raw 32-byte key', () => {
    const config = sampleConfig();
    const sealed = sealSecrets(config, key);
    expect(openSecrets(sealed, key)).toEqual(config);
    // Also through JSON, as it would be stored at rest.
    expect(openSecrets(JSON.parse(JSON.stringify(sealed)), key)).toEqual(JSON.parse(JSON.stringify(config)));
  });

  it('works with a Uint8Array key and with a passphrase (salt stored in each sealed field)', () => {
    const config = sampleConfig();
    const raw = new Uint8Array(key);
    expect(openSecrets(sealSecrets(config, raw), raw)).toEqual(config);

    const sealed = sealSecrets(config, 'correct horse battery staple');
    const field = sealed.providers.gpt.apiKey;
    expect(field.kdf).toBe('scrypt');
    expect(Buffer.from(field.salt ?? '', 'base64')).toHaveLength(16);
    expect(openSecrets(sealed, 'correct horse battery staple')).toEqual(config);
    expect(sealSecrets(config, key).providers.gpt.apiKey.salt).toBeUndefined();
  });

  it('replaces exactly the credential fields and leaves everything else readable and unchanged', () => {
    const config = sampleConfig();
    const sealed = sealSecrets(config, key) as unknown;
    for (const path of SECRET_SEGMENTS) expect(isSealedValue(getAt(sealed, path)), path.join('.')).toBe(true);
    // Put the originals back: the rest must be identical (so a sealed config diffs cleanly).
    const restored = structuredClone(sealed);
    for (const path of SECRET_SEGMENTS) setAt(restored, path, getAt(config, path));
    expect(restored).toEqual(config);
    expect(getAt(sealed, ['providers', 'local', 'apiKey'])).toBeUndefined();
    expect(getAt(sealed, ['providers', 'gpt', 'headers', 'X-Trace'])).toBe('on');
    expect(config.providers.gpt.apiKey).toBe(SECRET_STRINGS[0]); // the input is not mutated
  });

  it('uses a fresh IV per field and per call', () => {
    const a = sealSecrets(sampleConfig(), key);
    const b = sealSecrets(sampleConfig(), key);
    const ivs = [a, b].flatMap((s) => SECRET_SEGMENTS.map((p) => (getAt(s, p) as SealedValue).iv));
    expect(new Set(ivs).size).toBe(ivs.length);
  });

  it('never contains a plaintext secret, nor any 8-character substring of one, in the sealed JSON', () => {
    for (const k of [key, 'a passphrase for the test']) {
      const json = JSON.stringify(sealSecrets(sampleConfig(), k));
      for (const secret of SECRET_STRINGS) {
        for (let i = 0; i + 8 <= secret.length; i++) expect(json).not.toContain(secret.slice(i, i + 8));
      }
    }
  });

  it('registers every opened secret for redaction', () => {
    const config = { provider: { apiKey: 'fresh-secret-never-seen-before-0451' } };
    const sealed = sealSecrets(config, key);
    expect(redact('key=fresh-secret-never-seen-before-0451')).toContain('fresh-secret');
    openSecrets(sealed, key);
    expect(redact('key=fresh-secret-never-seen-before-0451')).toBe('key=[REDACTED]');
  });

  it('re-sealing a sealed config with the same key keeps sealed fields and seals new ones', () => {
    const sealed = sealSecrets(sampleConfig(), key);
    const edited = { ...sealed, extra: { apiKey: 'added-later-key-12345678' } };
    const resealed = sealSecrets(edited, key);
    expect(resealed.providers.gpt.apiKey).toEqual(sealed.providers.gpt.apiKey);
    expect(isSealedValue(resealed.extra.apiKey)).toBe(true);
    expect(openSecrets(resealed, key)).toEqual({ ...sampleConfig(), extra: { apiKey: 'added-later-key-12345678' } });
    expect(() => sealSecrets(edited, generateSealKey())).toThrow(SealedConfigError);
  });

  it('seals extra field names on request', () => {
    const sealed = sealSecrets({ oauth: { clientSecret: 'cs-0123456789abcdef' } }, key, { fields: ['clientSecret'] });
    expect(isSealedValue(sealed.oauth.clientSecret)).toBe(true);
    expect(openSecrets(sealed, key, { fields: ['clientSecret'] })).toEqual({ oauth: { clientSecret: 'cs-0123456789abcdef' } });
  });

  it('types: Sealed<T> swaps credentials for SealedValue and openSecrets gives T back', () => {
    const config = sampleConfig();
    const sealed = sealSecrets(config, key);
    expectTypeOf(sealed).toEqualTypeOf<Sealed<typeof config>>();
    expectTypeOf(sealed.providers.gpt.apiKey).toEqualTypeOf<SealedValue>();
    expectTypeOf(sealed.providers.gpt.headers['x-api-key']).toEqualTypeOf<SealedValue>();
    expectTypeOf(sealed.providers.gpt.baseURL).toEqualTypeOf<string>();
    expectTypeOf(openSecrets(sealed, key)).toEqualTypeOf<typeof config>();
    expectTypeOf(openSecrets<{ a: string }>(JSON.parse('{}') as unknown, key)).toEqualTypeOf<{ a: string }>();
    expect(SECRET_PATHS).toHaveLength(SECRET_SEGMENTS.length);
  });

  it('SealedConfigError is a ConfigError (code "config") checkable across copies', () => {
    const error = (() => {
      try {
        openSecrets(sealSecrets(sampleConfig(), key), generateSealKey());
      } catch (e) {
        return e;
      }
    })();
    expect(SealedConfigError.isInstance(error)).toBe(true);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(SealedConfigError.isInstance(new ConfigError([]))).toBe(false);
    const e = error as SealedConfigError;
    expect(e.code).toBe('config');
    expect(e.issues.map((i) => i.path)).toEqual([...SECRET_PATHS]);
    const printed = JSON.stringify(e.toJSON()) + e.message + String(e.stack);
    for (const secret of SECRET_STRINGS) expect(printed).not.toContain(secret);
  });
});
