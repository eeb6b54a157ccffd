export { catalog, lookupModel, lookupVendorModel, findCatalogModels, listCatalogModels, vendorOfKind, idVariants } from './catalog.js';
export { resolveModelInfo } from './resolve.js';
export type { ResolvedModelInfo, PricingSource, ModelOverrides } from './resolve.js';
export type { CatalogEntry, CatalogPricing, CatalogVendor, ModelCatalog, ModelStrength } from './types.js';
