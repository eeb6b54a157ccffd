/** Tables of a run, shared by the live output (index.ts) and the Markdown report (report.ts). */
import { fmt, signedUs, table } from './stats.js';

export interface ClientModeSummary {
  id: string;
  label: string;
  group: string;
  /** The client overheads are measured against. */
  floor: string;
  requests: number;
  /** Rounds cut short by the time cap (the client was too slow for the planned request count). */
  cappedRounds: number;
  errors: number;
  firstError?: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  ttftP50Ms?: number;
  ttftP99Ms?: number;
  /** p50(client) - p50(floor), µs, over all rounds pooled. */
  overheadP50Us: number;
  /** Per round p50(client) - p50(floor), µs. */
  overheadRoundsUs: number[];
  ttftOverheadP50Us?: number;
  cpuUsPerReq: number;
  cpuVsFloorPct: number;
  throughputVsFloorPct: number;
  rssMB: number;
}

export interface ModeLike {
  stream: boolean;
  concurrency: number;
}

export function rangeUs(xs: number[]): string {
  if (!xs.length) return '';
  return `${signedUs(Math.min(...xs))}..${signedUs(Math.max(...xs))}`;
}

export function modeTable(mode: ModeLike, rows: ClientModeSummary[]): string {
  const head = ['client', 'req/s', 'p50 ms', 'p99 ms'];
  if (mode.stream) head.push('TTFT p50 ms', 'TTFT ovh µs');
  head.push('overhead p50 µs', 'per-round min..max', 'CPU µs/req', 'CPU vs floor', mode.concurrency > 1 ? 'thrpt vs floor' : 'RSS MB');
  return table(
    head,
    rows.map((r) => {
      const cells = [
        r.label + (r.errors ? ` (${r.errors} errors)` : '') + (r.cappedRounds ? ` [${fmt(r.requests)} req, time-capped]` : ''),
        fmt(r.reqPerSec),
        fmt(r.p50Ms, 3),
        fmt(r.p99Ms, 3),
      ];
      if (mode.stream) cells.push(fmt(r.ttftP50Ms ?? NaN, 3), r.id === r.floor ? '0' : signedUs(r.ttftOverheadP50Us ?? NaN));
      cells.push(
        r.id === r.floor ? '0 (floor)' : signedUs(r.overheadP50Us),
        r.id === r.floor ? '' : rangeUs(r.overheadRoundsUs),
        fmt(r.cpuUsPerReq, 0),
        r.id === r.floor ? '' : `${r.cpuVsFloorPct >= 0 ? '+' : ''}${r.cpuVsFloorPct.toFixed(1)}%`,
        mode.concurrency > 1 ? `${r.throughputVsFloorPct.toFixed(1)}%` : r.rssMB.toFixed(0),
      );
      return cells;
    }),
  );
}

/** The main table, then the other wire formats (each against its own SDK) under it. */
export function modeTables(mode: ModeLike, rows: ClientModeSummary[]): string {
  const main = rows.filter((r) => r.group !== 'other-wire');
  const other = rows.filter((r) => r.group === 'other-wire');
  let out = modeTable(mode, main);
  if (other.length) out += `\n\nOther wire formats, each against its own SDK called directly:\n\n${modeTable(mode, other)}`;
  return out;
}
