import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    testing: 'src/testing.ts',
    transport: 'src/transport/index.ts',
    redis: 'src/state/redis/index.ts',
    sqlite: 'src/state/sqlite/index.ts',
    'ai-sdk': 'src/ai-sdk/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
  // Provider SDKs, undici (switchyard/transport), ioredis (switchyard/redis) and ai (switchyard/ai-sdk, types only) are optional peers: never bundle them.
  external: ['openai', '@anthropic-ai/sdk', '@google/genai', '@google/generative-ai', 'undici', 'ioredis', 'ai', '@ai-sdk/provider'],
});
