import type { RouterEvents } from '../events.js';
import type { AuditControlInput, AuditRequestInput } from './build.js';
import type { AuditControlAction } from './types.js';
import type { AuditContentInput } from './content.js';

/**
 * The record input of a request that succeeded, from the router's `response` event plus the texts
 * the content policy may need (ignored under `exclude`).
 */
export function auditFromResponse(event: RouterEvents['response'], content: AuditContentInput = {}): AuditRequestInput {
  return {
    ...content,
    requestId: event.requestId,
    kind: event.kind,
    route: event.route,
    context: event.route.context,
    usage: event.usage,
    cost: event.cost,
    finishReason: event.finishReason,
    latencyMs: event.latencyMs,
  };
}

/** The record input of a request that failed for good, from the router's `error` event. */
export function auditFromError(event: RouterEvents['error'], content: AuditContentInput & { latencyMs?: number } = {}): AuditRequestInput {
  const input: AuditRequestInput = { ...content, requestId: event.requestId, kind: event.kind, context: event.context, error: event.error };
  const route = event.route ?? event.error.route;
  if (route) input.route = route;
  return input;
}

/** The shape of a router control event (`router.disable(target, { actor })` and the like). */
export interface ControlEventLike {
  action: AuditControlAction;
  target: string;
  tenant?: string;
  actor?: string;
  /** Epoch ms. */
  at?: number;
}

/** The record input of an operator action, from the router's `control` event. */
export function auditFromControl(event: ControlEventLike, extra: Pick<AuditControlInput, 'reason' | 'details'> = {}): AuditControlInput {
  const input: AuditControlInput = { ...extra, action: event.action, target: event.target };
  if (event.actor !== undefined) input.actor = event.actor;
  if (event.tenant !== undefined) input.tenant = event.tenant;
  if (event.at !== undefined) input.time = event.at;
  return input;
}
