/**
 * Audit entries from CLI commands run beside a server. The audit log has one writer, the
 * server, so the CLI queues its entry in the `security_audit_outbox` table of the shared
 * database. The server appends queued entries to the log within about a second, and at its
 * start for entries queued while it was down.
 *
 * Delivery is at least once: an entry is deleted only after its append is durable, so a
 * crash between the two appends it again at the next drain.
 */
import type { Database } from 'better-sqlite3';
import type { AuditEvent } from './audit-entry.js';
import type { AuditLog } from './audit.js';

/** Rows appended per drain, so one drain stays short whatever the backlog. */
const DRAIN_BATCH = 100;

const OUTBOX_TABLE = `CREATE TABLE IF NOT EXISTS security_audit_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event TEXT NOT NULL,
  queued_at INTEGER NOT NULL
)`;

/** Creates the outbox table when it does not exist yet. Idempotent. */
export function ensureAuditOutbox(db: Database): void {
  db.exec(OUTBOX_TABLE);
}

/** Queues an event for the server to append; `queuedAt` goes into the entry's detail. */
export function queueAuditEvent(db: Database, event: AuditEvent, now = Date.now()): void {
  ensureAuditOutbox(db);
  db.prepare('INSERT INTO security_audit_outbox (event, queued_at) VALUES (?, ?)').run(
    JSON.stringify(event),
    now,
  );
}

/**
 * Appends up to DRAIN_BATCH queued events to the log in queue order, waits until they are
 * durable, then deletes them. Returns how many were appended.
 */
export async function drainAuditOutbox(db: Database, audit: AuditLog): Promise<number> {
  const rows = db
    .prepare('SELECT id, event, queued_at FROM security_audit_outbox ORDER BY id LIMIT ?')
    .all(DRAIN_BATCH) as { id: number; event: string; queued_at: number }[];
  if (rows.length === 0) return 0;
  const appended: Promise<unknown>[] = [];
  for (const row of rows) {
    const event = JSON.parse(row.event) as AuditEvent;
    const queuedAt = new Date(row.queued_at).toISOString();
    appended.push(audit.append({ ...event, detail: { ...event.detail, queuedAt } }));
  }
  await Promise.all(appended);
  db.prepare('DELETE FROM security_audit_outbox WHERE id <= ?').run(rows[rows.length - 1]!.id);
  return rows.length;
}
