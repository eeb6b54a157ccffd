/** Percentiles and table formatting. */

export function sorted(xs: ReadonlyArray<number>): Float64Array {
  return Float64Array.from(xs).sort();
}

/** Nearest-rank-with-interpolation percentile of an already sorted array (q in 0..1). */
export function pct(s: ArrayLike<number>, q: number): number {
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export function median(xs: ReadonlyArray<number>): number {
  return pct(sorted(xs), 0.5);
}

export function mean(xs: ReadonlyArray<number>): number {
  let t = 0;
  for (const x of xs) t += x;
  return xs.length ? t / xs.length : NaN;
}

/** µs with a sign, e.g. `+12.3` / `-4.0`. */
export function signedUs(us: number): string {
  if (!Number.isFinite(us)) return 'n/a';
  const v = Math.abs(us) >= 100 ? us.toFixed(0) : us.toFixed(1);
  return us >= 0 ? `+${v}` : v;
}

export function fmt(x: number, digits = 0): string {
  if (!Number.isFinite(x)) return 'n/a';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function mb(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)}`;
}

/** A plain-text table (also valid Markdown). */
export function table(head: string[], rows: string[][], leftColumns = 1): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const left = (i: number): boolean => i < leftColumns;
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (left(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (left(i) ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`;
  return [line(head), sep, ...rows.map(line)].join('\n');
}
