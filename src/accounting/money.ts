/** Money helpers. Amounts are integer micro-dollars (1 USD = 1,000,000 micros); USD floats are for display only. */
export const MICROS_PER_USD = 1_000_000;
/** Prices are USD per 1M tokens, i.e. micro-dollars per token; x 1e6 gives pico-dollars per token. */
export const PICOS_PER_MICRO = 1_000_000n;

/**
 * The highest price a config may set, in USD per 1M tokens ($1 a token): far above any vendor's, and
 * low enough that a cost in micros stays an exact integer for any token count a call can have.
 */
export const MAX_PRICE_PER_MILLION = 1_000_000;
/** The highest budget limit a config may set, in USD: its micros stay an exact integer. */
export const MAX_LIMIT_USD = 1_000_000_000;

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
  return BigInt(Math.round(pricePerMillion * MICROS_PER_USD));
}

/** Pico-dollars to micros, rounding half up (amounts are never negative). The one rounding step of a cost. */
export function picosToMicrosHalfUp(picos: bigint): number {
  return Number((picos + PICOS_PER_MICRO / 2n) / PICOS_PER_MICRO);
}

/** Pico-dollars to micros, rounding up: for worst-case bounds (budget reservations). */
export function picosToMicrosCeil(picos: bigint): number {
  return Number((picos + PICOS_PER_MICRO - 1n) / PICOS_PER_MICRO);
}

/** A token count as a non-negative integer (vendors' odd values count as 0). */
export function tokenCount(n: number | undefined): bigint {
  return n === undefined || !Number.isFinite(n) || n <= 0 ? 0n : BigInt(Math.round(n));
}

/** Integer micros as an exact decimal USD string: 147 -> "0.000147", 12500000 -> "12.500000". */
export function formatMicrosAsUsd(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  return `${sign}${Math.floor(abs / MICROS_PER_USD)}.${String(abs % MICROS_PER_USD).padStart(6, '0')}`;
}
