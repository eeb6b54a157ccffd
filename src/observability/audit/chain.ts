import { z } from 'zod';
import { InvalidRequestError } from '../../core/errors.js';
import { entryHash } from './canonical.js';
import type { AuditChainFields, AuditEntry, AuditHeads } from './types.js';

type Unchained<E extends AuditEntry> = Omit<E, keyof AuditChainFields> & { tenant: string | null; time: string };

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Assigns `seq`, `prevHash`, `logSeq` and `hash` to entries, one chain per tenant. */
export class AuditChain {
  readonly #heads = new Map<string | null, { seq: number; hash: string }>();
  readonly #key: Uint8Array | string | undefined;
  #logSeq = -1;

  constructor(options: { resume?: AuditHeads; hmacKey?: Uint8Array | string } = {}) {
    this.#key = options.hmacKey;
    if (options.resume) {
      this.#logSeq = options.resume.logSeq;
      for (const c of options.resume.chains) this.#heads.set(c.tenant, { seq: c.seq, hash: c.hash });
    }
  }

  /** Links the entry to its tenant's chain and freezes it: no field may change after hashing. */
  link<E extends AuditEntry>(body: Unchained<E>): E {
    const head = this.#heads.get(body.tenant);
    const linked = { ...body, v: 1, seq: head ? head.seq + 1 : 0, prevHash: head ? head.hash : null, logSeq: ++this.#logSeq, hash: '' };
    linked.hash = entryHash(linked, this.#key);
    this.#heads.set(body.tenant, { seq: linked.seq, hash: linked.hash });
    return deepFreeze(linked as unknown as E);
  }

  heads(): AuditHeads {
    return { logSeq: this.#logSeq, chains: [...this.#heads].map(([tenant, h]) => ({ tenant, seq: h.seq, hash: h.hash })) };
  }
}

/** The fields of an entry that say where its chain stands (entries read from a file are checked for them). */
const chainPosition = z.object({
  tenant: z.string().nullable(),
  seq: z.number().int().nonnegative(),
  logSeq: z.number().int().nonnegative(),
  hash: z.string().min(1),
});

/**
 * Where each chain of `entries` ends: pass as `resume` to continue a log, or as `heads` to verify.
 * Takes entries as `readAuditFile` returns them; one without its chain fields is an `InvalidRequestError`
 * naming it (verify a file you do not trust with `verifyAuditLog` first).
 */
export function auditHeads(entries: ReadonlyArray<unknown>): AuditHeads {
  const chains = new Map<string | null, { seq: number; hash: string }>();
  let logSeq = -1;
  for (const [i, entry] of entries.entries()) {
    const read = chainPosition.safeParse(entry);
    if (!read.success) {
      const issue = read.error.issues[0]!;
      throw new InvalidRequestError({
        path: ['entries', i, ...issue.path].join('.'),
        message: `auditHeads: entry ${i} is not an audit entry (${issue.message} at ${issue.path.join('.') || 'the entry'})`,
      });
    }
    const e = read.data;
    chains.set(e.tenant, { seq: e.seq, hash: e.hash });
    logSeq = Math.max(logSeq, e.logSeq);
  }
  return { logSeq, chains: [...chains].map(([tenant, h]) => ({ tenant, ...h })) };
}
