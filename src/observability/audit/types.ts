import type { ErrorCode } from '../../core/errors.js';
import type { MessageRole } from '../../core/messages.js';
import type { JSONValue } from '../../core/tools.js';
import type { FinishReason } from '../../core/usage.js';
import type { RequestKind } from '../events.js';

/** Fields every entry carries to form one hash chain per tenant. */
export interface AuditChainFields {
  /** Entry format version. */
  v: 1;
  /** The chain this entry belongs to: its tenant, or null for entries without a tenant. */
  tenant: string | null;
  /** Position in its tenant's chain, from 0, without gaps. */
  seq: number;
  /** `hash` of the previous entry of the same tenant; null for the first. */
  prevHash: string | null;
  /** SHA-256 (or HMAC-SHA-256) hex of the canonical JSON of every other field. */
  hash: string;
  /** Position in the whole log across tenants: strictly increasing (gaps allowed in a per-tenant export). */
  logSeq: number;
  /** ISO 8601 time of the record. */
  time: string;
}

/** One try at one model, without the error object (class and code only). */
export interface AuditAttempt {
  model: string;
  provider: string;
  try: number;
  ok: boolean;
  latencyMs: number;
  errorClass?: string;
  errorCode?: ErrorCode;
}

export type AuditOutcome = 'success' | 'error' | 'aborted';

/** Which part of a message a text came from. */
export type AuditContentKind = 'text' | 'reasoning' | 'tool-call' | 'tool-result' | 'image';

export interface AuditContentItem {
  role: MessageRole;
  kind: AuditContentKind;
  /** Policy `include` or a redaction function: the (redacted) text. */
  text?: string;
  /** Policy `hash`: SHA-256 hex of the UTF-8 text. */
  sha256?: string;
  /** For tool calls and results. */
  toolName?: string;
}

export interface AuditContent {
  policy: 'include' | 'hash' | 'redact';
  prompt: AuditContentItem[];
  completion: AuditContentItem[];
  /** Set when the redaction function threw: the text was then left out entirely. */
  redactionFailed?: true;
}

export interface AuditWho {
  tenant?: string;
  user?: string;
  agent?: string;
  session?: string;
  tags?: string[];
}

/** One request that ended (successfully or not). */
export interface AuditRequestEntry extends AuditChainFields {
  type: 'request';
  who: AuditWho;
  requestId: string;
  kind?: RequestKind;
  /** The model alias that served (or last failed) the request. */
  model?: string;
  provider?: string;
  providerModel?: string;
  strategy?: string;
  outcome: AuditOutcome;
  finishReason?: FinishReason;
  errorCode?: ErrorCode;
  errorClass?: string;
  tokens?: { input: number; output: number; total: number; cachedInput?: number; reasoning?: number; estimated?: boolean };
  /** Integer micro-dollars. */
  costMicros?: { input: number; output: number; total: number; priced: boolean };
  attempts: AuditAttempt[];
  fallbackUsed: boolean;
  latencyMs?: number;
  /** Absent under the default `exclude` policy. */
  content?: AuditContent;
}

export type AuditControlAction =
  'disable' | 'enable' | 'force' | 'unforce' | 'reset-breaker' | 'tenant-set' | 'tenant-remove' | 'budget-change';

/** One operator action. */
export interface AuditControlEntry extends AuditChainFields {
  type: 'control';
  action: AuditControlAction;
  /** Who did it, as the host identifies them (`'unknown'` when not given). */
  actor: string;
  /** What it was done to: a provider or model name, a tenant id, a budget scope. */
  target: string;
  reason?: string;
  /** Extra data (credential fields are replaced by `[REDACTED]`). */
  details?: { [key: string]: JSONValue };
}

export type AuditEntry = AuditRequestEntry | AuditControlEntry;

/** Where each tenant's chain ends, and the last `logSeq`: to resume a log or check for truncation. */
export interface AuditHeads {
  logSeq: number;
  chains: Array<{ tenant: string | null; seq: number; hash: string }>;
}
