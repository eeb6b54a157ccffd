import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', testing: 'src/testing.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
  // Provider SDKs are optional peers: never bundle them.
  external: ['openai', '@anthropic-ai/sdk', '@google/genai', '@google/generative-ai'],
});
