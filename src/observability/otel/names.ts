import type { FinishReason } from '../../core/usage.js';
import type { Router } from '../../routing/router.js';

/** The parts of the router options that name things; provider objects are only asked for `kind`. */
export interface ConfigView {
  providers?: Readonly<Record<string, { readonly kind: string }>>;
  models?: Readonly<Record<string, { readonly provider: string; readonly model: string }>>;
}

/** Provider kinds to the `gen_ai.provider.name` values of the GenAI conventions (v1.41). */
const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
  deepseek: 'deepseek',
};

export function genAiProviderName(kind: string): string {
  return PROVIDER_NAMES[kind] ?? kind;
}

/** Our finish reasons to the values the conventions use (`tool_calls`, `content_filter`). */
export function genAiFinishReason(reason: FinishReason): string {
  return reason === 'tool-calls' ? 'tool_calls' : reason === 'content-filter' ? 'content_filter' : reason;
}

export interface ModelNames {
  providerModel: string;
  providerName: string;
}

/** The vendor model id and provider name of an alias: the tenant's own config first, then `config`, else the alias and instance name. */
export function lookupModel(router: Router, config: ConfigView | undefined, tenant: string | undefined, alias: string): ModelNames {
  const own = tenant !== undefined ? router.tenants.get(tenant) : undefined;
  const m = own?.models?.[alias] ?? config?.models?.[alias];
  if (!m) return { providerModel: alias, providerName: router.health().models[alias]?.provider ?? 'unknown' };
  const provider = own?.providers?.[m.provider] ?? config?.providers?.[m.provider];
  return { providerModel: m.model, providerName: provider ? genAiProviderName(provider.kind) : m.provider };
}
