import { redact } from '../../core/redact.js';
import { AuditChain } from './chain.js';
import { auditContent } from './content.js';
import type { AuditContentPolicy } from './content.js';
import { controlBody, requestBody } from './build.js';
import type { AuditControlInput, AuditRequestInput } from './build.js';
import { sanitize } from './sanitize.js';
import { SinkRunner } from './sinks/runner.js';
import { toSink } from './sinks/types.js';
import type { AuditSinkOption } from './sinks/types.js';
import type { AuditControlEntry, AuditEntry, AuditHeads, AuditRequestEntry } from './types.js';

/** Why `onError` was called. */
export class AuditLogError extends Error {
  override readonly name = 'AuditLogError';
  constructor(
    message: string,
    readonly kind: 'sink' | 'redaction' | 'input' | 'closed' | 'close-timeout',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface AuditLogOptions {
  /** One sink or several; each receives every entry, in order. */
  sink: AuditSinkOption | AuditSinkOption[];
  /** What to keep of prompts and completions. Default `exclude`. */
  content?: AuditContentPolicy;
  /**
   * Called when a sink fails, a redaction function throws, or an entry arrives after `close()`.
   * `entry` is the entry concerned, when there is one. Recording never throws.
   */
  onError?: (error: AuditLogError, entry?: AuditEntry) => void;
  /** Chain with HMAC-SHA-256 under this key instead of plain SHA-256 (then verify with the same key). */
  hmacKey?: Uint8Array | string;
  /** Continue existing chains (e.g. `auditHeads(await readAuditFile(path))` after a restart). */
  resume?: AuditHeads;
  /** Clock, for tests. */
  now?: () => Date;
}

export interface AuditLogStats {
  recorded: number;
  /** Writes confirmed by every sink. */
  written: number;
  /** Writes that failed, all sinks counted. */
  failed: number;
}

export interface AuditLog {
  /** Records one finished request. Synchronous and never throws; returns undefined after `close()`. */
  record(input: AuditRequestInput): AuditRequestEntry | undefined;
  /** Records one operator action. Synchronous and never throws; returns undefined after `close()`. */
  control(input: AuditControlInput): AuditControlEntry | undefined;
  /** Resolves once every entry recorded so far is written (and fsynced by sinks that do). */
  flush(): Promise<void>;
  /** Flushes, then closes the sinks. Later records are refused through `onError`. */
  close(): Promise<void>;
  /** Where each tenant's chain ends: keep it to check a stored log for truncation, or to resume. */
  heads(): AuditHeads;
  stats(): AuditLogStats;
}

/** Creates an audit log: one hash-chained entry per request and per control action, fed to the sinks. */
export function createAuditLog(options: AuditLogOptions): AuditLog {
  const now = options.now ?? (() => new Date());
  const policy = options.content ?? 'exclude';
  const chain = new AuditChain({ resume: options.resume, hmacKey: options.hmacKey });
  const report = (error: AuditLogError, entry?: AuditEntry): void => {
    try {
      options.onError?.(error, entry);
    } catch {
      // The host's handler failed; recording must still not throw.
    }
  };
  const sinks = (Array.isArray(options.sink) ? options.sink : [options.sink]).map(
    (s) =>
      new SinkRunner(toSink(s), (error, entry) =>
        report(
          error instanceof AuditLogError ? error : new AuditLogError(`audit sink failed: ${describe(error)}`, 'sink', { cause: error }),
          entry,
        ),
      ),
  );
  let closed = false;
  let closing: Promise<void> | undefined;
  let recorded = 0;

  const emit = <E extends AuditEntry>(build: () => Omit<E, 'v' | 'seq' | 'prevHash' | 'hash' | 'logSeq'>): E | undefined => {
    if (closed) {
      report(new AuditLogError('audit log is closed: entry not recorded', 'closed'));
      return undefined;
    }
    try {
      const body = sanitize(build()) as unknown as Omit<E, 'v' | 'seq' | 'prevHash' | 'hash' | 'logSeq'>;
      const entry = chain.link<E>(body as never);
      recorded++;
      for (const s of sinks) s.write(entry);
      return entry;
    } catch (error) {
      report(new AuditLogError(`audit entry could not be built: ${describe(error)}`, 'input', { cause: error }));
      return undefined;
    }
  };

  return {
    record(input) {
      return emit<AuditRequestEntry>(() => {
        const body = requestBody(input, now);
        const { content, error } = auditContent(input, policy);
        if (error !== undefined)
          report(new AuditLogError(`audit redaction function threw: ${describe(error)}; text left out`, 'redaction', { cause: error }));
        return content ? { ...body, content } : body;
      });
    },
    control(input) {
      return emit<AuditControlEntry>(() => controlBody(input, now));
    },
    async flush() {
      await Promise.all(sinks.map((s) => s.flush()));
    },
    close() {
      closed = true;
      closing ??= Promise.all(sinks.map((s) => s.close())).then(() => undefined);
      return closing;
    },
    heads: () => chain.heads(),
    stats() {
      const failed = sinks.reduce((n, s) => n + s.failed, 0);
      const written = sinks.length === 0 ? recorded : Math.min(...sinks.map((s) => s.written));
      return { recorded, written, failed };
    },
  };
}

function describe(error: unknown): string {
  return redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}
