import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', testing: 'src/testing.ts', transport: 'src/transport/index.ts', otel: 'src/observability/otel/index.ts', prometheus: 'src/prometheus/index.ts', admin: 'src/admin/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
  // Provider SDKs and undici (used by switchyard/transport only) are optional peers: never bundle them.
  // @opentelemetry/api (switchyard/otel) and prom-client (switchyard/prometheus) likewise.
  external: ['openai', '@anthropic-ai/sdk', '@google/genai', '@google/generative-ai', 'undici', '@opentelemetry/api', 'prom-client'],
});
