/** The machine and moment of a run, for the record. */
import { execSync } from 'node:child_process';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { availableParallelism } from 'node:os';

export interface MachineInfo {
  date: string;
  node: string;
  platform: string;
  nproc: number;
  cpuModel: string;
  memTotalGiB: number;
  memFreeGiB: number;
  loadavg: number[];
  gitCommit?: string;
  /** Files under src/ that differ from that commit when the run started (work in progress of others). */
  srcUncommitted?: number;
}

export function machine(): MachineInfo {
  let gitCommit: string | undefined;
  let srcUncommitted: number | undefined;
  try {
    gitCommit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    srcUncommitted = execSync('git status --porcelain -- src', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .split('\n')
      .filter(Boolean).length;
  } catch {
    gitCommit = undefined;
  }
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memTotalGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    memFreeGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
    ...(gitCommit !== undefined && { gitCommit }),
    ...(srcUncommitted !== undefined && { srcUncommitted }),
  };
}
