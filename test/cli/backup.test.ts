/**
 * `seven-tick backup` while a server keeps writing, then `seven-tick restore` into a new data
 * dir and a server on it: the backup holds every transaction acknowledged before it started,
 * and none half applied.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  CLI,
  REPO_ROOT,
  removeDir,
  runCli,
  startServerProcess,
  tempDataDir,
  type ServerProcess,
} from '../helpers/server-process.js';

const EX = 'http://example.org/backup/';
const ITEMS = 4;

/** Runs a CLI command without blocking the event loop, so the writers keep going meanwhile. */
function runCliAsync(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

async function countPerTransaction(server: ServerProcess): Promise<Map<string, number>> {
  const query = `SELECT ?tx (COUNT(*) AS ?n) { ?tx <${EX}item> ?k } GROUP BY ?tx`;
  const response = await server.request(`/sparql?query=${encodeURIComponent(query)}`);
  assert.equal(response.status, 200);
  const body = (await response.json()) as {
    results: { bindings: { tx: { value: string }; n: { value: string } }[] };
  };
  return new Map(body.results.bindings.map((row) => [row.tx.value, Number(row.n.value)]));
}

describe('backup, restore and CLI writes beside a server', () => {
  const dataDir = tempDataDir();
  const backupDir = path.join(tempDataDir(), 'backup');
  const restoredDir = tempDataDir();
  let server: ServerProcess | undefined;

  after(async () => {
    await server?.stop();
    for (const dir of [dataDir, path.dirname(backupDir), restoredDir]) removeDir(dir);
  });

  it('backs up while writes continue and restores a consistent copy', async () => {
    server = await startServerProcess({ dataDir });
    const writer = server;
    let next = 0;
    let stopped = false;
    const writes = (async () => {
      for (let i = 0; !stopped && i < 100_000; i++) {
        const tx = `<${EX}t${i}>`;
        const items = Array.from({ length: ITEMS }, (_, k) => `${tx} <${EX}item> ${k} .`);
        const response = await writer.request('/update', {
          method: 'POST',
          headers: { 'content-type': 'application/sparql-update' },
          body: `INSERT DATA { ${items.join(' ')} }`,
        });
        assert.equal(response.status, 200, await response.text());
        next = i + 1;
      }
    })();
    // Let some writes land, then back up while they go on.
    while (next < 5) await new Promise((resolve) => setTimeout(resolve, 20));
    const acknowledgedBefore = next;
    const backup = await runCliAsync(['backup', backupDir, '--data-dir', dataDir]);
    const acknowledgedAfter = next;
    stopped = true;
    await writes;
    assert.equal(backup.status, 0, backup.stderr);
    assert.match(backup.stderr, /all checksums match|Backed up/);
    assert.ok(existsSync(path.join(backupDir, 'seven-tick.db')));

    // Restoring over a running server's data dir is refused.
    const refused = runCli(['restore', backupDir, '--data-dir', dataDir, '--force']);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /stop it before restoring/);
    // So are CLI writes: the server would not see them until it restarts.
    const update = runCli(['update', 'INSERT DATA { <a:s> <a:p> <a:o> }', '--data-dir', dataDir]);
    assert.equal(update.status, 2);
    assert.match(update.stderr, /HTTP API/);
    await server.stop();

    const restore = runCli(['restore', backupDir, '--data-dir', restoredDir]);
    assert.equal(restore.status, 0, restore.stderr);
    server = await startServerProcess({ dataDir: restoredDir });
    const counts = await countPerTransaction(server);
    for (let i = 0; i < acknowledgedBefore; i++) {
      assert.equal(counts.get(`${EX}t${i}`), ITEMS, `transaction ${i} missing from the backup`);
    }
    for (const [tx, n] of counts) assert.equal(n, ITEMS, `${tx} is half applied`);
    assert.ok(counts.size <= acknowledgedAfter + 1, 'the backup has writes from after it ended');
  });

  it('rejects a non-empty destination and a non-backup source', () => {
    const notEmpty = runCli(['backup', restoredDir, '--data-dir', dataDir]);
    assert.equal(notEmpty.status, 2);
    assert.match(notEmpty.stderr, /not empty/);
    const target = tempDataDir();
    const notBackup = runCli(['restore', REPO_ROOT, '--data-dir', target]);
    removeDir(target);
    assert.equal(notBackup.status, 2);
    assert.match(notBackup.stderr, /not a backup/);
  });
});
