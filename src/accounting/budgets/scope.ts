import type { RoutingContext } from '../../core/request.js';
import type { Budget } from './schema.js';

/** Does the budget count requests of this context (tenant, user, agent)? */
export function matchesContext(budget: Budget, ctx: Readonly<RoutingContext>): boolean {
  // One named read per dimension (not a loop over their names): each read site sees one key, so it
  // stays fast when the host's own code has filled V8's shared cache of property lookups.
  const { scope } = budget;
  return dimensionMatches(scope.tenant, ctx.tenant) && dimensionMatches(scope.user, ctx.user) && dimensionMatches(scope.agent, ctx.agent);
}

function dimensionMatches(want: string | undefined, have: string | undefined): boolean {
  return want === undefined || (have !== undefined && (want === '*' || want === have));
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
  const { scope } = budget;
  const parts: string[] = [];
  if (scope.tenant === '*') parts.push(`tenant=${ctx.tenant ?? ''}`);
  if (scope.user === '*') parts.push(`user=${ctx.user ?? ''}`);
  if (scope.agent === '*') parts.push(`agent=${ctx.agent ?? ''}`);
  if (budget.scope.provider === '*') parts.push(`provider=${model.provider ?? ''}`);
  if (budget.scope.model === '*') parts.push(`model=${model.model}`);
  return parts.join(',');
}

/** Does the budget keep one counter per provider or model (a `'*'` provider or model scope)? */
export function countsPerModel(budget: Budget): boolean {
  return budget.scope.model === '*' || budget.scope.provider === '*';
}
