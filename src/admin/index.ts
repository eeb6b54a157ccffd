/**
 * `switchyard/admin`: an HTTP handler (Node `http` and Fetch API) with JSON endpoints for health,
 * costs, configuration, budgets and emergency controls, and a self-contained dashboard page.
 */
export { createAdminHandler } from './handler.js';
export type { AdminHandler } from './handler.js';
export type { AdminOptions, AdminPrincipal, AdminRole, AdminConfigView } from './types.js';
export type { BudgetView } from './views.js';
export type { TimelineEntry } from './recorder.js';
