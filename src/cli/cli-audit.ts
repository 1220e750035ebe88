/**
 * Audit entries for CLI commands that change users, tokens or the incident level. The audit log
 * has one writer: while a server runs on the data dir it owns the log, so the command prints a
 * notice and writes no entry.
 * TODO: hand the entry to the running server (for example through a table it polls) so that
 * changes made beside a server are audited too.
 */
import os from 'node:os';
import path from 'node:path';
import { AuditLog, type AuditEvent } from '../security/audit.js';
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
 * Appends one audit entry to DATA_DIR/audit and waits until it is durable. Returns false (and
 * prints why on stderr) when a server runs on the data dir and the entry was not written.
 */
export async function auditFromCli(
  dataDir: string,
  event: Omit<AuditEvent, 'actor' | 'address'>,
): Promise<boolean> {
  const pid = runningServerPid(dataDir);
  if (pid !== undefined) {
    console.error(
      `Note: not audited, because the server (pid ${pid}) owns the audit log of ${dataDir}`,
    );
    return false;
  }
  const log = await AuditLog.open({ dir: path.join(dataDir, 'audit') });
  try {
    await log.append({ ...event, actor: cliActor(), address: null });
  } finally {
    await log.close();
  }
  return true;
}
