/** Audit events built from the events other security components report. */

import type { AuditEvent } from './audit-entry.js';
import type { AuthEvent } from './authenticate.js';

/**
 * Returns the audit event for an authentication attempt, or null for a request that presented
 * no credentials at all. Those are not login attempts, and auditing each one would let any
 * anonymous client grow the log with fsync'ed entries.
 */
export function auditEventForAuth(event: AuthEvent): AuditEvent | null {
  if (event.outcome === 'failure' && event.reason === 'missing') return null;
  const detail: Record<string, unknown> = { scheme: event.scheme };
  if (event.tokenId !== undefined) detail.tokenId = event.tokenId;
  if (event.reason !== undefined) detail.reason = event.reason;
  if (event.jwtReason !== undefined) detail.jwtReason = event.jwtReason;
  if (event.addressBlocked === true) detail.addressBlocked = true;
  if (event.accountLocked === true) detail.accountLocked = true;
  return {
    type: event.outcome === 'success' ? 'login.success' : 'login.failure',
    actor: event.username ?? null,
    address: event.clientAddress,
    detail,
  };
}
