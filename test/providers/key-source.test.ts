import { describe, expect, it } from 'vitest';
import { AuthenticationError, ConfigError } from '../../src/core/errors.js';
import { redact } from '../../src/core/redact.js';
import { createKeySource, keyForCall } from '../../src/providers/shared/key-source.js';

describe('createKeySource', () => {
  it('a literal key is returned as is, registered for redaction, and cannot rotate', async () => {
    const keys = createKeySource('literal-KEY-0123456789');
    expect(keys.type).toBe('literal');
    expect(await keys.current()).toBe('literal-KEY-0123456789');
    expect(await keys.inUse()).toBe('literal-KEY-0123456789');
    expect(redact('x literal-KEY-0123456789 y')).not.toContain('literal-KEY');
    expect(await keys.rotate()).toBe('unsupported');
  });

  it('no key: undefined, unsupported', async () => {
    const keys = createKeySource(undefined);
    expect(keys.type).toBe('none');
    expect(await keys.inUse()).toBeUndefined();
    expect(await keys.rotate()).toBe('unsupported');
  });

  it('a resolver is called on first need only, then on rotate; a new key is rotated, the same key unchanged', async () => {
    let key = 'resolver-key-AAAA-1111';
    let calls = 0;
    const keys = createKeySource(async () => {
      calls++;
      return key;
    });
    expect(keys.type).toBe('resolver');
    expect(await keys.inUse()).toBe('resolver-key-AAAA-1111');
    expect(await keys.inUse()).toBe('resolver-key-AAAA-1111');
    expect(calls).toBe(1);
    expect(redact('resolver-key-AAAA-1111')).toBe('[REDACTED]');

    expect(await keys.rotate()).toBe('unchanged');
    expect(calls).toBe(2);

    key = 'resolver-key-BBBB-2222';
    expect(await keys.inUse()).toBe('resolver-key-AAAA-1111'); // not re-resolved behind the caller's back
    expect(await keys.rotate()).toBe('rotated');
    expect(await keys.inUse()).toBe('resolver-key-BBBB-2222');
    expect(redact('resolver-key-BBBB-2222')).toBe('[REDACTED]');
    expect(await keys.rotate()).toBe('unchanged');
  });

  it('current() always resolves and remembers the key in use', async () => {
    let key = 'current-key-1-abcdefgh';
    const keys = createKeySource(() => key);
    expect(await keys.current()).toBe('current-key-1-abcdefgh');
    key = 'current-key-2-abcdefgh';
    expect(await keys.current()).toBe('current-key-2-abcdefgh');
    expect(await keys.inUse()).toBe('current-key-2-abcdefgh');
    expect(await keys.rotate()).toBe('unchanged');
  });

  it('concurrent first calls and concurrent rotations share one resolution', async () => {
    let calls = 0;
    let key = 'shared-key-1-abcdefgh';
    const keys = createKeySource(async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      return key;
    });
    await Promise.all([keys.inUse(), keys.inUse(), keys.inUse()]);
    expect(calls).toBe(1);
    key = 'shared-key-2-abcdefgh';
    const results = await Promise.all([keys.rotate(), keys.rotate(), keys.rotate()]);
    expect(results).toEqual(['rotated', 'rotated', 'rotated']);
    expect(calls).toBe(2);
  });

  it('a failing resolver is not cached on first need, and makes rotate() report unchanged', async () => {
    let fail = true;
    const keys = createKeySource(() => {
      if (fail) throw new Error('vault down');
      return 'vault-key-abcdefgh-1';
    });
    await expect(keys.inUse()).rejects.toThrow('vault down');
    fail = false;
    expect(await keys.inUse()).toBe('vault-key-abcdefgh-1');
    fail = true;
    expect(await keys.rotate()).toBe('unchanged');
    expect(await keys.inUse()).toBe('vault-key-abcdefgh-1');
  });

  it('a resolver returning an empty key does not rotate', async () => {
    let key = 'nonempty-key-abcdefgh';
    const keys = createKeySource(() => key);
    await keys.inUse();
    key = '';
    expect(await keys.rotate()).toBe('unchanged');
  });
});

describe('keyForCall', () => {
  it('types resolver failures: SwitchyardErrors pass, others become AuthenticationError', async () => {
    const config = new ConfigError([{ path: 'apiKey', message: 'unset' }]);
    await expect(
      keyForCall(
        createKeySource(() => Promise.reject(config)),
        { provider: 'p', required: true },
      ),
    ).rejects.toBe(config);
    const error = await keyForCall(
      createKeySource(() => Promise.reject(new Error('boom'))),
      { provider: 'p', required: true },
    ).catch((e: unknown) => e);
    expect(AuthenticationError.isInstance(error)).toBe(true);
  });

  it('a required missing key is an AuthenticationError that points at apiKeyFromEnv', async () => {
    const error = await keyForCall(createKeySource(undefined), { provider: 'p', required: true }).catch((e: unknown) => e);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('apiKeyFromEnv');
    expect(await keyForCall(createKeySource(undefined), { provider: 'p', required: false })).toBeUndefined();
  });
});
