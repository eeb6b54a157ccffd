import type { SwitchyardError } from '../../core/errors.js';
import type { Usage } from '../../core/usage.js';

/**
 * The error of a failed call, carrying the usage the vendor reported before the failure (so the
 * router records what was billed). Only a vendor's figures: an estimate is never attached.
 */
export function reported<E extends SwitchyardError>(error: E, usage: Usage | undefined): E {
  if (usage !== undefined && usage.estimated !== true && error.reportedUsage === undefined) error.reportedUsage = usage;
  return error;
}
