/** validateCommand: exit statuses 0, 1 and 2, and a Turtle report on the output stream. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Parser } from 'n3';
import { validateCommand } from '../../src/cli/validate.js';
import { Engine } from '../../src/storage/engine.js';
import { removeDir, tempDataDir } from '../helpers/server-process.js';

const PREFIXES = `@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
`;
const SHAPES = `${PREFIXES}ex:S a sh:NodeShape ; sh:targetClass ex:Person ;
  sh:property [ sh:path ex:name ; sh:minCount 1 ] .`;
const GOOD = `${PREFIXES}ex:a a ex:Person ; ex:name "A" .`;
const BAD = `${PREFIXES}ex:a a ex:Person ; ex:name "A" . ex:b a ex:Person .`;

async function run(options: { shapes: string; data?: string; dataset?: string; dataDir: string }) {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks: string[] = [];
  const errors: string[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  err.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
  const status = await validateCommand({ ...options, out, err });
  return { status, stdout: chunks.join(''), stderr: errors.join('') };
}

describe('validate command', () => {
  let dir: string;
  const file = (name: string, text: string) => {
    const full = path.join(dir, name);
    writeFileSync(full, text);
    return full;
  };

  before(() => {
    dir = tempDataDir();
  });
  after(() => removeDir(dir));

  it('exits 0 for conforming data', async () => {
    const result = await run({
      shapes: file('shapes.ttl', SHAPES),
      data: file('good.ttl', GOOD),
      dataDir: dir,
    });
    assert.equal(result.status, 0, result.stderr);
    const quads = new Parser().parse(result.stdout);
    assert.ok(
      quads.some(
        (quad) => quad.predicate.value.endsWith('#conforms') && quad.object.value === 'true',
      ),
    );
  });

  it('exits 1 with a report for violations', async () => {
    const result = await run({
      shapes: file('shapes.ttl', SHAPES),
      data: file('bad.ttl', BAD),
      dataDir: dir,
    });
    assert.equal(result.status, 1, result.stderr);
    const quads = new Parser().parse(result.stdout);
    const focus = quads.filter((quad) => quad.predicate.value.endsWith('#focusNode'));
    assert.deepEqual(
      focus.map((quad) => quad.object.value),
      ['http://example.org/b'],
    );
    assert.match(result.stdout, /resultMessage/);
  });

  it('exits 2 for a missing file or an invalid shapes graph', async () => {
    const missing = await run({
      shapes: path.join(dir, 'nope.ttl'),
      data: file('good.ttl', GOOD),
      dataDir: dir,
    });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /not found/);
    const invalid = file('invalid.ttl', `${PREFIXES}ex:S sh:targetNode ex:a ; sh:pattern "(" .`);
    const result = await run({ shapes: invalid, data: file('good.ttl', GOOD), dataDir: dir });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /sh:pattern/);
  });

  it('validates a stored dataset', async () => {
    const dataDir = path.join(dir, 'data');
    const engine = Engine.open(dataDir);
    try {
      engine.createDataset('people');
      await engine.loadFile('people', file('bad-store.ttl', BAD));
    } finally {
      engine.close();
    }
    const result = await run({ shapes: file('shapes.ttl', SHAPES), dataset: 'people', dataDir });
    assert.equal(result.status, 1, result.stderr);
    const unknown = await run({ shapes: file('shapes.ttl', SHAPES), dataset: 'nobody', dataDir });
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /nobody/);
  });
});
