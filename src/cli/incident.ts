/** `seven-tick incident show|set|clear`: read and change a data dir's incident level. */
import { IncidentState, parseIncidentLevel } from '../security/incident.js';
import { openDatabase } from '../storage/database.js';
import { auditFromCli, cliActor } from './cli-audit.js';

/** Prints the level, who set it and when. */
export function incidentShow(dataDir: string): void {
  const db = openDatabase(dataDir);
  try {
    const status = new IncidentState(db).current();
    const when = status.setAt === null ? '' : ` since ${status.setAt.toISOString()}`;
    const author = status.setBy === null ? '' : ` by ${status.setBy}`;
    const reason = status.reason === null ? '' : `: ${status.reason}`;
    console.log(`${status.level}${when}${author}${reason}`);
  } finally {
    db.close();
  }
}

/**
 * Sets the level. A running server reads the change within about a second. `clear` (level
 * none) is the only way out of critical, because a locked-down server rejects the admin API.
 */
export async function incidentSet(
  dataDir: string,
  levelName: string,
  reason: string | undefined,
): Promise<void> {
  const level = parseIncidentLevel(levelName);
  const db = openDatabase(dataDir);
  let previous: string;
  try {
    previous = new IncidentState(db).set(level, {
      setBy: cliActor(),
      reason: reason ?? null,
    }).level;
  } finally {
    db.close();
  }
  console.error(`Incident level changed from ${previous} to ${level}`);
  await auditFromCli(dataDir, {
    type: level === 'none' ? 'incident.clear' : 'incident.set',
    detail: { from: previous, to: level, reason: reason ?? null },
  });
}
