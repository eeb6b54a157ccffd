import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    testing: 'src/testing.ts',
    provider: 'src/provider.ts',
    transport: 'src/transport/index.ts',
    redis: 'src/state/redis/index.ts',
    sqlite: 'src/state/sqlite/index.ts',
    'ai-sdk': 'src/ai-sdk/index.ts',
    otel: 'src/observability/otel/index.ts',
    prometheus: 'src/prometheus/index.ts',
    admin: 'src/admin/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
  // Optional peers, each loaded only by its subpath: never bundle them. Provider SDKs (their adapters), undici
  // (switchyard/transport), ioredis (switchyard/redis), ai (switchyard/ai-sdk, types only), @opentelemetry/api
  // (switchyard/otel), prom-client (switchyard/prometheus).
  external: [
    'openai',
    '@anthropic-ai/sdk',
    '@google/genai',
    '@google/generative-ai',
    'undici',
    'ioredis',
    'ai',
    '@ai-sdk/provider',
    '@opentelemetry/api',
    'prom-client',
  ],
});
