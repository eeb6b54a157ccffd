import type { BudgetConfig } from '../accounting/budgets/schema.js';

/**
 * Who is calling, as your `authorize(request)` decides:
 * - `admin`: sees every tenant and uses every control;
 * - `tenant-admin`: sees its own tenant only and forces/unforces models for it (disable, enable and
 *   breaker resets act on every tenant, so they are the admin's);
 * - `monitor`: read only; with `tenant` set, of that tenant only.
 * `actor` names the person in the audit log (`control` events).
 */
export type AdminPrincipal =
  | { role: 'admin'; actor: string }
  | { role: 'tenant-admin'; tenant: string; actor: string }
  | { role: 'monitor'; actor: string; tenant?: string };

export type AdminRole = AdminPrincipal['role'];

/** The parts of your router options the admin views may show (keys and clients are never read). */
export interface AdminConfigView {
  providers?: Readonly<Record<string, { readonly kind: string }>>;
  models?: Readonly<
    Record<string, { readonly provider: string; readonly model: string; readonly pricing?: { input: number; output: number } }>
  >;
  strategy?: unknown;
  routes?: ReadonlyArray<{ name?: string; when: unknown; use: string[] }>;
  budgets?: ReadonlyArray<BudgetConfig>;
}

export interface AdminOptions {
  /**
   * Authenticates a request (a Fetch API `Request`, also for the Node handler): return the caller's
   * principal, or `undefined`/`null` for 401. A throw also answers 401.
   */
  authorize: (request: Request) => AdminPrincipal | null | undefined | Promise<AdminPrincipal | null | undefined>;
  /** Sent as `WWW-Authenticate` with every 401 (e.g. `Basic realm="switchyard"` to make a browser ask for a password). */
  challenge?: string;
  /** Where the handler is mounted, e.g. `/admin`: paths below it are served, others 404 (Node: passed to `next`). Default ``. */
  basePath?: string;
  /**
   * POSTs must carry this header (any value) and, when the browser sends `Origin`, come from the
   * page's own origin or one of `allowedOrigins`: a cross-site form or script cannot do either.
   * Default `x-switchyard-admin`.
   */
  csrfHeader?: string;
  /** Extra origins allowed to POST (e.g. `https://ops.example.com`). */
  allowedOrigins?: string[];
  /** Your router options (or the naming parts of them): provider kinds, vendor model ids, prices, routes, budgets in the configuration and budget views. */
  config?: AdminConfigView;
  /** Width of a time-series bucket of the dashboard charts, ms. Default 10,000. */
  sampleMs?: number;
  /** Buckets kept. Default 90 (15 minutes at the default width). */
  samples?: number;
  /** How often the dashboard polls, ms. Default 2,000. */
  refreshMs?: number;
  /** Largest POST body, bytes. Default 16 KiB. */
  maxBodyBytes?: number;
}
