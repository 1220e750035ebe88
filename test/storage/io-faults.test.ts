/**
 * Disk faults on a real server process. The test builds test/helpers/fault-inject.c with gcc
 * and loads it into the server with LD_PRELOAD. While a trigger file exists, the library fails
 * fsync or write calls on the data dir's database files (seven-tick.db, -wal, -shm) with EIO or
 * ENOSPC. Other files, such as the audit log and stdout, are never failed.
 *
 * A failed fsync or write must fail the write with 503 STORAGE_IO_ERROR and apply nothing. Reads
 * must go on, and writes stay disabled until a restart. A full disk (ENOSPC on write) must fail
 * only the one write with 507. A failed fsync of the database file during SQLite's checkpoint
 * must lose no acknowledged write.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DATABASE_FILE } from '../../src/storage/database.js';
import {
  countMatches,
  REPO_ROOT,
  removeDir,
  startServerProcess,
  tempDataDir,
  type ServerProcess,
} from '../helpers/server-process.js';

const EX = 'http://example.org/io-faults/';

/** Compiles the fault library into `dir`; returns its path, or why it cannot be built here. */
function buildFaultLibrary(dir: string): { library?: string; skip?: string } {
  if (process.platform !== 'linux') return { skip: 'fault injection needs Linux /proc/self/fd' };
  const library = path.join(dir, 'fault-inject.so');
  const source = path.join(REPO_ROOT, 'test', 'helpers', 'fault-inject.c');
  const result = spawnSync('gcc', ['-shared', '-fPIC', '-O2', '-o', library, source, '-ldl'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    return { skip: 'gcc is not installed, so the fault-injection library cannot be built' };
  }
  assert.equal(result.status, 0, `gcc failed: ${result.stderr}`);
  return { library };
}

/** A server whose database files fail while `trigger` exists; injected faults go to `faultLog`. */
interface FaultyServer {
  server: ServerProcess;
  trigger: string;
  faultLog: string;
}

/** Sends one SPARQL Update; returns the status and the parsed JSON body. */
async function update(
  server: ServerProcess,
  text: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await server.request('/update', {
    method: 'POST',
    headers: { 'content-type': 'application/sparql-update' },
    body: text,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Inserts `count` triples about the subject `name`. */
function insertItems(name: string, count = 3): string {
  const triples = Array.from({ length: count }, (_, k) => `<${EX}${name}> <${EX}item> ${k} .`);
  return `INSERT DATA { ${triples.join('\n')} }`;
}

function itemCount(server: ServerProcess, name: string): Promise<number> {
  return countMatches(server, `<${EX}${name}> <${EX}item> ?k`);
}

/** Parses the server's pino lines at level error (50) or above. */
function errorLines(server: ServerProcess): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const line of server.output) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as Record<string, unknown>;
    if (typeof entry.level === 'number' && entry.level >= 50) lines.push(entry);
  }
  return lines;
}

describe('disk faults under a real server', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'seven-tick-faults-'));
  const dataDirs: string[] = [];
  const servers: ServerProcess[] = [];
  let library: string | undefined;
  let skip: string | undefined;

  before(() => {
    ({ library, skip } = buildFaultLibrary(work));
  });

  after(async () => {
    for (const server of servers) await server.kill9();
    for (const dir of dataDirs) removeDir(dir);
    rmSync(work, { recursive: true, force: true });
  });

  /**
   * Starts a server on `dataDir`. With `faults`, calls on files whose path contains `faultPath`
   * (default: the database and its -wal and -shm files) fail while the trigger file exists.
   */
  async function start(
    dataDir: string,
    options: { faults: boolean; faultPath?: string },
  ): Promise<FaultyServer> {
    const trigger = path.join(work, `trigger-${servers.length}`);
    const faultLog = path.join(work, `faults-${servers.length}.log`);
    const env: NodeJS.ProcessEnv = options.faults
      ? {
          LD_PRELOAD: library,
          SEVEN_TICK_FAULT_TRIGGER: trigger,
          SEVEN_TICK_FAULT_PATH: options.faultPath ?? path.join(dataDir, DATABASE_FILE),
          SEVEN_TICK_FAULT_LOG: faultLog,
        }
      : {};
    const server = await startServerProcess({ dataDir, env });
    servers.push(server);
    return { server, trigger, faultLog };
  }

  function newDataDir(): string {
    const dir = tempDataDir();
    dataDirs.push(dir);
    return dir;
  }

  it('fsync EIO fails the write and disables writes', async (t) => {
    if (skip !== undefined) return t.skip(skip);
    const dataDir = newDataDir();
    const { server, trigger, faultLog } = await start(dataDir, { faults: true });

    assert.equal((await update(server, insertItems('before'))).status, 200);

    writeFileSync(trigger, 'fsync');
    const failed = await update(server, insertItems('during'));
    assert.equal(failed.status, 503);
    assert.equal(failed.body.code, 'STORAGE_IO_ERROR');
    assert.match(String(failed.body.detail), /SQLITE_IOERR_FSYNC/);
    // The library saw SQLite's fsync of the write-ahead log, so the wrapped symbol is the one used.
    assert.match(readFileSync(faultLog, 'utf8'), /^fsync EIO .*seven-tick\.db-wal$/m);

    // Queries still work during the fault, and do not see the failed write.
    assert.equal(await itemCount(server, 'before'), 3);
    assert.equal(await itemCount(server, 'during'), 0);
    assert.equal((await server.request('/health', { auth: null })).status, 200);

    // Writes stay disabled after the disk recovers, until a restart.
    rmSync(trigger);
    const rejected = await update(server, insertItems('after-fault'));
    assert.equal(rejected.status, 503);
    assert.equal(rejected.body.code, 'STORAGE_IO_ERROR');
    assert.match(String(rejected.body.detail), /SQLITE_IOERR_FSYNC/);
    assert.match(String(rejected.body.detail), /restart/);
    const graphStore = await server.request('/data?default', {
      method: 'POST',
      headers: { 'content-type': 'application/n-triples' },
      body: `<${EX}gsp> <${EX}item> "0" .\n`,
    });
    assert.equal(graphStore.status, 503);
    assert.equal(((await graphStore.json()) as { code: string }).code, 'STORAGE_IO_ERROR');
    const newDataset = await server.request('/admin/datasets/added', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(newDataset.status, 503);
    assert.equal(((await newDataset.json()) as { code: string }).code, 'STORAGE_IO_ERROR');
    assert.equal(await itemCount(server, 'before'), 3);

    const ready = await server.request('/ready', { auth: null });
    assert.equal(ready.status, 503);
    const readyBody = (await ready.json()) as { status: string; detail: string };
    assert.equal(readyBody.status, 'read-only');
    assert.match(readyBody.detail, /SQLITE_IOERR_FSYNC/);

    // One error-level log line and one audit entry for the fault, none for the later rejections.
    const errors = errorLines(server).filter((line) => String(line.msg).includes('disk I/O'));
    assert.equal(errors.length, 1, JSON.stringify(errorLines(server)));
    assert.equal(errors[0]!.code, 'SQLITE_IOERR_FSYNC');
    const audit = await server.request('/admin/audit?limit=100');
    assert.equal(audit.status, 200);
    const { entries } = (await audit.json()) as {
      entries: { type: string; detail: Record<string, unknown> }[];
    };
    const faults = entries.filter((entry) => entry.type === 'incident.storage-fault');
    assert.equal(faults.length, 1);
    assert.equal(faults[0]!.detail.code, 'SQLITE_IOERR_FSYNC');
    assert.equal(faults[0]!.detail.dataset, 'default');

    // A clean restart without the fault: acknowledged data is there, failed writes are not.
    await server.stop();
    const restarted = (await start(dataDir, { faults: false })).server;
    assert.equal((await restarted.request('/ready', { auth: null })).status, 200);
    assert.equal(await itemCount(restarted, 'before'), 3);
    assert.equal(await itemCount(restarted, 'during'), 0);
    assert.equal(await itemCount(restarted, 'after-fault'), 0);
    assert.equal(await countMatches(restarted, `<${EX}gsp> ?p ?o`), 0);
    const datasets = await restarted.request('/admin/datasets');
    assert.equal(datasets.status, 200);
    assert.doesNotMatch(await datasets.text(), /"added"/);
    assert.equal((await update(restarted, insertItems('restarted'))).status, 200);
    assert.equal(await itemCount(restarted, 'restarted'), 3);
    await restarted.stop();
  });

  it('write EIO in the segment commit fails the same way', async (t) => {
    if (skip !== undefined) return t.skip(skip);
    const dataDir = newDataDir();
    const { server, trigger, faultLog } = await start(dataDir, { faults: true });
    assert.equal((await update(server, insertItems('before'))).status, 200);

    // Segments are blobs in the database, so a commit writes them as pages of the WAL.
    writeFileSync(trigger, 'write');
    const failed = await update(server, insertItems('during', 50));
    assert.equal(failed.status, 503);
    assert.equal(failed.body.code, 'STORAGE_IO_ERROR');
    assert.match(String(failed.body.detail), /SQLITE_IOERR_WRITE/);
    assert.match(readFileSync(faultLog, 'utf8'), /^pwrite64 EIO .*seven-tick\.db-wal$/m);
    assert.equal(await itemCount(server, 'during'), 0);

    rmSync(trigger);
    assert.equal((await update(server, insertItems('after-fault'))).status, 503);
    assert.equal(await itemCount(server, 'before'), 3);

    await server.stop();
    const restarted = (await start(dataDir, { faults: false })).server;
    assert.equal(await itemCount(restarted, 'before'), 3);
    assert.equal(await itemCount(restarted, 'during'), 0);
    assert.equal(await itemCount(restarted, 'after-fault'), 0);
    await restarted.stop();
  });

  it('write ENOSPC fails one write with 507', async (t) => {
    if (skip !== undefined) return t.skip(skip);
    const dataDir = newDataDir();
    const { server, trigger } = await start(dataDir, { faults: true });
    assert.equal((await update(server, insertItems('before'))).status, 200);

    writeFileSync(trigger, 'write enospc');
    const failed = await update(server, insertItems('during'));
    assert.equal(failed.status, 507);
    assert.equal(failed.body.code, 'STORAGE_FULL');
    assert.equal(await itemCount(server, 'during'), 0);

    // SQLite reports a full disk before anything is lost, so writes resume once space is free.
    rmSync(trigger);
    assert.equal((await update(server, insertItems('after-fault'))).status, 200);
    assert.equal(await itemCount(server, 'after-fault'), 3);
    assert.equal((await server.request('/ready', { auth: null })).status, 200);
    await server.stop();
  });

  it('checkpoint fsync EIO keeps the write', async (t) => {
    if (skip !== undefined) return t.skip(skip);
    const dataDir = newDataDir();
    // The '$' makes the pattern match only the database file, not its -wal and -shm files.
    const faultPath = `${path.join(dataDir, DATABASE_FILE)}$`;
    const { server, trigger, faultLog } = await start(dataDir, { faults: true, faultPath });
    assert.equal((await update(server, insertItems('before'))).status, 200);

    // A write over SQLite's automatic checkpoint threshold (1,000 WAL pages of 4 KiB by default)
    // makes SQLite copy the WAL into the database file and fsync that file.
    writeFileSync(trigger, 'fsync');
    const lines = Array.from(
      { length: 60_000 },
      (_, k) => `<${EX}bulk> <${EX}item> "item ${k} ${'x'.repeat(40)}" .`,
    );
    const bulk = await server.request('/data?default', {
      method: 'POST',
      headers: { 'content-type': 'application/n-triples' },
      body: lines.join('\n') + '\n',
    });
    assert.equal(bulk.status, 204, await bulk.text());
    assert.match(readFileSync(faultLog, 'utf8'), /^fsync EIO .*seven-tick\.db$/m);

    // SQLite ignores the checkpoint's result, so the engine keeps accepting writes.
    assert.equal((await server.request('/ready', { auth: null })).status, 200);
    assert.equal((await update(server, insertItems('after-checkpoint'))).status, 200);

    // A crash leaves the WAL in place, and recovery restores every acknowledged write from it.
    await server.kill9();
    rmSync(trigger);
    const restarted = (await start(dataDir, { faults: false })).server;
    assert.equal(await itemCount(restarted, 'before'), 3);
    assert.equal(await itemCount(restarted, 'bulk'), 60_000);
    assert.equal(await itemCount(restarted, 'after-checkpoint'), 3);
    await restarted.stop();
  });

  it('crash after fsync EIO leaves no half write', async (t) => {
    if (skip !== undefined) return t.skip(skip);
    const dataDir = newDataDir();
    const { server, trigger } = await start(dataDir, { faults: true });
    assert.equal((await update(server, insertItems('before'))).status, 200);

    writeFileSync(trigger, 'fsync');
    assert.equal((await update(server, insertItems('during', 5))).status, 503);
    await server.kill9();
    rmSync(trigger);

    // The commit's frames reached the WAL before the fsync failed, so recovery may restore the
    // write; it must restore all of it or none.
    const restarted = (await start(dataDir, { faults: false })).server;
    assert.equal(await itemCount(restarted, 'before'), 3);
    const during = await itemCount(restarted, 'during');
    assert.ok(during === 0 || during === 5, `the failed write is half present: ${during} of 5`);
    t.diagnostic(`the failed write is ${during === 5 ? 'present' : 'absent'} after the crash`);
    await restarted.stop();
  });
});
