/**
 * Loading is durable and atomic per file: data survives restarts, a file with a syntax error
 * loads nothing, and `kill -9` in the middle of a load leaves either the whole file or none of
 * it, never a damaged data dir.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CLI,
  REPO_ROOT,
  SHARED,
  removeDir,
  runCli,
  startServerProcess,
  tempDataDir,
} from '../helpers/server-process.js';

const LUBM1 = path.join(SHARED, 'data/lubm/lubm1.nt.gz');
const LUBM8 = path.join(SHARED, 'data/lubm/lubm8.nt.gz');
const LUBM1_QUADS = 100_545;

function countQuads(dataDir: string): number {
  const result = runCli([
    'query',
    '--data-dir',
    dataDir,
    '--format',
    'tsv',
    'SELECT ?s ?p ?o WHERE { ?s ?p ?o }',
    '--max-rows',
    '100000000',
  ]);
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim().split('\n').length - 1;
}

function datasetQuads(dataDir: string): number {
  const result = runCli(['dataset', 'list', '--data-dir', dataDir]);
  assert.equal(result.status, 0, result.stderr);
  const line = result.stdout.split('\n').find((row) => row.startsWith('default\t'));
  assert.ok(line, result.stdout);
  return Number(line.split('\t')[1].split(' ')[0]);
}

describe('durable, atomic loading', () => {
  let dataDir: string;

  before(() => {
    dataDir = tempDataDir();
    const load = runCli(['load', '--data-dir', dataDir, LUBM1]);
    assert.equal(load.status, 0, load.stderr);
  });

  after(() => removeDir(dataDir));

  it('keeps loaded data across a server restart and kill -9', async () => {
    const server = await startServerProcess({ dataDir });
    await server.kill9();
    const again = await startServerProcess({ dataDir, args: ['--max-result-rows', '200000'] });
    try {
      const response = await again.request(
        `/sparql?query=${encodeURIComponent('SELECT ?s WHERE { ?s ?p ?o }')}`,
        { headers: { accept: 'text/tab-separated-values' } },
      );
      assert.equal(response.status, 200);
      const lines = (await response.text()).trim().split('\n');
      assert.equal(lines.length - 1, LUBM1_QUADS);
    } finally {
      await again.stop();
    }
  });

  it('loads nothing from a file with a syntax error and names the position', () => {
    const before = countQuads(dataDir);
    const bad = path.join(dataDir, 'broken.ttl');
    writeFileSync(
      bad,
      '@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e ex:f .\nex:g ex:h "unterminated .\n',
    );
    const load = runCli(['load', '--data-dir', dataDir, bad]);
    assert.equal(load.status, 2);
    assert.match(load.stderr, /broken\.ttl/);
    assert.match(load.stderr, /:4:\d+|line 4/);
    assert.equal(countQuads(dataDir), before);
    const check = runCli(['check', '--data-dir', dataDir]);
    assert.equal(check.status, 0, check.stderr);
  });

  it('rejects an unknown file extension before loading anything', () => {
    const load = runCli(['load', '--data-dir', dataDir, LUBM1, path.join(dataDir, 'data.csv')]);
    assert.equal(load.status, 2);
    assert.match(load.stderr, /data\.csv/);
    assert.equal(datasetQuads(dataDir), LUBM1_QUADS);
  });

  for (const delayMs of [300, 1500, 4000]) {
    it(`survives kill -9 of a load after ${delayMs} ms`, async () => {
      const before = datasetQuads(dataDir);
      const child = spawn(process.execPath, [CLI, 'load', '--data-dir', dataDir, LUBM8], {
        cwd: REPO_ROOT,
        stdio: 'ignore',
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      child.kill('SIGKILL');
      await exited;

      const check = runCli(['check', '--data-dir', dataDir]);
      assert.equal(check.status, 0, check.stderr + check.stdout);
      const afterKill = datasetQuads(dataDir);
      // Either the load committed before the kill (all of LUBM(8) is there) or nothing was.
      if (afterKill !== before) {
        const fresh = tempDataDir();
        try {
          const reference = runCli(['load', '--data-dir', fresh, LUBM1, LUBM8]);
          assert.equal(reference.status, 0, reference.stderr);
          assert.equal(afterKill, datasetQuads(fresh));
        } finally {
          removeDir(fresh);
        }
      }
    });
  }
});
