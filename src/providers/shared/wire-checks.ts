/**
 * Building blocks of the adapters' fast checks (`readable.ts` in each provider folder), which prove
 * a parsed vendor body readable without zod: each accepts what its schema counterpart accepts, or
 * less (what they refuse goes to zod, which decides and reports).
 */

export type Rec = Record<string, unknown>;

/** A plain object (prototype Object.prototype or null), as `JSON.parse` makes; zod accepts more. */
export function plain(v: unknown): v is Rec {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** `.nullish()`: undefined or null. */
export const absent = (v: unknown): boolean => v === undefined || v === null;
/** `z.string().nullish()`. */
export const optString = (v: unknown): boolean => absent(v) || typeof v === 'string';
/** `z.number()`, finite (zod refuses NaN and infinities too). */
export const finite = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
/** `z.number().nullish()`. */
export const optNumber = (v: unknown): boolean => absent(v) || finite(v);
