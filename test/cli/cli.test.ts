/**
 * The `seven-tick` command as a user runs it: load, query, dataset, user and token commands,
 * their output and exit statuses.
 */
import assert from 'node:assert/strict';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { removeDir, runCli, tempDataDir } from '../helpers/server-process.js';

const TURTLE = `@prefix ex: <http://example.org/> .
ex:a ex:p ex:b , ex:c .
ex:b ex:p ex:c .
`;

describe('seven-tick CLI', () => {
  let dataDir: string;

  before(() => {
    dataDir = tempDataDir();
  });

  after(() => removeDir(dataDir));

  it('loads a gzipped file into a named graph and reports counts', () => {
    const file = path.join(dataDir, 'small.ttl.gz');
    writeFileSync(file, gzipSync(TURTLE));
    const load = runCli(['load', '--data-dir', dataDir, '--graph', 'http://example.org/g', file]);
    assert.equal(load.status, 0, load.stderr);
    assert.match(load.stderr, /3 quads read, 3 new/);

    const query = runCli([
      'query',
      '--data-dir',
      dataDir,
      'SELECT ?s WHERE { GRAPH <http://example.org/g> { ?s ?p ?o } } ORDER BY ?s',
    ]);
    assert.equal(query.status, 0, query.stderr);
    assert.equal(
      query.stdout,
      '?s\n<http://example.org/a>\n<http://example.org/a>\n<http://example.org/b>\n',
    );
  });

  it('does not add a quad twice', () => {
    const file = path.join(dataDir, 'again.ttl');
    writeFileSync(file, TURTLE);
    const first = runCli(['load', '--data-dir', dataDir, '--dataset', 'other', file]);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stderr, /Created dataset other/);
    const second = runCli(['load', '--data-dir', dataDir, '--dataset', 'other', file]);
    assert.match(second.stderr, /3 quads read, 0 new/);
  });

  it('prints ASK and CONSTRUCT results in the requested format', () => {
    const ask = runCli(['query', '--data-dir', dataDir, '--dataset', 'other', 'ASK { ?s ?p ?o }']);
    assert.equal(ask.stdout, 'true\n');
    const json = runCli([
      'query',
      '--data-dir',
      dataDir,
      '--dataset',
      'other',
      '--format',
      'json',
      'ASK { ?s ?p ?o }',
    ]);
    assert.deepEqual(JSON.parse(json.stdout), { head: {}, boolean: true });
    const graph = runCli([
      'query',
      '--data-dir',
      dataDir,
      '--dataset',
      'other',
      '--format',
      'ntriples',
      'CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }',
    ]);
    assert.equal(graph.status, 0, graph.stderr);
    assert.equal(graph.stdout.trim().split('\n').length, 3);
  });

  it('reports a SPARQL syntax error with exit status 2', () => {
    const query = runCli(['query', '--data-dir', dataDir, 'SELEKT * WHERE {}']);
    assert.equal(query.status, 2);
    assert.match(query.stderr, /^seven-tick: /);
    assert.ok(!query.stderr.includes('    at '), 'no stack trace');
  });

  it('reports a syntax error in N-Triples with file, line and column', () => {
    const file = path.join(dataDir, 'bad.nt');
    writeFileSync(file, '<http://a> <http://b> <http://c> .\n<http://a> <http://b> oops .\n');
    const load = runCli(['load', '--data-dir', dataDir, file]);
    assert.equal(load.status, 2);
    assert.match(load.stderr, /bad\.nt:2:\d+/);
    assert.match(load.stderr, /nothing loaded from this file/);
  });

  it('rejects a relative graph name', () => {
    const file = path.join(dataDir, 'again.ttl');
    const load = runCli(['load', '--data-dir', dataDir, '--graph', 'not an iri', file]);
    assert.equal(load.status, 2);
    assert.match(load.stderr, /absolute IRI/);
  });

  it('adds, lists and removes users and tokens', () => {
    const add = runCli(['user', 'add', 'carol', '--roles', 'reader', '--data-dir', dataDir], {
      input: 'carol-password-long\n',
    });
    assert.equal(add.status, 0, add.stderr);
    const weak = runCli(['user', 'add', 'dave', '--data-dir', dataDir], { input: 'short\n' });
    assert.equal(weak.status, 2);
    assert.match(weak.stderr, /12/);

    const list = runCli(['user', 'list', '--data-dir', dataDir]);
    assert.match(list.stdout, /^carol\treader\tlast login never\tlast failed login never$/m);
    assert.ok(!list.stdout.includes('argon2'));

    const token = runCli([
      'token',
      'create',
      'carol',
      '--scopes',
      'read',
      '--name',
      'ci',
      '--data-dir',
      dataDir,
    ]);
    assert.equal(token.status, 0, token.stderr);
    assert.match(token.stdout.trim(), /^7t_[A-Za-z0-9_-]{40,}$/);
    const tokens = runCli(['token', 'list', '--data-dir', dataDir]);
    assert.match(tokens.stdout, /carol\tapi\tread\tactive/);
    assert.ok(!tokens.stdout.includes(token.stdout.trim()));

    const remove = runCli(['user', 'remove', 'carol', '--data-dir', dataDir]);
    assert.equal(remove.status, 0, remove.stderr);
    assert.doesNotMatch(runCli(['user', 'list', '--data-dir', dataDir]).stdout, /carol/);
  });

  it('lists and drops datasets', () => {
    const list = runCli(['dataset', 'list', '--data-dir', dataDir]);
    assert.match(list.stdout, /^default\t3 quads/m);
    assert.match(list.stdout, /^other\t3 quads/m);
    assert.equal(runCli(['dataset', 'drop', 'other', '--data-dir', dataDir]).status, 0);
    assert.doesNotMatch(runCli(['dataset', 'list', '--data-dir', dataDir]).stdout, /other/);
    const missing = runCli(['dataset', 'drop', 'other', '--data-dir', dataDir]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /does not exist/);
  });

  it('reads nothing from a missing data dir', () => {
    const missing = path.join(dataDir, 'no-such-dir');
    for (const args of [['dataset', 'list'], ['query', 'ASK {}'], ['check']]) {
      const result = runCli([...args, '--data-dir', missing]);
      assert.equal(result.status, 2, args.join(' '));
      assert.match(result.stderr, /No seven-tick data dir/);
    }
    assert.equal(existsSync(missing), false);
  });

  it('check fails on an emptied database without writing', () => {
    const emptied = tempDataDir();
    try {
      writeFileSync(path.join(emptied, 'seven-tick.db'), '');
      const check = runCli(['check', '--data-dir', emptied]);
      assert.equal(check.status, 1);
      assert.match(check.stderr, /not a seven-tick database/);
      assert.equal(statSync(path.join(emptied, 'seven-tick.db')).size, 0);
    } finally {
      removeDir(emptied);
    }
  });

  it('checks a healthy data dir', () => {
    const check = runCli(['check', '--data-dir', dataDir]);
    assert.equal(check.status, 0, check.stderr);
    assert.match(check.stdout, /^OK: /);
  });
});
