/**
 * Audit entries for CLI commands that change users, tokens, grants or the incident level. The
 * audit log has one writer. While a server runs on the data dir, the entry is queued in the
 * database and the server appends it (audit-outbox.ts). Otherwise the command appends it.
 */
import os from 'node:os';
import path from 'node:path';
import { AuditLog, type AuditEvent } from '../security/audit.js';
import { queueAuditEvent } from '../security/audit-outbox.js';
import { openDatabase } from '../storage/database.js';
import { runningServerPid } from '../storage/server-lock.js';

/** Returns the actor of CLI entries: `cli:` and the operating-system user running the command. */
export function cliActor(): string {
  try {
    return `cli:${os.userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/**
 * Appends one audit entry to DATA_DIR/audit and waits until it is durable, or queues it for
 * the server running on the data dir.
 */
export async function auditFromCli(
  dataDir: string,
  event: Omit<AuditEvent, 'actor' | 'address'>,
): Promise<void> {
  const pid = runningServerPid(dataDir);
  if (pid !== undefined) {
    const db = openDatabase(dataDir);
    try {
      queueAuditEvent(db, { ...event, actor: cliActor(), address: null });
    } finally {
      db.close();
    }
    console.error(`Audited through the running server (pid ${pid}), within about a second`);
    return;
  }
  const log = await AuditLog.open({ dir: path.join(dataDir, 'audit') });
  try {
    await log.append({ ...event, actor: cliActor(), address: null });
  } finally {
    await log.close();
  }
}
