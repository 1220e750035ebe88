/** maxUpdateQuads bounds a whole update request, however many operations it has. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LimitExceededError } from '../../src/errors.js';
import { executeUpdate, parseUpdate } from '../../src/sparql/index.js';
import { DEFAULT_DATASET, Engine } from '../../src/storage/engine.js';

describe('update quad limit', () => {
  let dir: string;
  let engine: Engine;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'seven-tick-update-limit-'));
    engine = Engine.open(dir);
  });

  after(() => {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (text: string, maxUpdateQuads: number) =>
    engine.transaction(DEFAULT_DATASET, (tx) =>
      executeUpdate(tx, parseUpdate(text), { maxUpdateQuads }),
    );

  it('counts every operation of the request', async () => {
    const two = 'INSERT DATA { <a:s> <a:p> 1 , 2 }';
    assert.equal((await run(two, 3)).inserted, 2);
    await assert.rejects(
      run(`${two.replace('<a:s>', '<a:t>')} ; ${two.replace('<a:s>', '<a:u>')}`, 3),
      (error: unknown) =>
        error instanceof LimitExceededError && /maxUpdateQuads/.test(error.message),
    );
    assert.equal(engine.dataset(DEFAULT_DATASET).quads.size, 2);
  });

  it('counts the quads a WHERE clause produces', async () => {
    await assert.rejects(run('INSERT { ?s <a:q> ?o } WHERE { ?s ?p ?o }', 1), LimitExceededError);
    assert.equal((await run('INSERT { ?s <a:q> ?o } WHERE { ?s ?p ?o }', 2)).inserted, 2);
  });
});
