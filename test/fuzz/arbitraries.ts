import fc from 'fast-check';

/**
 * Hostile input for fuzz properties at the public API: valid values with a few places replaced by
 * what a careless or malicious caller might pass (cycles, BigInt, 20,000-deep nesting, null-prototype
 * objects, symbols, functions, non-finite numbers, class instances, property names of Object.prototype).
 */

export function cyclic(): Record<string, unknown> {
  const o: Record<string, unknown> = { type: 'object' };
  o.self = o;
  return o;
}

export function deepObject(n: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
}

export function deepArray(n: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = [v];
  return v;
}

/** Factories, so that every use gets a fresh object (no accidental sharing between runs). */
const hostileFactories: Array<() => unknown> = [
  () => undefined,
  () => null,
  () => 10n,
  () => Number.NaN,
  () => Number.POSITIVE_INFINITY,
  () => -0,
  () => 2 ** 31,
  () => 2 ** 53 + 2,
  () => -1,
  () => 0.5,
  () => '',
  () => 'x',
  () => 'constructor',
  () => '__proto__',
  () => 'toString',
  () => Object.create(null) as object,
  () => Object.assign(Object.create(null) as object, { type: 'object' }),
  () => Symbol('s'),
  () => () => 1,
  () => new Date(Number.NaN),
  () => new Date(0),
  () => new Map([[1, 2]]),
  () => new Set([1]),
  () => new Uint8Array(2),
  () => cyclic(),
  () => [cyclic()],
  () => deepObject(20_000),
  () => deepArray(20_000),
  () => [],
  () => ({}),
  () => [1n],
  () => ({ n: 1n }),
  () => ({ type: 'strnig' }),
  () => ({ type: 'string' }),
  () => ({ toString: 1, valueOf: 'x' }),
  () => new AbortController().signal,
  () => new Error('not a value'),
];

export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.nat(hostileFactories.length - 1).map((i) => hostileFactories[i]!()) },
  {
    weight: 1,
    arbitrary: fc.anything({
      maxDepth: 3,
      maxKeys: 4,
      withBigInt: true,
      withNullPrototype: true,
      withMap: true,
      withSet: true,
      withDate: true,
      withTypedArray: true,
      withSparseArray: true,
      withBoxedValues: true,
    }),
  },
);

type Path = Array<string | number>;

/** Paths into plain objects and arrays, bounded (values placed by earlier edits may be cyclic or deep). */
function paths(root: unknown): Path[] {
  const out: Path[] = [];
  const seen = new Set<object>();
  const walk = (v: unknown, at: Path): void => {
    out.push(at);
    if (typeof v !== 'object' || v === null || seen.has(v) || at.length > 8 || out.length > 500) return;
    const proto: unknown = Object.getPrototypeOf(v);
    if (!Array.isArray(v) && proto !== Object.prototype) return;
    seen.add(v);
    for (const [k, child] of Object.entries(v)) walk(child, [...at, Array.isArray(v) ? Number(k) : k]);
  };
  walk(root, []);
  return out;
}

/** `base` (cloned) with up to `max` places replaced by hostile values or deleted; the root too. */
export function damaged<T>(base: fc.Arbitrary<T>, max = 3): fc.Arbitrary<unknown> {
  return fc.tuple(base, fc.array(fc.tuple(fc.nat(), hostile, fc.nat(9)), { maxLength: max })).map(([v, edits]) => {
    let root: unknown = structuredClone(v);
    for (const [pick, value, how] of edits) {
      const all = paths(root);
      const path = all[pick % all.length]!;
      if (path.length === 0) {
        root = value;
        continue;
      }
      let parent = root as Record<string | number, unknown>;
      for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
      const last = path[path.length - 1]!;
      if (how === 0 && !Array.isArray(parent)) delete parent[last];
      else if (how === 1 && !Array.isArray(parent)) parent[`extra${pick % 3}`] = value;
      else parent[last] = value;
    }
    return root;
  });
}

const word = fc.stringMatching(/^[a-z]{1,6}$/);

const jsonSchema = fc.oneof(
  fc.constant({ type: 'object', properties: { q: { type: 'string' } }, required: ['q'] }),
  fc.constant({
    type: 'object',
    properties: { n: { type: 'integer', minimum: 0 }, tags: { type: 'array', items: { type: 'string' } } },
    additionalProperties: false,
  }),
  fc.constant({ type: 'object', properties: { mode: { enum: ['a', 'b'] }, any: {} } }),
);

/** Valid requests exercising every part of the request format. */
export const validRequest = fc.record(
  {
    messages: fc.oneof(
      fc.array(fc.record({ role: fc.constantFrom('user', 'system', 'assistant'), content: word }), { minLength: 1, maxLength: 3 }),
      fc.tuple(fc.jsonValue({ maxDepth: 3 }), fc.jsonValue({ maxDepth: 3 })).map(([args, result]) => [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hi' },
            { type: 'image', url: 'https://example.com/a.png' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'hm', signature: 's' },
            { type: 'tool-call', toolCallId: 'c1', toolName: 'f', args },
          ],
        },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'f', result }] },
      ]),
    ),
    system: word,
    tools: fc.array(fc.record({ name: word, description: word, parameters: jsonSchema }), { minLength: 1, maxLength: 2 }),
    toolChoice: fc.constantFrom('auto', 'none', 'required'),
    responseFormat: fc.oneof(
      fc.constant({ type: 'text' }),
      fc.constant({ type: 'json' }),
      jsonSchema.map((schema) => ({ type: 'json-schema', schema, name: 'out' })),
    ),
    params: fc.record(
      {
        temperature: fc.constantFrom(0, 0.7, 2),
        maxTokens: fc.integer({ min: 1, max: 4096 }),
        stop: fc.constant(['\n']),
        seed: fc.integer(),
      },
      { requiredKeys: [] },
    ),
    providerOptions: fc.record({ openai: fc.dictionary(word, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }) }),
    tenant: word,
    user: word,
    agent: word,
    session: word,
    tags: fc.array(word, { maxLength: 2 }),
    timeoutMs: fc.integer({ min: 1_000, max: 2 ** 31 - 1 }),
    task: word,
  },
  { requiredKeys: ['messages'] },
);

/** Valid router options (model and provider names are fixed: the fuzzed test supplies the providers). */
export const validConfig = fc.record(
  {
    models: fc.constant({ a: { provider: 'm', model: 'ma', pricing: { input: 1, output: 2 } }, b: { provider: 'm', model: 'mb' } }),
    strategy: fc.constantFrom('fallback', 'cost', 'capability', 'load-balance', 'latency'),
    routes: fc.constant([{ when: { tenant: 'acme' }, use: ['a', 'b'] }]),
    retry: fc.record({ retries: fc.integer({ min: 0, max: 3 }), minDelayMs: fc.constant(1) }, { requiredKeys: [] }),
    circuitBreaker: fc.record({ failureThreshold: fc.integer({ min: 1, max: 9 }), cooldownMs: fc.constant(1000) }, { requiredKeys: [] }),
    rateLimits: fc.constant({ m: { rpm: 600, maxConcurrent: 8 } }),
    budgets: fc.constant([{ scope: { tenant: 'acme' }, period: 'day', limitUsd: 5, onExceed: 'block' }]),
    timeoutMs: fc.integer({ min: 1, max: 60_000 }),
    ledger: fc.constant({ maxRecords: 100 }),
  },
  { requiredKeys: ['models'] },
);

const time = fc.oneof(fc.integer({ min: 0, max: 2 ** 42 }), fc.constant('2025-10-10T12:00:00Z'), fc.constant(new Date(0)));
const filter = { since: time, until: fc.constant(2 ** 43), tenant: word, user: word, agent: word, model: word, provider: word };

export const validQueries = {
  summary: fc.record(
    { ...filter, by: fc.array(fc.constantFrom('tenant', 'model', 'day', 'hour', 'month', 'providerModel'), { maxLength: 3 }) },
    { requiredKeys: [] },
  ),
  records: fc.record(
    {
      ...filter,
      session: word,
      tag: word,
      outcome: fc.constantFrom('ok', 'error'),
      kind: fc.constantFrom('request', 'billed-attempt'),
      limit: fc.nat(9),
      order: fc.constantFrom('asc', 'desc'),
    },
    { requiredKeys: [] },
  ),
  export: fc.record({ ...filter, format: fc.constantFrom('json', 'csv'), bom: fc.boolean() }, { requiredKeys: ['format'] }),
  compare: fc.record(
    {
      ...filter,
      models: fc.constant(['gpt-4o', { provider: 'deepseek', model: 'deepseek-chat' }, { name: 'free', pricing: { input: 0, output: 0 } }]),
    },
    { requiredKeys: ['models'] },
  ),
  forecast: fc.record({ period: fc.constantFrom('day', 'month'), tenant: word, model: word }, { requiredKeys: ['period'] }),
};
