/** `seven-tick incident show|set|clear`: read and change a data dir's incident level. */
import os from 'node:os';
import { resolveConfig } from '../config.js';
import { IncidentState, parseIncidentLevel } from '../security/incident.js';
import { IncidentController, type IncidentChange } from '../security/incident-monitor.js';
import { DEFAULT_WEBHOOK_TIMEOUT_MS, IncidentWebhook } from '../security/incident-webhook.js';
import { OutboundPolicy } from '../security/outbound.js';
import { openDatabase } from '../storage/database.js';
import { runningServerPid } from '../storage/server-lock.js';
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
 * Sets the level. A running server reads the change within about a second, then sends the
 * incident webhook itself. Without a running server this command sends it, with the
 * `incident` and `outbound` settings of SEVEN_TICK_CONFIG, and for critical before the level
 * is stored. `clear` (level none) is the only way out of critical, because a locked-down
 * server rejects the admin API.
 */
export async function incidentSet(
  dataDir: string,
  levelName: string,
  reason: string | undefined,
): Promise<void> {
  const level = parseIncidentLevel(levelName);
  // TODO: while a server runs, it sends the webhook for a change made here only after the change
  // took effect, critical included. Sending it from here first needs a way to stop the server
  // from sending it a second time.
  const webhook = runningServerPid(dataDir) === undefined ? webhookFromConfig(dataDir) : undefined;
  const db = openDatabase(dataDir);
  let change: IncidentChange;
  try {
    const controller = new IncidentController({
      state: new IncidentState(db),
      webhook,
      onWebhookFailure: (error) => {
        const message = error instanceof Error ? error.message : String(error);
        console.error(
          `Warning: the incident webhook (${webhook?.origin}) failed: ${message}; ` +
            'the level is changed regardless',
        );
      },
    });
    change = await controller.change(level, { setBy: cliActor(), reason: reason ?? null });
  } finally {
    db.close();
  }
  console.error(`Incident level changed from ${change.previous} to ${level}`);
  // A running server notices the change within a second and audits it itself.
  if (runningServerPid(dataDir) !== undefined) return;
  await auditFromCli(dataDir, {
    type: level === 'none' ? 'incident.clear' : 'incident.set',
    detail: { from: change.previous, to: level, reason: reason ?? null, webhook: change.webhook },
  });
}

/**
 * Returns the webhook configured in SEVEN_TICK_CONFIG, or undefined when there is none or it
 * cannot be used. A broken webhook setting only prints a warning, because it must not stop an
 * operator from changing the level.
 */
function webhookFromConfig(dataDir: string): IncidentWebhook | undefined {
  try {
    const config = resolveConfig({ dataDir });
    const settings = config.incident;
    if (settings?.webhookUrl === undefined) return undefined;
    return new IncidentWebhook({
      url: settings.webhookUrl,
      outbound: new OutboundPolicy(config.outbound ?? {}),
      server: settings.serverName ?? os.hostname(),
      timeoutMs: settings.webhookTimeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`Warning: no incident webhook is sent: ${message}`);
    return undefined;
  }
}
