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
    if (!Object.hasOwn(providers, m.provider)) {
      issues.push({
        path: formatPath(['models', alias, 'provider']),
        message: `unknown provider "${m.provider}" (known: ${Object.keys(providers).join(', ')})`,
      });
    }
  }
  for (const name of Object.keys(groups)) {
    if (Object.hasOwn(models, name))
      issues.push({
        path: formatPath(['groups', name]),
        message: `duplicate name: "${name}" is already a model (models and groups share one namespace)`,
      });
  }
  const checkUse = (use: string[], path: Array<string | number>) => {
    const seen = new Set<string>();
    use.forEach((name, j) => {
      const at = formatPath([...path, j]);
      if (!Object.hasOwn(models, name) && !Object.hasOwn(groups, name))
        issues.push({ path: at, message: `unknown model or group "${name}"` });
      if (seen.has(name)) issues.push({ path: at, message: `duplicate "${name}" in the same list` });
      seen.add(name);
    });
  };
  for (const [name, g] of Object.entries(groups)) checkUse(g.use ?? [], ['groups', name, 'use']);
  (options.routes ?? []).forEach((r, i) => checkUse(r.use ?? [], ['routes', i, 'use']));

  // Cycles among groups: a group that (indirectly) uses itself.
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done' || !Object.hasOwn(groups, name)) return;
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
    if (!Object.hasOwn(providers, target) && !Object.hasOwn(models, target))
      issues.push({ path: formatPath(['rateLimits', target]), message: `unknown provider or model "${target}"` });
  }
  if (options.degradeTo !== undefined && !Object.hasOwn(models, options.degradeTo))
    issues.push({ path: 'degradeTo', message: `unknown model "${options.degradeTo}"` });
  (options.budgets ?? []).forEach((b, i) => {
    if (b?.degradeTo !== undefined && !Object.hasOwn(models, b.degradeTo))
      issues.push({ path: formatPath(['budgets', i, 'degradeTo']), message: `unknown model "${b.degradeTo}"` });
    const scoped = b?.scope?.model;
    if (
      scoped !== undefined &&
      scoped !== '*' &&
      !Object.hasOwn(models, scoped) &&
      !Object.values(models).some((m) => m.model === scoped)
    ) {
      issues.push({
        path: formatPath(['budgets', i, 'scope', 'model']),
        message: `unknown model "${scoped}" (neither an alias nor a vendor model id of \`models\`)`,
      });
    }
    if (b?.scope?.provider !== undefined && b.scope.provider !== '*' && !Object.hasOwn(providers, b.scope.provider))
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
