import type { SwitchyardError } from '../../core/errors.js';
import type { ModelInfo } from '../../core/model.js';
import type { ProviderCallOptions, ProviderRequest } from '../../core/request.js';
import type { FinishReason, Usage } from '../../core/usage.js';
import type { ApiKey } from '../shared/options.js';

/** Error classes a mock can fail with, by code. */
export type MockErrorKind =
  | 'rate-limit'
  | 'authentication'
  | 'permission'
  | 'invalid-request'
  | 'context-length'
  | 'content-filter'
  | 'timeout'
  | 'provider-unavailable'
  | 'not-found'
  | 'invalid-response';

/**
 * A scripted failure: an error kind (`'rate-limit'`), an HTTP-like status (`503`, mapped exactly as
 * the real adapters map it), an object with details, or a ready error instance.
 */
export type MockFailure =
  | MockErrorKind
  | number
  | { error?: MockErrorKind; status?: number; message?: string; retryAfterMs?: number; vendorCode?: string }
  | SwitchyardError;

export interface MockToolCall {
  name: string;
  args: unknown;
  /** Defaults to `call_<n>`. */
  id?: string;
}

/** One scripted answer. A plain string is a text reply. */
export type MockReply =
  | string
  | {
      text?: string;
      reasoning?: string;
      toolCalls?: MockToolCall[];
      /** Defaults to `tool-calls` when there are tool calls, else `stop`. */
      finishReason?: FinishReason;
      rawFinishReason?: string;
      /** Replaces the counted usage, field by field. */
      usage?: Partial<Usage>;
      id?: string;
      /** Explicit text chunks for streaming (default: split by word / CJK character pair). */
      chunks?: string[];
      /** Stream only: after K content events the connection is reset (a ProviderUnavailableError). */
      cutAfterChunks?: number;
      /** Stream only: after K content events the stream ends without a finish event. */
      truncateAfterChunks?: number;
      /** Overrides the provider's latency for this reply. */
      latencyMs?: number;
    }
  | { fail: MockFailure }
  /** Never answers; rejects with AbortError when the call is aborted. */
  | { hang: true };

export interface MockCall {
  /** 0-based index over all calls of this provider. */
  index: number;
  method: 'chat' | 'stream';
  /** The vendor model id the router asked for. */
  model: string;
  request: ProviderRequest;
  options: ProviderCallOptions;
  /** What the call ended with, once it has ended. */
  outcome: 'pending' | 'ok' | 'error' | 'aborted';
  error?: SwitchyardError;
  /** The key this call was made with (when the mock has an `apiKey`). */
  apiKey?: string;
}

export type MockReplyFunction = (request: ProviderRequest, call: MockCall) => MockReply | Promise<MockReply>;

export interface MockProviderOptions {
  /** Name used in errors (`error.provider`). Default `mock`. */
  name?: string;
  /**
   * What to answer: one reply (used for every call), a list (used in order; the last one repeats
   * unless `cycle` is set), or a function of the request (also as a list entry).
   * Default: echoes the last user message.
   */
  reply?: MockReply | MockReplyFunction | Array<MockReply | MockReplyFunction>;
  /** Go round the reply list instead of repeating its last entry. */
  cycle?: boolean;
  /** The first `times` calls fail with `with`, then the script runs. */
  failFirst?: { times: number; with: MockFailure };
  /** Each call fails with probability `probability`, drawn from a PRNG seeded with `seed` (default 1). */
  failRate?: { probability: number; with: MockFailure; seed?: number };
  /** Delay before the answer (or the first stream event): a number or a `{ min, max }` range drawn from the seeded PRNG. */
  latencyMs?: number | { min: number; max: number };
  /** Delay between stream events. */
  chunkDelayMs?: number;
  /** `counted` (default) estimates tokens from the text; `none` reports no usage at all (streams then get an estimate from the router). */
  usage?: 'counted' | 'none';
  /** Models reported by `listModels()`. */
  models?: Array<string | ModelInfo>;
  /** `validateCredentials()` outcome. Default true. */
  credentialsValid?: boolean;
  /** Seed of the PRNG used by `failRate` and ranged latency. Default 1. */
  seed?: number;
  /**
   * The key, as the real adapters take it: a string or a resolver. A resolver is called on the first
   * call and again by `rotateCredentials()` (never per call), exactly like the real adapters, and every
   * call records the key in use as `calls[i].apiKey`. `rotateCredentials()` answers `rotated` when the
   * resolver returns a key different from the one in use, `unchanged` when it returns the same one,
   * `unsupported` for a literal key or none.
   */
  apiKey?: ApiKey;
  /**
   * Keys the "vendor" refuses: a call made while the key in use is listed fails with an
   * `AuthenticationError` (status 401) before the reply script runs (no script entry is used). With a
   * resolver `apiKey` this simulates a revoked key and its rotation:
   *
   * ```ts
   * let key = 'key-old';
   * const p = mockProvider({ apiKey: () => key, rejectKeys: ['key-old'] });
   * // first call: AuthenticationError; then key = 'key-new'; rotateCredentials() -> 'rotated'; the retry succeeds
   * ```
   */
  rejectKeys?: ReadonlyArray<string>;
}
