/** A nested configuration with credentials at several depths, and the paths that must be sealed. */
export function sampleConfig() {
  return {
    providers: {
      gpt: {
        kind: 'openai',
        apiKey: 'sk-proj-Q7f3LmZp9XcV2bN8kRt4Ws1Yh6Ju0AeD',
        baseURL: 'https://api.openai.com/v1',
        headers: { 'x-api-key': 'xk-live-5e1b9c2d7a4f8e3b', 'X-Trace': 'on' },
      },
      claude: {
        kind: 'anthropic',
        apiKey: 'sk-ant-api03-Hq2Vx8Lr5Np1Zt7Mc4Kb9Wd3Ys6Fg0Je',
        timeoutMs: 30_000,
      },
      gemini: { kind: 'gemini', headers: { 'X-Goog-Api-Key': 'AIzaSyD4f8G2h6J0k3L7m1N5p9Q2r6S0t4U8v2W', Accept: 'application/json' } },
      proxy: { kind: 'openai-compatible', baseURL: 'http://127.0.0.1:8080', headers: { Authorization: 'Bearer pxy-9a8b7c6d5e4f3a2b1c0d' } },
      local: { kind: 'ollama', baseURL: 'http://127.0.0.1:11434', apiKey: undefined },
    },
    models: {
      'gpt-mini': { provider: 'gpt', model: 'gpt-4o-mini', pricing: { input: 0.15, output: 0.6 } },
      llama: { provider: 'local', model: 'llama3.1:8b' },
    },
    tenants: {
      acme: { APIKEY: 'acme-tenant-key-77c1d2e3f4a5b6c7', budgetUsd: 10, tags: ['gold'] },
      globex: { credentials: { secret: 'globex-secret-0f1e2d3c4b5a6978', password: 'hunter2-Zq8wX3vL5mP0', token: 42 } },
    },
    routes: [{ when: { agent: 'compliance' }, use: ['gpt-mini'], key: { id: 'route-key-3141592653', rotate: true } }],
    strategy: 'fallback',
  };
}

/** Dotted paths of every credential of {@link sampleConfig}, in walk order. */
export const SECRET_PATHS = [
  'providers.gpt.apiKey',
  'providers.gpt.headers["x-api-key"]',
  'providers.claude.apiKey',
  'providers.gemini.headers["X-Goog-Api-Key"]',
  'providers.proxy.headers.Authorization',
  'tenants.acme.APIKEY',
  'tenants.globex.credentials.secret',
  'tenants.globex.credentials.password',
  'tenants.globex.credentials.token',
  'routes[0].key',
] as const;

/** Every plaintext secret string of {@link sampleConfig}. */
export const SECRET_STRINGS = [
  'sk-proj-Q7f3LmZp9XcV2bN8kRt4Ws1Yh6Ju0AeD',
  'xk-live-5e1b9c2d7a4f8e3b',
  'sk-ant-api03-Hq2Vx8Lr5Np1Zt7Mc4Kb9Wd3Ys6Fg0Je',
  'AIzaSyD4f8G2h6J0k3L7m1N5p9Q2r6S0t4U8v2W',
  'Bearer pxy-9a8b7c6d5e4f3a2b1c0d',
  'acme-tenant-key-77c1d2e3f4a5b6c7',
  'globex-secret-0f1e2d3c4b5a6978',
  'hunter2-Zq8wX3vL5mP0',
  'route-key-3141592653',
];

/** Reads the value at a path given as segments. */
export function getAt(root: unknown, path: ReadonlyArray<string | number>): unknown {
  let node = root;
  for (const segment of path) node = (node as Record<string | number, unknown>)[segment];
  return node;
}

export function setAt(root: unknown, path: ReadonlyArray<string | number>, value: unknown): void {
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1] as string | number] = value;
}

/** Segment form of {@link SECRET_PATHS}. */
export const SECRET_SEGMENTS: ReadonlyArray<ReadonlyArray<string | number>> = [
  ['providers', 'gpt', 'apiKey'],
  ['providers', 'gpt', 'headers', 'x-api-key'],
  ['providers', 'claude', 'apiKey'],
  ['providers', 'gemini', 'headers', 'X-Goog-Api-Key'],
  ['providers', 'proxy', 'headers', 'Authorization'],
  ['tenants', 'acme', 'APIKEY'],
  ['tenants', 'globex', 'credentials', 'secret'],
  ['tenants', 'globex', 'credentials', 'password'],
  ['tenants', 'globex', 'credentials', 'token'],
  ['routes', 0, 'key'],
];
