import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  AllAttemptsFailedError,
  AuthenticationError,
  ConfigError,
  ContextLengthError,
  InvalidRequestError,
  NotFoundError,
  PermissionError,
  ProviderUnavailableError,
  RateLimitError,
  SwitchyardError,
  TimeoutError,
} from '../../src/index.js';
import { errorFromStatus, parseRetryAfter } from '../../src/provider.js';
import { registerSecret } from '../../src/core/redact.js';

describe('error hierarchy', () => {
  it('says whether a retry or a fallback may help', () => {
    const table = [
      [new RateLimitError(), true, true],
      [new ProviderUnavailableError(), true, true],
      [new TimeoutError(), true, true],
      [new AuthenticationError(), false, true],
      [new ContextLengthError(), false, true],
      [new InvalidRequestError(), false, false],
      [new AbortError(), false, false],
    ] as const;
    for (const [error, retryable, fallbackable] of table) {
      expect([error.name, error.retryable, error.fallbackable]).toEqual([error.name, retryable, fallbackable]);
    }
  });

  it('isInstance works across two copies of the package (a marker, not the prototype)', () => {
    const foreign = Object.assign(new Error('from another copy'), { [Symbol.for('switchyard.error')]: true, code: 'rate-limit' });
    expect(SwitchyardError.isInstance(foreign)).toBe(true);
    expect(RateLimitError.isInstance(foreign)).toBe(true);
    expect(AuthenticationError.isInstance(foreign)).toBe(false);
    expect(SwitchyardError.isInstance(new Error('plain'))).toBe(false);
    expect(RateLimitError.isInstance(new RateLimitError())).toBe(true);
  });

  it('maps HTTP statuses the way every adapter does', () => {
    expect(errorFromStatus({ statusCode: 429, retryAfterMs: 1200 })).toMatchObject({ name: 'RateLimitError', retryAfterMs: 1200 });
    expect(
      errorFromStatus({ statusCode: 429, message: 'You exceeded your current quota, please check your plan and billing details.' }),
    ).toBeInstanceOf(PermissionError);
    expect(errorFromStatus({ statusCode: 401 })).toBeInstanceOf(AuthenticationError);
    expect(errorFromStatus({ statusCode: 404, model: 'gpt-9' }).message).toBe('Model "gpt-9" was not found');
    expect(errorFromStatus({ statusCode: 404 })).toBeInstanceOf(NotFoundError);
    expect(errorFromStatus({ statusCode: 400, vendorCode: 'context_length_exceeded' })).toBeInstanceOf(ContextLengthError);
    expect(errorFromStatus({ statusCode: 400, message: 'prompt is too long: 210000 tokens > 200000 maximum' })).toBeInstanceOf(
      ContextLengthError,
    );
    expect(errorFromStatus({ statusCode: 400, message: 'bad' })).toBeInstanceOf(InvalidRequestError);
    expect(errorFromStatus({ statusCode: 529 })).toBeInstanceOf(ProviderUnavailableError);
    expect(errorFromStatus({ statusCode: 503 })).toBeInstanceOf(ProviderUnavailableError);
  });

  it('reads retry-after-ms, retry-after seconds and HTTP dates', () => {
    const h = (o: Record<string, string>) => new Headers(o);
    expect(parseRetryAfter(h({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
    expect(parseRetryAfter(h({ 'retry-after': '2' }))).toBe(2000);
    expect(parseRetryAfter(h({ 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6000);
    expect(parseRetryAfter(h({}))).toBeUndefined();
    expect(parseRetryAfter(h({ 'retry-after': 'soon' }))).toBeUndefined();
  });

  it('never contains a registered key, nor a key-sized prefix of one, in message, stack, JSON or inspect', () => {
    const key = 'sk-proj-TESTKEY-abcdefghijklmnop1234567890';
    registerSecret(key);
    const e = new AuthenticationError({
      message: `Incorrect API key provided: ${key}. Also ${key.slice(0, 12)}`,
      provider: 'gpt',
      cause: new Error(`key ${key}`),
    });
    const outputs = [e.message, e.stack ?? '', JSON.stringify(e), inspect(e), String(e)];
    for (const out of outputs) {
      expect(out).not.toContain(key);
      expect(out).not.toContain(key.slice(0, 12));
    }
    expect(e.message).toContain('[REDACTED]');
  });

  it('masks well-known key formats it was never told about', () => {
    const e = new PermissionError({
      message: 'bad key AIzaSyA-unknownkey1234567890abcdef and sk-ant-api03-zzzzzzzzzzzz and Bearer abc.def.ghi123',
    });
    expect(e.message).not.toMatch(/AIzaSy|sk-ant|abc\.def/);
  });

  it('serialises to JSON with its fields (and AllAttemptsFailedError with its attempts)', () => {
    const inner = new RateLimitError({ provider: 'p', model: 'm', retryAfterMs: 5, statusCode: 429 });
    const all = new AllAttemptsFailedError([
      { model: 'm', provider: 'p', try: 1, ok: false, latencyMs: 3, error: inner, errorClass: 'RateLimitError' },
    ]);
    const json = JSON.parse(JSON.stringify(all)) as { attempts: Array<{ error: { code: string; retryAfterMs: number } }> };
    expect(json.attempts[0]!.error).toMatchObject({ code: 'rate-limit', retryAfterMs: 5 });
    expect(JSON.parse(JSON.stringify(new ConfigError([{ path: 'a.b', message: 'bad' }])))).toMatchObject({
      code: 'config',
      issues: [{ path: 'a.b', message: 'bad' }],
    });
    // What the vendor billed for a failed call survives serialisation (a log line keeps the cost).
    const billed = new RateLimitError({ provider: 'p', model: 'm' });
    billed.reportedUsage = { inputTokens: 12, outputTokens: 3, totalTokens: 15 };
    expect(JSON.parse(JSON.stringify(billed))).toMatchObject({ code: 'rate-limit', reportedUsage: { inputTokens: 12, totalTokens: 15 } });
    expect(JSON.parse(JSON.stringify(inner))).not.toHaveProperty('reportedUsage');
  });
});
