/**
 * Which switchyard code the bench runs. By default the orchestrator bundles src/ once with esbuild
 * the way tsup builds dist/ (ESM, node20, splitting, SDKs and dependencies external, no keepNames),
 * and every process loads that bundle: the code users run. The bundle goes to a temp directory
 * whose `node_modules` is a link to the root's, so that its external imports (zod, p-retry, the
 * SDKs) resolve to the library's own dependencies, never to bench/node_modules (where the peers
 * bring other versions, e.g. p-retry@4). `tsx` would
 * otherwise run src/ with `keepNames`, which wraps every closure created per request in a `__name()`
 * call that the shipped build does not have. `--src` (BENCH_SY=src) runs src/ through tsx instead.
 * Types always come from src/.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as IndexModule from '../../src/index.js';
import type * as TestingModule from '../../src/testing.js';
import type * as OpenAIModule from '../../src/providers/openai/index.js';
import type * as AnthropicModule from '../../src/providers/anthropic/index.js';
import type * as CostModule from '../../src/accounting/cost.js';
import type * as AccumulatorModule from '../../src/routing/request/stream-accumulator.js';
import { BENCH_DIR } from './peer.js';

export interface Switchyard {
  index: typeof IndexModule;
  testing: typeof TestingModule;
  openai: typeof OpenAIModule;
  anthropic: typeof AnthropicModule;
  cost: typeof CostModule;
  accumulator: typeof AccumulatorModule;
  /** Loaded on demand (the adapter may be missing or broken while it is written). */
  gemini(): Promise<{ gemini: (o: { apiKey: string; baseURL: string; fetch?: typeof globalThis.fetch }) => IndexModule.LLMProvider }>;
  /** An internal module by entry name (`accounting`, `breaker`), untyped; undefined when missing. */
  optional(entry: 'accounting' | 'breaker'): Promise<Record<string, unknown> | undefined>;
  source: string;
}

const ENTRIES = {
  index: 'index',
  testing: 'testing',
  openai: 'providers/openai/index',
  anthropic: 'providers/anthropic/index',
  cost: 'accounting/cost',
  accumulator: 'routing/request/stream-accumulator',
  gemini: 'providers/gemini/index',
  // Components micro-benchmarked on their own when they exist (loaded loosely: see micro-components.ts).
  accounting: 'accounting/index',
  breaker: 'resilience/breaker/breaker',
} as const;

const ROOT = join(BENCH_DIR, '..');
const SRC_DIR = join(ROOT, 'src');
const BUILD_BASE = join(tmpdir(), `switchyard-bench-build-${createHash('sha1').update(ROOT).digest('hex').slice(0, 8)}`);
// Inside a node_modules folder, so that tsx (which runs the harness) loads it untouched instead of
// re-transforming it with keepNames; its externals resolve upwards to BUILD_BASE/node_modules.
export const BUILD_DIR = join(BUILD_BASE, 'pkg', 'node_modules', 'switchyard-bundle');

interface EsbuildModule {
  build(opts: Record<string, unknown>): Promise<{ errors: unknown[] }>;
}

/** Bundles src/ into bench/.build/. Returns a note for the record; on failure the bench runs src/ via tsx. */
export async function buildSwitchyard(): Promise<{ dir?: string; note: string }> {
  rmSync(BUILD_DIR, { recursive: true, force: true });
  mkdirSync(BUILD_BASE, { recursive: true });
  if (!existsSync(join(BUILD_BASE, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(BUILD_BASE, 'node_modules'), 'dir');
  let esbuild: EsbuildModule;
  try {
    const specifier: string = 'esbuild';
    esbuild = (await import(specifier)) as EsbuildModule;
  } catch {
    return { note: 'esbuild not found: running src/ through tsx (keepNames adds __name() calls)' };
  }
  const entries = (withGemini: boolean): Record<string, string> =>
    Object.fromEntries(
      Object.entries(ENTRIES)
        .filter(([k]) => withGemini || k !== 'gemini')
        .map(([, v]) => [v, join(SRC_DIR, `${v}.ts`)])
        .filter(([, f]) => existsSync(f!)),
    );
  const writePkg = (): void =>
    writeFileSync(join(BUILD_DIR, 'package.json'), '{ "name": "switchyard-bundle", "private": true, "type": "module" }\n');
  const opts = {
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: BUILD_DIR,
    packages: 'external',
    logLevel: 'silent',
    treeShaking: true,
  };
  try {
    await esbuild.build({ ...opts, entryPoints: entries(true) });
    writePkg();
    return {
      dir: BUILD_DIR,
      note: `src/ bundled by esbuild like tsup builds dist/ (ESM, node20, splitting, no keepNames) into ${BUILD_DIR}`,
    };
  } catch (e) {
    try {
      rmSync(BUILD_DIR, { recursive: true, force: true });
      await esbuild.build({ ...opts, entryPoints: entries(false) });
      writePkg();
      return { dir: BUILD_DIR, note: `bundle without the Gemini adapter (it did not build: ${String(e).split('\n')[0]})` };
    } catch (e2) {
      return { note: `esbuild failed (${String(e2).split('\n')[0]}): running src/ through tsx` };
    }
  }
}

let loaded: Promise<Switchyard> | undefined;

/** Loads the bundle named by BENCH_SY_DIR, else src/ (through tsx). Cached per process. */
export function loadSwitchyard(): Promise<Switchyard> {
  loaded ??= (async () => {
    const dir = process.env.BENCH_SY_DIR;
    const file = (entry: string): string =>
      dir ? pathToFileURL(join(dir, `${entry}.js`)).href : pathToFileURL(join(SRC_DIR, `${entry}.ts`)).href;
    const imp = async <T>(entry: string): Promise<T> => {
      const specifier: string = file(entry);
      return (await import(specifier)) as T;
    };
    const [index, testing, openai, anthropic, cost, accumulator] = await Promise.all([
      imp<typeof IndexModule>(ENTRIES.index),
      imp<typeof TestingModule>(ENTRIES.testing),
      imp<typeof OpenAIModule>(ENTRIES.openai),
      imp<typeof AnthropicModule>(ENTRIES.anthropic),
      imp<typeof CostModule>(ENTRIES.cost),
      imp<typeof AccumulatorModule>(ENTRIES.accumulator),
    ]);
    return {
      index,
      testing,
      openai,
      anthropic,
      cost,
      accumulator,
      gemini: () => imp(ENTRIES.gemini),
      optional: (entry: 'accounting' | 'breaker') => imp<Record<string, unknown>>(ENTRIES[entry]).catch(() => undefined),
      source: dir ? `the bundle in ${dir}` : 'src/ via tsx',
    };
  })();
  return loaded;
}
