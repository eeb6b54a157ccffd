import { randomUUID } from 'node:crypto';

let processPrefix: string | undefined;
let sequence = 0;

/**
 * An id unique across processes: a random prefix drawn once per process (a UUID's 122 random bits)
 * and a counter, `<uuid>-<base 36>`. For ids made on every request that nobody reads on the hot
 * path (ledger records, budget reservations): a UUID each cost ~1,000 instructions (its hex pairs
 * are concatenated one by one); this is one concatenation.
 */
export function uniqueId(): string {
  return `${(processPrefix ??= randomUUID())}-${(++sequence).toString(36)}`;
}
