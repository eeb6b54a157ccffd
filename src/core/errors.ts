import { inspect } from 'node:util';
import { redact } from './redact.js';
import type { RoutingContext } from './request.js';
import type { Usage } from './usage.js';

const MARKER = Symbol.for('switchyard.error');

/** Every error code we throw. A discriminant for `switch (error.code)`. */
export type ErrorCode =
  | 'rate-limit'
  | 'authentication'
  | 'permission'
  | 'invalid-request'
  | 'context-length'
  | 'content-filter'
  | 'timeout'
  | 'abort'
  | 'provider-unavailable'
  | 'budget-exceeded'
  | 'no-route'
  | 'all-attempts-failed'
  | 'config'
  | 'circuit-open'
  | 'not-found'
  | 'invalid-response'
  | 'store-unavailable';

export interface ErrorOptions {
  message?: string;
  provider?: string;
  model?: string;
  statusCode?: number;
  /** The vendor's own error code or type, e.g. `context_length_exceeded`. */
  vendorCode?: string;
  cause?: unknown;
}

/**
 * Base of every error switchyard throws. Checkable across two installed copies of the package
 * with `SwitchyardError.isInstance(e)` / `RateLimitError.isInstance(e)`.
 * Messages pass through secret redaction; `toJSON()` and `util.inspect` never show `cause` internals.
 */
export abstract class SwitchyardError extends Error {
  readonly [MARKER] = true;
  abstract readonly code: ErrorCode;
  /** Worth retrying the same model. */
  abstract readonly retryable: boolean;
  /** Worth trying another model. */
  abstract readonly fallbackable: boolean;
  readonly provider?: string;
  readonly model?: string;
  readonly statusCode?: number;
  readonly vendorCode?: string;
  /**
   * Set by the router on the error a request finally fails with: the candidates and every
   * attempt (model, error, latency), so that nothing about a failed request is lost.
   */
  route?: RouteInfo;
  /**
   * The usage the vendor reported for the failed call, when it reported one before the failure (a
   * stream cut after its usage chunk, a 200 whose body is unreadable but carries `usage`). Set by
   * adapters, never an estimate: the router records it as a billed attempt.
   */
  reportedUsage?: Usage;

  constructor(defaultMessage: string, options: ErrorOptions = {}) {
    super(redact(options.message ?? defaultMessage), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options.provider !== undefined) this.provider = options.provider;
    if (options.model !== undefined) this.model = options.model;
    if (options.statusCode !== undefined) this.statusCode = options.statusCode;
    if (options.vendorCode !== undefined) this.vendorCode = redact(options.vendorCode);
    if (this.stack) this.stack = redact(this.stack);
  }

  static isInstance(error: unknown): error is SwitchyardError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      fallbackable: this.fallbackable,
    };
    if (this.provider !== undefined) out.provider = this.provider;
    if (this.model !== undefined) out.model = this.model;
    if (this.statusCode !== undefined) out.statusCode = this.statusCode;
    if (this.vendorCode !== undefined) out.vendorCode = this.vendorCode;
    if (this.reportedUsage !== undefined) out.reportedUsage = this.reportedUsage;
    return out;
  }

  /** `util.inspect` / console output: our fields only, the cause by class name and redacted message. */
  [inspect.custom](): string {
    const cause = this.cause instanceof Error ? ` (cause: ${this.cause.name}: ${redact(this.cause.message)})` : '';
    return `${redact(this.stack ?? `${this.name}: ${this.message}`)}${cause} ${inspect(this.toJSON())}`;
  }
}

function is<T extends SwitchyardError>(code: ErrorCode) {
  return (error: unknown): error is T => SwitchyardError.isInstance(error) && error.code === code;
}

export interface RateLimitErrorOptions extends ErrorOptions {
  /** How long the vendor (or our limiter) asks to wait, in ms. */
  retryAfterMs?: number;
  /** True when the limit is ours (a full local queue), not the vendor's. */
  local?: boolean;
}

export class RateLimitError extends SwitchyardError {
  readonly code = 'rate-limit' as const;
  readonly retryable = true;
  readonly fallbackable = true;
  readonly retryAfterMs?: number;
  readonly local: boolean;
  constructor(options: RateLimitErrorOptions = {}) {
    super('Rate limit exceeded', options);
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    this.local = options.local ?? false;
  }
  static override isInstance = is<RateLimitError>('rate-limit');
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs, local: this.local };
  }
}

export class AuthenticationError extends SwitchyardError {
  readonly code = 'authentication' as const;
  readonly retryable = false;
  readonly fallbackable = true;
  constructor(options: ErrorOptions = {}) {
    super('Authentication failed: the API key is missing, invalid or revoked', options);
  }
  static override isInstance = is<AuthenticationError>('authentication');
}

export class PermissionError extends SwitchyardError {
  readonly code = 'permission' as const;
  readonly retryable = false;
  readonly fallbackable = true;
  constructor(options: ErrorOptions = {}) {
    super('Permission denied for this model or resource', options);
  }
  static override isInstance = is<PermissionError>('permission');
}

export interface InvalidRequestErrorOptions extends ErrorOptions {
  /** Dotted path of the offending field, e.g. `messages[2].content[0].url`. */
  path?: string;
}

/** The request itself is wrong: another model would reject it too, so no fallback by default. */
export class InvalidRequestError extends SwitchyardError {
  readonly code = 'invalid-request' as const;
  readonly retryable = false;
  readonly fallbackable = false;
  readonly path?: string;
  readonly issues: ReadonlyArray<{ path: string; message: string }>;
  constructor(options: InvalidRequestErrorOptions & { issues?: Array<{ path: string; message: string }> } = {}) {
    super('Invalid request', options);
    if (options.path !== undefined) this.path = options.path;
    this.issues = options.issues ?? (options.path ? [{ path: options.path, message: this.message }] : []);
  }
  static override isInstance = is<InvalidRequestError>('invalid-request');
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), path: this.path, issues: this.issues };
  }
}

/** The prompt does not fit the model's context window; a larger model may take it. */
export class ContextLengthError extends SwitchyardError {
  readonly code = 'context-length' as const;
  readonly retryable = false;
  readonly fallbackable = true;
  constructor(options: ErrorOptions = {}) {
    super('The request exceeds the model context window', options);
  }
  static override isInstance = is<ContextLengthError>('context-length');
}

export class ContentFilterError extends SwitchyardError {
  readonly code = 'content-filter' as const;
  readonly retryable = false;
  readonly fallbackable = false;
  constructor(options: ErrorOptions = {}) {
    super('The request or response was blocked by a content filter', options);
  }
  static override isInstance = is<ContentFilterError>('content-filter');
}

export class TimeoutError extends SwitchyardError {
  readonly code = 'timeout' as const;
  readonly retryable = true;
  readonly fallbackable = true;
  readonly timeoutMs?: number;
  constructor(options: ErrorOptions & { timeoutMs?: number } = {}) {
    super(options.timeoutMs !== undefined ? `Timed out after ${options.timeoutMs} ms` : 'Timed out', options);
    if (options.timeoutMs !== undefined) this.timeoutMs = options.timeoutMs;
  }
  static override isInstance = is<TimeoutError>('timeout');
}

/** The caller aborted. Never retried, never falls back. */
export class AbortError extends SwitchyardError {
  readonly code = 'abort' as const;
  readonly retryable = false;
  readonly fallbackable = false;
  constructor(options: ErrorOptions = {}) {
    super('The request was aborted', options);
  }
  static override isInstance = is<AbortError>('abort');
}

/** 5xx, overloaded, network failure, a stream cut before its end. */
export class ProviderUnavailableError extends SwitchyardError {
  readonly code = 'provider-unavailable' as const;
  readonly retryable = true;
  readonly fallbackable = true;
  constructor(options: ErrorOptions = {}) {
    super('The provider is unavailable', options);
  }
  static override isInstance = is<ProviderUnavailableError>('provider-unavailable');
}

/** The vendor answered with something we cannot read (malformed JSON, a stream with no end). */
export class InvalidResponseError extends SwitchyardError {
  readonly code = 'invalid-response' as const;
  readonly retryable = true;
  readonly fallbackable = true;
  constructor(options: ErrorOptions = {}) {
    super('The provider returned a malformed response', options);
  }
  static override isInstance = is<InvalidResponseError>('invalid-response');
}

/** The model (or another resource) does not exist at this provider. */
export class NotFoundError extends SwitchyardError {
  readonly code = 'not-found' as const;
  readonly retryable = false;
  readonly fallbackable = true;
  constructor(options: ErrorOptions = {}) {
    super(options.model ? `Model "${options.model}" was not found` : 'Not found', options);
  }
  static override isInstance = is<NotFoundError>('not-found');
}

/** The target's circuit breaker is open: no call was made. */
export class CircuitOpenError extends SwitchyardError {
  readonly code = 'circuit-open' as const;
  readonly retryable = false;
  readonly fallbackable = true;
  constructor(options: ErrorOptions = {}) {
    super(options.model ? `The circuit breaker of "${options.model}" is open` : 'The circuit breaker is open', options);
  }
  static override isInstance = is<CircuitOpenError>('circuit-open');
}

export class BudgetExceededError extends SwitchyardError {
  readonly code = 'budget-exceeded' as const;
  readonly retryable = false;
  readonly fallbackable = false;
  readonly scope?: Record<string, string>;
  /** What the request would have reserved (its worst-case cost), micro-dollars, when known. */
  readonly requestedMicros?: number;
  /** What the budget had left (limit - spent - held) when it refused, micro-dollars. */
  readonly remainingMicros?: number;
  constructor(options: ErrorOptions & { scope?: Record<string, string>; requestedMicros?: number; remainingMicros?: number } = {}) {
    super('Budget exceeded', options);
    if (options.scope) this.scope = options.scope;
    if (options.requestedMicros !== undefined) this.requestedMicros = options.requestedMicros;
    if (options.remainingMicros !== undefined) this.remainingMicros = options.remainingMicros;
  }
  static override isInstance = is<BudgetExceededError>('budget-exceeded');
}

/** No candidate was eligible: nothing was called. */
export class NoRouteError extends SwitchyardError {
  readonly code = 'no-route' as const;
  readonly retryable = false;
  readonly fallbackable = false;
  readonly skipped: ReadonlyArray<SkippedCandidate>;
  constructor(options: ErrorOptions & { skipped?: SkippedCandidate[] } = {}) {
    super('No eligible model for this request', options);
    this.skipped = options.skipped ?? [];
  }
  static override isInstance = is<NoRouteError>('no-route');
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), skipped: this.skipped };
  }
}

/** Every candidate failed. `attempts` holds each try with its typed error. */
export class AllAttemptsFailedError extends SwitchyardError {
  readonly code = 'all-attempts-failed' as const;
  readonly retryable = false;
  readonly fallbackable = false;
  readonly attempts: ReadonlyArray<AttemptRecord>;
  readonly errors: ReadonlyArray<SwitchyardError>;
  constructor(attempts: AttemptRecord[], options: ErrorOptions = {}) {
    const errors = attempts.flatMap((a) => (a.error ? [a.error] : []));
    const summary = attempts.map((a) => `${a.model}#${a.try}: ${a.errorClass ?? 'ok'}${a.error ? ` (${a.error.message})` : ''}`).join('; ');
    super(`All ${attempts.length} attempt(s) failed: ${summary}`, options);
    this.attempts = attempts;
    this.errors = errors;
  }
  /** The error of the last attempt. */
  get lastError(): SwitchyardError | undefined {
    return this.errors[this.errors.length - 1];
  }
  static override isInstance = is<AllAttemptsFailedError>('all-attempts-failed');
  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      attempts: this.attempts.map((a) => ({ ...a, error: a.error?.toJSON() })),
    };
  }
}

export interface ConfigIssue {
  /** Dotted path in the options object, e.g. `models.fast.provider`. */
  path: string;
  message: string;
}

/** Bad configuration: thrown by `createRouter()` with every problem listed. */
export class ConfigError extends SwitchyardError {
  readonly code = 'config' as const;
  readonly retryable = false;
  readonly fallbackable = false;
  readonly issues: ReadonlyArray<ConfigIssue>;
  constructor(issues: ConfigIssue[], options: ErrorOptions = {}) {
    super(
      `Invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n'),
      options,
    );
    this.issues = issues.map((i) => ({ path: i.path, message: redact(i.message) }));
  }
  static override isInstance = is<ConfigError>('config');
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues };
  }
}

// The route a request took: it travels on the error a failed request ends with, and on every response.

/** One try at one model. Retries of the same model are separate attempts. */
export interface AttemptRecord {
  model: string;
  provider: string;
  /** 1-based index of this try at this model. */
  try: number;
  ok: boolean;
  latencyMs: number;
  /** The typed error of a failed attempt. */
  error?: SwitchyardError;
  /** Class name of the error, e.g. `RateLimitError`. */
  errorClass?: string;
}

/** Why a candidate was not tried. */
export type SkipReason =
  'disabled' | 'circuit-open' | 'lacks-capability' | 'context-too-small' | 'rate-limited' | 'over-budget' | 'dropped-by-strategy';

export interface SkippedCandidate {
  model: string;
  reason: SkipReason;
  /** Details, e.g. which capability is missing. */
  detail?: string;
}

export interface RouteInfo {
  /** The model alias that served the request. */
  model: string;
  /** The provider instance name. */
  provider: string;
  /** The vendor's model id. */
  providerModel: string;
  strategy: string;
  /** Index of the matching entry of `routes`, or undefined when the default applied. */
  routeIndex?: number;
  /** Candidate aliases in the order they were to be tried. */
  candidates: string[];
  fallbackUsed: boolean;
  /** True when the serving model is the configured `degradeTo` model. */
  degraded?: boolean;
  /** True when the session's pinned model was put first. */
  pinned?: boolean;
  attempts: AttemptRecord[];
  /** Candidates that were considered and not tried, with the reason. */
  skipped: SkippedCandidate[];
  context: RoutingContext;
}
