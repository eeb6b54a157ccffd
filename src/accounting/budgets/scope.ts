import type { RoutingContext } from '../../core/request.js';
import type { Budget } from './schema.js';

/** Does the budget count requests of this context (tenant, user, agent)? */
export function matchesContext(budget: Budget, ctx: Readonly<RoutingContext>): boolean {
  for (const dim of ['tenant', 'user', 'agent'] as const) {
    const want = budget.scope[dim];
    if (want === undefined) continue;
    const have = ctx[dim];
    if (have === undefined || (want !== '*' && want !== have)) return false;
  }
  return true;
}

/** Does the budget count spend on this model (alias or vendor id) of this provider instance? */
export function matchesModel(budget: Budget, model: { model: string; provider?: string; providerModel?: string }): boolean {
  const { provider, model: m } = budget.scope;
  if (provider !== undefined && provider !== '*' && provider !== model.provider) return false;
  if (m !== undefined && m !== '*' && m !== model.model && m !== model.providerModel) return false;
  return true;
}

/** The counter instance for a `'*'` scope: `tenant=acme` etc.; empty for fixed scopes. */
export function instanceOf(budget: Budget, ctx: Readonly<RoutingContext>, model: { model: string; provider?: string }): string {
  const parts: string[] = [];
  for (const dim of ['tenant', 'user', 'agent'] as const) if (budget.scope[dim] === '*') parts.push(`${dim}=${ctx[dim] ?? ''}`);
  if (budget.scope.provider === '*') parts.push(`provider=${model.provider ?? ''}`);
  if (budget.scope.model === '*') parts.push(`model=${model.model}`);
  return parts.join(',');
}

/** Does the budget keep one counter per provider or model (a `'*'` provider or model scope)? */
export function countsPerModel(budget: Budget): boolean {
  return budget.scope.model === '*' || budget.scope.provider === '*';
}
