/**
 * Vitest config for the peer-range check: the adapter and transport tests run against the newest
 * major of each vendor SDK and of undici, installed by .ci/run into .tmp/latest (outside the main lock file);
 * the switchyard/ai-sdk tests run against the newest `ai` (7, Node 22+) the same way.
 * Usage: <node 24> node_modules/vitest/vitest.mjs run --config test/latest-sdks.config.ts
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
    // test/state: the SQLite store needs node:sqlite (Node 22.13+), so its contract and multi-process tests run here.
    include: ['test/providers/**/*.test.ts', 'test/transport/**/*.test.ts', 'test/state/**/*.test.ts', 'test/ai-sdk/**/*.test.ts'],
    server: { deps: { inline: [/src\//] } },
  },
});
