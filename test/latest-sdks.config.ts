/**
 * Vitest config for the newer-Node step of CI: the whole suite against the newest major of each
 * vendor SDK, of undici and of `ai`, installed by .ci/run into .tmp/latest (outside the main lock file).
 * Usage: <node 24 or 26> node_modules/vitest/vitest.mjs run --config test/latest-sdks.config.ts
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const latest = join(root, '.tmp', 'latest', 'node_modules');
const sdks = ['openai', '@anthropic-ai/sdk', '@google/genai', '@google/generative-ai', 'undici', 'ai'];

export default defineConfig({
  root,
  resolve: {
    // Exact-name aliases so that subpaths (e.g. 'openai/streaming') resolve inside the same copy.
    alias: sdks.flatMap((name) => [
      { find: new RegExp(`^${name.replace('/', '\\/')}$`), replacement: join(latest, name) },
      { find: new RegExp(`^${name.replace('/', '\\/')}/(.*)$`), replacement: `${join(latest, name)}/$1` },
    ]),
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Two files at a time on CI's 2 cores, as `npm test` runs them (many tests wait on timers and child processes).
    maxWorkers: 2,
    // Tests that wait out a minute-long window run once per CI run, in the Node 20 step.
    env: { SWITCHYARD_LATEST_SDKS: '1' },
    server: { deps: { inline: [/src\//] } },
  },
});
