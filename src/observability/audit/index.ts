export { createAuditLog, AuditLogError } from './audit-log.js';
export type { AuditLog, AuditLogOptions, AuditLogStats } from './audit-log.js';
export type { AuditRequestInput, AuditControlInput } from './build.js';
export { auditFromResponse, auditFromError, auditFromControl } from './from-events.js';
export type { ControlEventLike } from './from-events.js';
export type { AuditContentPolicy, AuditRedactor, AuditRedactInfo, AuditContentInput } from './content.js';
export { verifyAuditLog } from './verify.js';
export type { AuditVerification, AuditBreakReason, VerifyAuditOptions } from './verify.js';
export { auditHeads } from './chain.js';
export { canonicalJson } from './canonical.js';
export { readAuditFile } from './read.js';
export { memorySink } from './sinks/memory.js';
export type { MemoryAuditSink } from './sinks/memory.js';
export { jsonlFileSink } from './sinks/jsonl-file.js';
export type { JsonlFileSink, JsonlFileSinkOptions } from './sinks/jsonl-file.js';
export type { AuditSink, AuditSinkOption } from './sinks/types.js';
export type {
  AuditEntry,
  AuditRequestEntry,
  AuditControlEntry,
  AuditControlAction,
  AuditChainFields,
  AuditAttempt,
  AuditOutcome,
  AuditWho,
  AuditContent,
  AuditContentItem,
  AuditContentKind,
  AuditHeads,
} from './types.js';
