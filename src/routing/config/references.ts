import type { ConfigIssue } from '../../core/errors.js';
import { formatPath } from '../../core/zod-issues.js';
import type { RouterOptions } from './options.js';

/** Checks of names that refer to each other: providers, models, groups, routes, limits, degradeTo. */
export function configCrossReferences(options: RouterOptions): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const models = options.models ?? {};
  const groups = options.groups ?? {};
  const providers = options.providers ?? {};
  for (const [alias, m] of Object.entries(models)) {
    if (!(m.provider in providers)) {
      issues.push({
        path: formatPath(['models', alias, 'provider']),
        message: `unknown provider "${m.provider}" (known: ${Object.keys(providers).join(', ')})`,
      });
    }
  }
  for (const name of Object.keys(groups)) {
    if (name in models)
      issues.push({
        path: formatPath(['groups', name]),
        message: `duplicate name: "${name}" is already a model (models and groups share one namespace)`,
      });
  }
  const checkUse = (use: string[], path: Array<string | number>) => {
    const seen = new Set<string>();
    use.forEach((name, j) => {
      const at = formatPath([...path, j]);
      if (!(name in models) && !(name in groups)) issues.push({ path: at, message: `unknown model or group "${name}"` });
      if (seen.has(name)) issues.push({ path: at, message: `duplicate "${name}" in the same list` });
      seen.add(name);
    });
  };
  for (const [name, g] of Object.entries(groups)) checkUse(g.use ?? [], ['groups', name, 'use']);
  (options.routes ?? []).forEach((r, i) => checkUse(r.use ?? [], ['routes', i, 'use']));

  // Cycles among groups: a group that (indirectly) uses itself.
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done' || !(name in groups)) return;
    if (state.get(name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      issues.push({ path: formatPath(['groups', name, 'use']), message: `cycle in nested strategies: ${cycle.join(' -> ')}` });
      return;
    }
    state.set(name, 'visiting');
    for (const child of groups[name]!.use ?? []) visit(child, [...trail, name]);
    state.set(name, 'done');
  };
  for (const name of Object.keys(groups)) visit(name, []);

  for (const target of Object.keys(options.rateLimits ?? {})) {
    if (!(target in providers) && !(target in models))
      issues.push({ path: formatPath(['rateLimits', target]), message: `unknown provider or model "${target}"` });
  }
  if (options.degradeTo !== undefined && !(options.degradeTo in models))
    issues.push({ path: 'degradeTo', message: `unknown model "${options.degradeTo}"` });
  (options.budgets ?? []).forEach((b, i) => {
    if (b?.degradeTo !== undefined && !(b.degradeTo in models))
      issues.push({ path: formatPath(['budgets', i, 'degradeTo']), message: `unknown model "${b.degradeTo}"` });
    const scoped = b?.scope?.model;
    if (scoped !== undefined && scoped !== '*' && !(scoped in models) && !Object.values(models).some((m) => m.model === scoped)) {
      issues.push({
        path: formatPath(['budgets', i, 'scope', 'model']),
        message: `unknown model "${scoped}" (neither an alias nor a vendor model id of \`models\`)`,
      });
    }
    if (b?.scope?.provider !== undefined && b.scope.provider !== '*' && !(b.scope.provider in providers))
      issues.push({ path: formatPath(['budgets', i, 'scope', 'provider']), message: `unknown provider "${b.scope.provider}"` });
  });
  if (
    options.retry?.minDelayMs !== undefined &&
    options.retry.maxDelayMs !== undefined &&
    options.retry.minDelayMs > options.retry.maxDelayMs
  ) {
    issues.push({ path: 'retry.minDelayMs', message: 'must not exceed retry.maxDelayMs' });
  }
  return issues;
}
