import { describe, expect, it } from 'vitest';
import { generateSealKey, openSecrets, sealSecrets, SealedConfigError } from '../../src/security/index.js';
import type { SealedConfigReason } from '../../src/security/index.js';
import { getAt, sampleConfig, SECRET_PATHS, SECRET_SEGMENTS, setAt } from './fixtures.js';

const key = generateSealKey();

function openError(sealed: unknown, k: Uint8Array | string = key): SealedConfigError {
  try {
    openSecrets(sealed, k);
  } catch (error) {
    expect(SealedConfigError.isInstance(error)).toBe(true);
    return error as SealedConfigError;
  }
  throw new Error('expected openSecrets to throw');
}

function expectOnly(error: SealedConfigError, path: string, reason: SealedConfigReason): void {
  expect(error.sealIssues.map((i) => [i.path, i.reason])).toEqual([[path, reason]]);
  expect(error.path).toBe(path);
  expect(error.message).toContain(path);
}

const PARTS = ['iv', 'tag', 'data'] as const;

describe('openSecrets detects a wrong key', () => {
  it('a different raw key names every sealed field', () => {
    const error = openError(sealSecrets(sampleConfig(), key), generateSealKey());
    expect(error.reason).toBe('wrong-key-or-tampered');
    expect(error.sealIssues.map((i) => i.path)).toEqual([...SECRET_PATHS]);
  });

  it('a wrong passphrase, or a passphrase for a raw-key seal (and vice versa)', () => {
    const byPass = sealSecrets(sampleConfig(), 'the right passphrase');
    expect(openError(byPass, 'the wrong passphrase').reason).toBe('wrong-key-or-tampered');
    expect(openError(byPass, key).reason).toBe('wrong-key-or-tampered');
    expect(openError(sealSecrets(sampleConfig(), key), 'a passphrase').reason).toBe('wrong-key-or-tampered');
  });

  it('refuses keys that are not 32 bytes, empty passphrases and other types', () => {
    for (const bad of [Buffer.alloc(16), new Uint8Array(33), '', 42 as unknown as string]) {
      expect(() => sealSecrets(sampleConfig(), bad)).toThrow(SealedConfigError);
      expect(() => openSecrets({}, bad)).toThrow(/32 bytes|passphrase/);
    }
  });
});

describe('openSecrets detects tampering, naming the field', () => {
  const sealed = sealSecrets(sampleConfig(), key);

  it('flipping any bit of any byte of iv, tag or data of any sealed field', () => {
    let checked = 0;
    SECRET_SEGMENTS.forEach((segments, f) => {
      for (const part of PARTS) {
        const bytes = Buffer.from(getAt(sealed, [...segments, part]) as string, 'base64');
        for (let i = 0; i < bytes.length; i++) {
          for (const bit of [0x01, 0x80]) {
            const copy = structuredClone(sealed);
            const flipped = Buffer.from(bytes);
            flipped[i] = (flipped[i] as number) ^ bit;
            setAt(copy, [...segments, part], flipped.toString('base64'));
            expectOnly(openError(copy), SECRET_PATHS[f] as string, 'wrong-key-or-tampered');
            checked++;
          }
        }
      }
    });
    expect(checked).toBeGreaterThan(500);
  });

  it('changing any character of the stored base64 text (including padding bits)', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const segments = SECRET_SEGMENTS[0] as ReadonlyArray<string | number>;
    for (const part of PARTS) {
      const text = getAt(sealed, [...segments, part]) as string;
      for (let i = 0; i < text.length; i++) {
        const replacement = alphabet[(alphabet.indexOf(text[i] as string) + 1) % 64] ?? 'A';
        const copy = structuredClone(sealed);
        setAt(copy, [...segments, part], text.slice(0, i) + replacement + text.slice(i + 1));
        expect(openError(copy).path).toBe(SECRET_PATHS[0]);
      }
    }
  });

  it('changing, removing or adding any property of a sealed value', () => {
    const path = ['tenants', 'acme', 'APIKEY'];
    const edits: Array<(v: Record<string, unknown>) => void> = [
      (v) => (v.$sealed = 'v2'),
      (v) => delete v.iv,
      (v) => delete v.tag,
      (v) => delete v.data,
      (v) => (v.kdf = 'scrypt'),
      (v) => (v.extra = 'x'),
      (v) => (v.data = ''),
      (v) => (v.iv = 12),
    ];
    for (const edit of edits) {
      const copy = structuredClone(sealed);
      edit(getAt(copy, path) as Record<string, unknown>);
      const error = openError(copy);
      expect(error.sealIssues).toHaveLength(1);
      expect(error.path).toBe('tenants.acme.APIKEY');
    }
  });

  it('renaming "$sealed" leaves plain data in a credential field: refused as not sealed', () => {
    const copy = structuredClone(sealed) as unknown as { providers: { claude: { apiKey: Record<string, unknown> } } };
    const { $sealed: _v, ...rest } = copy.providers.claude.apiKey;
    copy.providers.claude.apiKey = { $seaIed: 'v1', ...rest };
    expectOnly(openError(copy), 'providers.claude.apiKey', 'not-sealed');
  });

  it('flipping any byte of the salt of a passphrase-sealed field', () => {
    const byPass = sealSecrets({ a: { apiKey: 'pass-sealed-key-0123456789' }, b: { token: 'other-token-9876543210' } }, 'passphrase!');
    const salt = Buffer.from(byPass.a.apiKey.salt ?? '', 'base64');
    for (const i of [0, 7, 15]) {
      const copy = structuredClone(byPass);
      const flipped = Buffer.from(salt);
      flipped[i] = (flipped[i] as number) ^ 0x10;
      copy.a.apiKey.salt = flipped.toString('base64');
      expectOnly(openError(copy, 'passphrase!'), 'a.apiKey', 'wrong-key-or-tampered');
    }
    const stripped = structuredClone(byPass);
    delete stripped.b.token.salt;
    delete stripped.b.token.kdf;
    expectOnly(openError(stripped, 'passphrase!'), 'b.token', 'wrong-key-or-tampered');
  });
});

describe('a sealed value moved to another path is detected', () => {
  it('swapping two sealed fields names both', () => {
    const copy = structuredClone(sealSecrets(sampleConfig(), key));
    const a = copy.providers.gpt.apiKey;
    copy.providers.gpt.apiKey = copy.providers.claude.apiKey;
    copy.providers.claude.apiKey = a;
    const error = openError(copy);
    expect(error.sealIssues.map((i) => i.path)).toEqual(['providers.gpt.apiKey', 'providers.claude.apiKey']);
  });

  it('copying a sealed value into another field, even a non-credential one, or reordering an array', () => {
    const sealed = sealSecrets(sampleConfig(), key);
    const copy = structuredClone(sealed) as unknown as Record<string, Record<string, Record<string, unknown>>>;
    (copy.providers as Record<string, Record<string, unknown>>).local = {
      ...(copy.providers?.local ?? {}),
      apiKey: sealed.providers.gpt.apiKey,
    };
    expectOnly(openError(copy), 'providers.local.apiKey', 'wrong-key-or-tampered');

    const intoBaseUrl = structuredClone(sealed) as unknown as { providers: { gpt: { baseURL: unknown } } };
    intoBaseUrl.providers.gpt.baseURL = sealed.providers.claude.apiKey;
    expectOnly(openError(intoBaseUrl), 'providers.gpt.baseURL', 'wrong-key-or-tampered');

    const list = sealSecrets({ keys: [{ token: 'first-token-000000' }, { token: 'second-token-11111' }] }, key);
    const reordered = { keys: [list.keys[1], list.keys[0]] };
    expect(openError(reordered).sealIssues.map((i) => i.path)).toEqual(['keys[0].token', 'keys[1].token']);
  });
});
