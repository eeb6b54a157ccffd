import { AllAttemptsFailedError, SwitchyardError } from '../../core/errors.js';
import type { RoutingContext } from '../../core/request.js';
import type { AttemptRecord, RouteInfo } from '../../core/response.js';
import type { JSONValue } from '../../core/tools.js';
import type { Cost, FinishReason, Usage } from '../../core/usage.js';
import type { RequestKind } from '../events.js';
import type { AuditContentInput } from './content.js';
import type { AuditAttempt, AuditControlAction, AuditControlEntry, AuditOutcome, AuditRequestEntry, AuditWho } from './types.js';

/** What the router knows when a request ends. Build it with `auditFromResponse` / `auditFromError`, or by hand. */
export interface AuditRequestInput extends AuditContentInput {
  requestId: string;
  kind?: RequestKind;
  /** Who asked (defaults to `route.context`). */
  context?: RoutingContext;
  route?: RouteInfo;
  /** Defaults to `error` when `error` is set (`aborted` for an AbortError), else `success`. */
  outcome?: AuditOutcome;
  usage?: Usage;
  cost?: Cost;
  finishReason?: FinishReason;
  latencyMs?: number;
  /** The error the caller received. Only its class and code are stored. */
  error?: unknown;
  /** Defaults to `route.attempts`, else the attempts of an `AllAttemptsFailedError` / `error.route`. */
  attempts?: ReadonlyArray<AttemptRecord>;
  time?: Date | number;
}

export interface AuditControlInput {
  action: AuditControlAction;
  /** Who did it. Stored as `'unknown'` when not given. */
  actor?: string;
  /** The provider, model, tenant or budget scope acted upon. */
  target: string;
  /** The chain to record it in; defaults to `target` for `tenant-set` / `tenant-remove`, else none. */
  tenant?: string;
  reason?: string;
  /** Extra data, e.g. the new budget. Credential fields are replaced, strings redacted. */
  details?: Record<string, unknown>;
  time?: Date | number;
}

type Body<E> = Omit<E, 'v' | 'seq' | 'prevHash' | 'hash' | 'logSeq'>;

function iso(time: Date | number | undefined, now: () => Date): string {
  return (time === undefined ? now() : new Date(time)).toISOString();
}

function errorInfo(error: unknown): { errorClass?: string; errorCode?: SwitchyardError['code'] } {
  if (error === undefined) return {};
  if (SwitchyardError.isInstance(error)) return { errorClass: error.name, errorCode: error.code };
  return { errorClass: error instanceof Error ? error.name : typeof error };
}

function attempt(a: AttemptRecord): AuditAttempt {
  const out: AuditAttempt = { model: a.model, provider: a.provider, try: a.try, ok: a.ok, latencyMs: a.latencyMs };
  const info = errorInfo(a.error);
  const errorClass = a.errorClass ?? info.errorClass;
  if (errorClass !== undefined) out.errorClass = errorClass;
  if (info.errorCode !== undefined) out.errorCode = info.errorCode;
  return out;
}

function attemptsOf(input: AuditRequestInput): ReadonlyArray<AttemptRecord> {
  if (input.attempts) return input.attempts;
  if (input.route) return input.route.attempts;
  if (AllAttemptsFailedError.isInstance(input.error)) return input.error.attempts;
  if (SwitchyardError.isInstance(input.error) && input.error.route) return input.error.route.attempts;
  return [];
}

function who(context: RoutingContext | undefined): AuditWho {
  const out: AuditWho = {};
  if (!context) return out;
  for (const k of ['tenant', 'user', 'agent', 'session'] as const) if (context[k] !== undefined) out[k] = context[k];
  if (context.tags !== undefined) out.tags = [...context.tags];
  return out;
}

/** The entry body of a request, before content, redaction and chaining. */
export function requestBody(input: AuditRequestInput, now: () => Date): Body<AuditRequestEntry> {
  const route = input.route ?? (SwitchyardError.isInstance(input.error) ? input.error.route : undefined);
  const context = input.context ?? route?.context;
  const attempts = attemptsOf(input).map(attempt);
  const last = attempts[attempts.length - 1];
  const { errorClass, errorCode } = errorInfo(input.error);
  const outcome = input.outcome ?? (input.error === undefined ? 'success' : errorCode === 'abort' ? 'aborted' : 'error');
  const body: Body<AuditRequestEntry> = {
    type: 'request',
    tenant: context?.tenant ?? null,
    time: iso(input.time, now),
    who: who(context),
    requestId: input.requestId,
    outcome,
    attempts,
    fallbackUsed: route?.fallbackUsed ?? new Set(attempts.map((a) => a.model)).size > 1,
  };
  const optional: Partial<Body<AuditRequestEntry>> = {
    kind: input.kind,
    model: route?.model ?? last?.model,
    provider: route?.provider ?? last?.provider,
    providerModel: route?.providerModel,
    strategy: route?.strategy,
    finishReason: input.finishReason,
    errorClass,
    errorCode,
    latencyMs: input.latencyMs,
  };
  if (input.usage) {
    const u = input.usage;
    optional.tokens = {
      input: u.inputTokens,
      output: u.outputTokens,
      total: u.totalTokens,
      cachedInput: u.cachedInputTokens,
      reasoning: u.reasoningTokens,
      estimated: u.estimated,
    };
  }
  if (input.cost) {
    const c = input.cost;
    optional.costMicros = { input: c.inputMicros, output: c.outputMicros, total: c.totalMicros, priced: c.priced };
  }
  return { ...body, ...optional };
}

export function controlBody(input: AuditControlInput, now: () => Date): Body<AuditControlEntry> {
  const tenant = input.tenant ?? (input.action === 'tenant-set' || input.action === 'tenant-remove' ? input.target : undefined);
  const body: Body<AuditControlEntry> = {
    type: 'control',
    tenant: tenant ?? null,
    time: iso(input.time, now),
    action: input.action,
    actor: input.actor ?? 'unknown',
    target: input.target,
  };
  if (input.reason !== undefined) body.reason = input.reason;
  if (input.details !== undefined) body.details = input.details as { [key: string]: JSONValue };
  return body;
}
