/**
 * Loads packages installed under bench/node_modules (peers, tinybench, undici) by a specifier that
 * the root typecheck never resolves, so `tsc` passes whether or not the bench deps are installed.
 * Callers describe the few members they use with local interfaces.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchRequire = createRequire(join(BENCH_DIR, 'package.json'));

/** Imports `name` as resolved from bench/package.json. */
export async function peer<T>(name: string): Promise<T> {
  // ESM resolution from this file walks up to bench/node_modules.
  const specifier: string = name;
  return (await import(specifier)) as T;
}

/** The installed version of a bench dependency, or undefined. */
export function peerVersion(name: string): string | undefined {
  const file = join(BENCH_DIR, 'node_modules', name, 'package.json');
  if (!existsSync(file)) return undefined;
  return (benchRequire(file) as { version?: string }).version;
}

/** The version of a root dependency (the library's own SDKs). */
export function rootVersion(name: string): string | undefined {
  const file = join(BENCH_DIR, '..', 'node_modules', name, 'package.json');
  if (!existsSync(file)) return undefined;
  return (benchRequire(file) as { version?: string }).version;
}
