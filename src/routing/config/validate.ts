import { ConfigError } from '../../core/errors.js';
import { configIssues } from './schema.js';

/**
 * Checks router options without building a router (for CI of a configuration).
 * Returns `{ ok: true }` or `{ ok: false, error }` with the same ConfigError `createRouter()` would throw.
 */
export function validateConfig(options: unknown): { ok: true } | { ok: false; error: ConfigError } {
  const issues = configIssues(options);
  return issues.length === 0 ? { ok: true } : { ok: false, error: new ConfigError(issues) };
}
