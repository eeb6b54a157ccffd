/** Money helpers. Amounts are integer micro-dollars (1 USD = 1,000,000 micros); USD floats are for display only. */
export const MICROS_PER_USD = 1_000_000;
/** Prices are USD per 1M tokens, i.e. micro-dollars per token; x 1e6 gives pico-dollars per token. */
const PICOS_PER_MICRO_DOUBLE = 1_000_000;
export const PICOS_PER_MICRO = BigInt(PICOS_PER_MICRO_DOUBLE);

/** USD float (from a config) to integer micros, rounded to the nearest micro. */
export function usdToMicros(usd: number): number {
  return Math.round(usd * MICROS_PER_USD);
}

/** Integer micros to a USD number for display and the `*Usd` fields. */
export function microsToUsd(micros: number): number {
  return micros / MICROS_PER_USD;
}

/**
 * A price in USD per 1M tokens as integer pico-dollars per token. Exact for any price written with
 * up to 6 decimals (e.g. 0.075 -> 75,000; 0.028 -> 28,000); finer digits are rounded to the pico.
 */
export function picosPerToken(pricePerMillion: number): bigint {
  return BigInt(picosPerTokenDouble(pricePerMillion));
}

/** `picosPerToken` as a double (exact below 2^53, see `EXACT_PICOS`). */
export function picosPerTokenDouble(pricePerMillion: number): number {
  return Math.round(pricePerMillion * MICROS_PER_USD);
}

/** Pico-dollars to micros, rounding half up (amounts are never negative). The one rounding step of a cost. */
export function picosToMicrosHalfUp(picos: bigint): number {
  return Number((picos + PICOS_PER_MICRO / 2n) / PICOS_PER_MICRO);
}

/** Pico-dollars to micros, rounding up: for worst-case bounds (budget reservations). */
export function picosToMicrosCeil(picos: bigint): number {
  return Number((picos + PICOS_PER_MICRO - 1n) / PICOS_PER_MICRO);
}

/** A token count as a safe non-negative integer (vendors' odd values count as 0). */
export function tokenCount(n: number | undefined): bigint {
  return BigInt(tokenCountDouble(n));
}

/** `tokenCount` as a double. */
export function tokenCountDouble(n: number | undefined): number {
  return n === undefined || !Number.isFinite(n) || n <= 0 ? 0 : Math.round(n);
}

/*
 * The same integer arithmetic in doubles, for speed (BigInt allocated ~15 numbers per request). A
 * double holds every integer up to 2^53 exactly, and a product or sum of exact integers is exact as
 * long as the true result is below that; when it is not, the double is at least 2^53. So comparing
 * the double with EXACT_PICOS tells whether it is exact; beyond, callers fall back to BigInt.
 */
/** Largest pico amount computed in doubles: leaves room to add up to one micro (rounding) and stay exact. */
export const EXACT_PICOS = Number.MAX_SAFE_INTEGER - PICOS_PER_MICRO_DOUBLE;

/** a + b, or Infinity when either is past EXACT_PICOS (so one check at the end covers the chain). */
export function exactSum(a: number, b: number): number {
  return a <= EXACT_PICOS && b <= EXACT_PICOS ? a + b : Infinity;
}

/** `picosToMicrosHalfUp` for picos <= EXACT_PICOS (the remainder of exact doubles is exact). */
export function picosDoubleToMicrosHalfUp(picos: number): number {
  return dividedDown(picos + PICOS_PER_MICRO_DOUBLE / 2);
}

/** `picosToMicrosCeil` for picos <= EXACT_PICOS. */
export function picosDoubleToMicrosCeil(picos: number): number {
  return dividedDown(picos + PICOS_PER_MICRO_DOUBLE - 1);
}

function dividedDown(q: number): number {
  return (q - (q % PICOS_PER_MICRO_DOUBLE)) / PICOS_PER_MICRO_DOUBLE;
}

/** Integer micros as an exact decimal USD string: 147 -> "0.000147", 12500000 -> "12.500000". */
export function formatMicrosAsUsd(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  return `${sign}${Math.floor(abs / MICROS_PER_USD)}.${String(abs % MICROS_PER_USD).padStart(6, '0')}`;
}
