import fc from 'fast-check';
import { createAuditLog, memorySink } from '../../src/observability/audit/index.js';
import type { AuditControlInput, AuditEntry, AuditLogOptions, AuditRequestInput } from '../../src/observability/audit/index.js';
import type { RouteInfo } from '../../src/core/response.js';
import { RateLimitError } from '../../src/core/errors.js';

export const TENANTS = ['acme', 'globex', 'initech'] as const;

export type Op = { type: 'request'; input: AuditRequestInput } | { type: 'control'; input: AuditControlInput };

export function route(model: string, tenant: string | undefined, failedFirst: boolean): RouteInfo {
  const attempts = failedFirst
    ? [
        {
          model: 'primary',
          provider: 'p1',
          try: 1,
          ok: false,
          latencyMs: 12,
          error: new RateLimitError({ provider: 'p1', model: 'primary' }),
          errorClass: 'RateLimitError',
        },
        { model, provider: 'p2', try: 1, ok: true, latencyMs: 30 },
      ]
    : [{ model, provider: 'p2', try: 1, ok: true, latencyMs: 25 }];
  return {
    model,
    provider: 'p2',
    providerModel: `${model}-2025`,
    strategy: 'fallback',
    candidates: ['primary', model],
    fallbackUsed: failedFirst,
    attempts,
    skipped: [],
    context: tenant === undefined ? {} : { tenant, user: 'u-1', agent: 'support', session: 's-9' },
  };
}

const tenantArb = fc.option(fc.constantFrom(...TENANTS), { nil: undefined });

const requestArb: fc.Arbitrary<Op> = fc
  .record({
    tenant: tenantArb,
    model: fc.constantFrom('fast', 'smart'),
    fallback: fc.boolean(),
    input: fc.nat(5000),
    output: fc.nat(2000),
    micros: fc.nat(10_000_000),
    id: fc.uuid(),
  })
  .map(({ tenant, model, fallback, input, output, micros, id }) => ({
    type: 'request',
    input: {
      requestId: id,
      kind: 'chat',
      route: route(model, tenant, fallback),
      usage: { inputTokens: input, outputTokens: output, totalTokens: input + output },
      cost: {
        inputMicros: micros,
        outputMicros: 7,
        totalMicros: micros + 7,
        inputUsd: micros / 1e6,
        outputUsd: 7e-6,
        totalUsd: (micros + 7) / 1e6,
        priced: true,
        estimated: false,
      },
      finishReason: 'stop',
      latencyMs: 40,
      time: 1_700_000_000_000,
    },
  }));

const controlArb: fc.Arbitrary<Op> = fc
  .record({
    action: fc.constantFrom('disable', 'enable', 'force', 'unforce', 'tenant-set', 'tenant-remove', 'budget-change' as const),
    target: fc.constantFrom('gpt', 'claude', ...TENANTS),
    actor: fc.constantFrom('ops@example.com', 'oncall'),
    limit: fc.nat(100),
  })
  .map(({ action, target, actor, limit }) => ({
    type: 'control',
    input: { action, target, actor, details: { limitUsd: limit, nested: { list: [1, 'two', true] } }, time: 1_700_000_000_000 },
  }));

export const opsArb = fc.array(fc.oneof(requestArb, controlArb), { minLength: 1, maxLength: 25 });

/** Builds the entries of a log fed with `ops`. */
export function entriesOf(
  ops: ReadonlyArray<Op>,
  options: Partial<AuditLogOptions> = {},
): { entries: AuditEntry[]; log: ReturnType<typeof createAuditLog> } {
  const sink = memorySink();
  const log = createAuditLog({ ...options, sink });
  for (const op of ops) {
    if (op.type === 'request') log.record(op.input);
    else log.control(op.input);
  }
  return { entries: structuredClone([...sink.entries]), log };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value (leaves and containers) inside an entry. */
export function pathsOf(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [prefix];
  const children = Array.isArray(value)
    ? value.map((v, i) => pathsOf(v, [...prefix, i]))
    : Object.entries(value).map(([k, v]) => pathsOf(v, [...prefix, k]));
  return [prefix, ...children.flat()];
}

/** Changes the value at `path` (a leaf: a different value; a container: a key added or removed). */
export function mutateAt(root: Json, path: ReadonlyArray<string | number>, variant: number): void {
  const parentPath = path.slice(0, -1);
  let parent = root as { [k: string]: Json } | Json[];
  for (const s of parentPath) parent = (parent as Record<string | number, Json>)[s] as { [k: string]: Json } | Json[];
  const key = path[path.length - 1] as string | number;
  const holder = parent as Record<string | number, Json>;
  const value = holder[key] as Json;
  if (value !== null && typeof value === 'object') {
    if (Array.isArray(value)) {
      if (variant % 2 === 0 || value.length === 0) value.push('injected');
      else value.pop();
    } else if (variant % 2 === 0 || Object.keys(value).length === 0) value.injected = 'x';
    else delete value[Object.keys(value)[0] as string];
    return;
  }
  if (variant % 3 === 2 && !Array.isArray(parent)) {
    delete holder[key];
    return;
  }
  if (typeof value === 'string')
    holder[key] =
      value.length > 0 && variant % 2 ? value.slice(0, -1) + String.fromCharCode(value.charCodeAt(value.length - 1) ^ 1) : `${value}x`;
  else if (typeof value === 'number') holder[key] = value + 1;
  else if (typeof value === 'boolean') holder[key] = !value;
  else holder[key] = 'x';
}
