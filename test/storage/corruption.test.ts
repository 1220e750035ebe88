/**
 * A damaged data dir is detected: `seven-tick check` fails and the server refuses to become
 * ready rather than serve bad data.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../../src/storage/database.js';
import { removeDir, runCli, startServerProcess, tempDataDir } from '../helpers/server-process.js';

describe('corruption detection', () => {
  let dataDir: string;

  before(() => {
    dataDir = tempDataDir();
    const file = path.join(dataDir, 'data.nt');
    writeFileSync(file, '<http://a> <http://b> <http://c> .\n<http://a> <http://b> "d" .\n');
    const load = runCli(['load', '--data-dir', dataDir, file]);
    assert.equal(load.status, 0, load.stderr);
    // Flip one byte of the stored quads, leaving the checksum as it was.
    const db = new Database(path.join(dataDir, DATABASE_FILE));
    const row = db.prepare('SELECT id, data FROM segments ORDER BY id DESC LIMIT 1').get() as {
      id: number;
      data: Buffer;
    };
    const damaged = Buffer.from(row.data);
    damaged[0] ^= 0x01;
    db.prepare('UPDATE segments SET data = ? WHERE id = ?').run(damaged, row.id);
    db.close();
  });

  after(() => removeDir(dataDir));

  it('fails seven-tick check with status 1', () => {
    const check = runCli(['check', '--data-dir', dataDir]);
    assert.equal(check.status, 1);
    assert.match(check.stderr, /Checksum mismatch/);
  });

  it('keeps the server unready and exits', async () => {
    const server = await startServerProcess({ dataDir, waitReady: false });
    const exit = await new Promise<number | null>((resolve) => {
      if (server.child.exitCode !== null) resolve(server.child.exitCode);
      server.child.once('exit', resolve);
    });
    assert.equal(exit, 2);
    assert.match(server.output.join('\n'), /Checksum mismatch/);
  });
});
