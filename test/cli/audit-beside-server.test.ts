/**
 * CLI account commands run beside a server are audited: the server appends the entries the
 * CLI queued, and entries queued while no server ran are appended at its next start.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { queueAuditEvent } from '../../src/security/audit-outbox.js';
import { openDatabase } from '../../src/storage/database.js';
import {
  removeDir,
  runCli,
  startServerProcess,
  tempDataDir,
  type ServerProcess,
} from '../helpers/server-process.js';

const PASSWORD = 'beside-server-password-ok';

interface Entry {
  type: string;
  actor: string | null;
  detail: Record<string, unknown>;
}

/** Polls GET /admin/audit until `found` matches an entry, for at most 15 s. */
async function waitForEntry(
  server: ServerProcess,
  found: (entry: Entry) => boolean,
): Promise<Entry> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const response = await server.request('/admin/audit?limit=1000');
    const { entries } = (await response.json()) as { entries: Entry[] };
    const entry = entries.find(found);
    if (entry !== undefined) return entry;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the audit entry did not appear within 15 s');
}

describe('CLI audit beside a running server', () => {
  let dataDir: string;
  let server: ServerProcess;

  before(async () => {
    dataDir = tempDataDir();
    server = await startServerProcess({ dataDir });
  });
  after(async () => {
    await server.stop();
    removeDir(dataDir);
  });

  it('appends the entry of a user added with the CLI', async () => {
    const added = runCli(['user', 'add', 'carol', '--data-dir', dataDir], {
      input: `${PASSWORD}\n`,
    });
    assert.equal(added.status, 0, added.stderr);
    assert.match(added.stderr, /Audited through the running server/);
    const entry = await waitForEntry(
      server,
      (e) => e.type === 'admin.user.add' && e.detail.username === 'carol',
    );
    assert.match(String(entry.actor), /^cli/);
    assert.equal(typeof entry.detail.queuedAt, 'string');
    assert.ok(!JSON.stringify(entry).includes(PASSWORD), 'the password is not in the entry');
  });

  it('appends at start what was queued while the server was down', async () => {
    // A CLI command queues its entry while a server runs. Here the server stops before it
    // drains the queue, so the entry waits in the database for the next start.
    await server.stop();
    const db = openDatabase(dataDir);
    try {
      queueAuditEvent(db, {
        type: 'admin.user.remove',
        actor: 'cli:test',
        address: null,
        detail: { username: 'queued-while-down' },
      });
    } finally {
      db.close();
    }
    server = await startServerProcess({ dataDir });
    await waitForEntry(server, (e) => e.detail.username === 'queued-while-down');
    await server.stop();
    const verify = runCli(['audit', 'verify', '--data-dir', dataDir]);
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    server = await startServerProcess({ dataDir });
  });
});
