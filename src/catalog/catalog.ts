import type { ProviderKind } from '../core/provider.js';
import { ANTHROPIC_MODELS } from './anthropic.js';
import { DEEPSEEK_MODELS } from './deepseek.js';
import { GOOGLE_MODELS } from './google.js';
import { OLLAMA_MODELS } from './ollama.js';
import { OPENAI_MODELS } from './openai.js';
import type { CatalogEntry, CatalogVendor, ModelCatalog } from './types.js';

/** The built-in table. Prices are list prices read from the vendors' public pricing pages on `updatedAt`. */
export const catalog: ModelCatalog = Object.freeze({
  updatedAt: '2025-10-15',
  entries: Object.freeze([...OPENAI_MODELS, ...ANTHROPIC_MODELS, ...GOOGLE_MODELS, ...DEEPSEEK_MODELS, ...OLLAMA_MODELS]),
});

/** Which vendor's price list applies to an adapter kind. Generic endpoints have none. */
const VENDOR_OF_KIND: Readonly<Record<string, CatalogVendor>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'google',
  google: 'google',
  deepseek: 'deepseek',
  ollama: 'ollama',
};

export function vendorOfKind(kind: ProviderKind): CatalogVendor | undefined {
  return VENDOR_OF_KIND[kind];
}

// Dated snapshots and version tags the vendors append to a model id.
const SUFFIXES: ReadonlyArray<RegExp> = [
  /-\d{4}-\d{2}-\d{2}$/, // OpenAI: gpt-4o-2024-08-06
  /[-@]\d{8}$/, // Anthropic: claude-sonnet-4-5-20250929, Vertex: ...@20250929
  /-v\d+(:\d+)?$/, // Bedrock-style -v1:0
  /-latest$/, // claude-3-5-haiku-latest, gemini-2.5-flash-latest
  /:latest$/, // Ollama default tag
  /-\d{3}$/, // Gemini stable versions: gemini-2.0-flash-001
  /-preview-\d{2}-\d{2,4}$/, // Gemini previews: gemini-2.5-flash-preview-05-20
];

function indexOf(entries: ReadonlyArray<CatalogEntry>): Map<string, CatalogEntry> {
  const map = new Map<string, CatalogEntry>();
  for (const e of entries) {
    map.set(`${e.vendor}/${e.id.toLowerCase()}`, e);
    for (const a of e.aliases ?? []) map.set(`${e.vendor}/${a.toLowerCase()}`, e);
  }
  return map;
}

const INDEX = indexOf(catalog.entries);

/** Candidate spellings of an id, most specific first: as given, then with snapshot suffixes removed. */
export function idVariants(modelId: string): string[] {
  let id = modelId.trim().toLowerCase();
  if (id.startsWith('models/')) id = id.slice('models/'.length);
  const out = [id];
  for (let changed = true; changed;) {
    changed = false;
    for (const re of SUFFIXES) {
      const next = id.replace(re, '');
      if (next !== id && next.length > 0) {
        id = next;
        out.push(id);
        changed = true;
      }
    }
  }
  return out;
}

/**
 * The catalog entry of a vendor model, tolerating dated snapshots (`gpt-4o-2024-08-06` -> `gpt-4o`,
 * `claude-sonnet-4-5-20250929` -> `claude-sonnet-4-5`). Only exact ids, aliases and snapshot suffixes
 * match: `gpt-4o-audio-preview` is NOT `gpt-4o`, because a different model may have a different price.
 * Generic kinds (`openai-compatible`, `mock`, third-party) have no catalog: the user gives prices.
 */
export function lookupModel(providerKind: ProviderKind, modelId: string): CatalogEntry | undefined {
  const vendor = vendorOfKind(providerKind);
  if (vendor !== undefined) return lookupVendorModel(vendor, modelId);
  // A mock provider stands in for a real vendor in tests: price it like the vendor whose model id it
  // uses, when that is unambiguous. (Other unknown kinds, e.g. an OpenAI-compatible host, are not guessed.)
  if (providerKind === 'mock') {
    const hits = findCatalogModels(modelId);
    return hits.length === 1 ? hits[0] : undefined;
  }
  return undefined;
}

export function lookupVendorModel(vendor: CatalogVendor, modelId: string): CatalogEntry | undefined {
  for (const id of idVariants(modelId)) {
    const hit = INDEX.get(`${vendor}/${id}`);
    if (hit) return hit;
  }
  return undefined;
}

/** Every catalog entry whose id (or snapshot) matches, across vendors. Used by `compare()`. */
export function findCatalogModels(modelId: string): CatalogEntry[] {
  const vendors: CatalogVendor[] = ['openai', 'anthropic', 'google', 'deepseek', 'ollama'];
  return vendors.flatMap((v) => {
    const hit = lookupVendorModel(v, modelId);
    return hit ? [hit] : [];
  });
}

export function listCatalogModels(vendor?: CatalogVendor): CatalogEntry[] {
  return catalog.entries.filter((e) => vendor === undefined || e.vendor === vendor);
}
