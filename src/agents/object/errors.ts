import type { z } from 'zod';
import { SwitchyardError, type ErrorOptions } from '../../core/errors.js';
import type { AttemptRecord } from '../../core/response.js';

const MARKER = Symbol.for('switchyard.object-validation-error');

/** One try of `router.object()` / `router.streamObject()`: a model's answer and what came of it. */
export interface ObjectTry {
  model: string;
  provider?: string;
  /** How structured output was asked for. */
  mode: 'native' | 'prompt';
  /** True for a re-ask of the same model with the validation issues. */
  repair: boolean;
  ok: boolean;
  /** The raw answer text (absent when the call itself failed). */
  text?: string;
  /** Validation issues of the answer. */
  issues?: ReadonlyArray<z.core.$ZodIssue>;
  /** The call's error, when the model failed rather than answered. */
  error?: SwitchyardError;
}

export interface ObjectValidationErrorOptions extends ErrorOptions {
  issues: ReadonlyArray<z.core.$ZodIssue>;
  text: string;
  tries?: ObjectTry[];
  attempts?: AttemptRecord[];
}

/**
 * The model's answer did not validate against the schema. Thrown by `router.object()` when no try
 * (repairs and fallbacks included) produced a valid object; also recorded in `route.attempts` for
 * each answer that failed validation. `code` is `invalid-response` (the answer, not the request, is wrong).
 */
export class ObjectValidationError extends SwitchyardError {
  readonly [MARKER] = true;
  readonly code = 'invalid-response' as const;
  readonly retryable = true;
  readonly fallbackable = true;
  /** The zod issues of the last answer that failed validation (a parse failure is one `custom` issue). */
  readonly issues: ReadonlyArray<z.core.$ZodIssue>;
  /** The raw text of that answer. */
  readonly text: string;
  /** Every try, in order (set on the error thrown at the end). */
  readonly tries: ReadonlyArray<ObjectTry>;
  /** Every vendor attempt and every failed validation, in order (set on the error thrown at the end). */
  readonly attempts: ReadonlyArray<AttemptRecord>;

  constructor(options: ObjectValidationErrorOptions) {
    const first = options.issues[0];
    const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
    super(`The answer did not match the schema (${options.issues.length} issue(s))${first ? `: ${first.message}${where}` : ''}`, options);
    this.issues = options.issues;
    this.text = options.text;
    this.tries = options.tries ?? [];
    this.attempts = options.attempts ?? [];
  }

  static override isInstance(error: unknown): error is ObjectValidationError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      issues: this.issues.map((i) => ({ code: i.code, path: i.path, message: i.message })),
      tries: this.tries.length,
    };
  }
}
