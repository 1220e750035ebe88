/**
 * Packed quad data (the fast path of large INSERT DATA and DELETE DATA) writes exactly what
 * the template quads of sparqljs write, on a real engine.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { executeUpdate, parseUpdateAsync } from '../../src/sparql/index.js';
import { Engine } from '../../src/storage/engine.js';
import { ANY } from '../../src/store/types.js';
import {
  DEFAULT_GRAPH_INDEX,
  QuadPacker,
  resolvePackedQuads,
  unpackQuads,
} from '../../src/sparql/update/packed-quads.js';
import { QUAD_DATA_FAST_PATH_BYTES } from '../../src/sparql/update/quad-data.js';

const EX = 'http://example.org/';

/** Triples in many term forms, with blank nodes and named graphs, past the fast-path size. */
function dataBlock(): string {
  let text = '';
  for (let i = 0; text.length < 2 * QUAD_DATA_FAST_PATH_BYTES; i++) {
    text += `<${EX}s${i}> <${EX}p> "v${i}"@en , ${i} , <${EX}o${i % 7}> .\n`;
    text += `_:b${i} <${EX}q> [ <${EX}r> "${i}"^^<${EX}t> ] .\n`;
    text += `GRAPH <${EX}g${i % 3}> { <${EX}s${i}> <${EX}in> _:b${i} }\n`;
  }
  return text;
}

/**
 * Returns the dataset as sorted lines with every blank node written `_:`, and the number of
 * distinct blank nodes: the two parsers label blank nodes differently.
 */
function dump(engine: Engine, name: string): string {
  const { dictionary, quads } = engine.dataset(name);
  const blanks = new Set<string>();
  const lines: string[] = [];
  const cursor = quads.match(ANY, ANY, ANY, ANY);
  for (let n = 0; cursor.next() && n < 1_000_000; n++) {
    const keys = [cursor.s, cursor.p, cursor.o, cursor.g].map((id) => dictionary.key(id));
    for (const key of keys) if (key.startsWith('_:')) blanks.add(key);
    lines.push(keys.map((key) => (key.startsWith('_:') ? '_:' : key)).join(' '));
  }
  return `${blanks.size} blank nodes\n${lines.sort().join('\n')}`;
}

describe('packed quad data', () => {
  let dir: string;
  let engine: Engine;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'seven-tick-packed-'));
    engine = Engine.open(dir);
    engine.createDataset('fast');
    engine.createDataset('reference');
  });

  after(() => {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (dataset: string, text: string) =>
    engine.transaction(dataset, async (tx) => executeUpdate(tx, await parseUpdateAsync(text)));

  it('writes what the sparqljs reading writes', async () => {
    const insert = `INSERT DATA {\n${dataBlock()}}`;
    const [operation] = await parseUpdateAsync(insert);
    assert.ok(operation?.type === 'insertData');
    assert.notEqual(operation.packed, undefined, 'the request took the fast path');
    const fast = await run('fast', insert);
    // A second operation keeps the reference request off the fast path.
    const reference = await run('reference', `${insert} ;\nCLEAR SILENT GRAPH <urn:x:none>`);
    assert.ok(fast.inserted > 500);
    assert.equal(fast.inserted, reference.inserted);
    assert.equal(dump(engine, 'fast'), dump(engine, 'reference'));
  });

  it('gives blank nodes fresh labels in each request', async () => {
    const insert = `INSERT DATA {\n${dataBlock()}}`;
    const before = engine.dataset('fast').quads.size;
    const again = await run('fast', insert);
    // Only the triples without blank nodes are already present.
    assert.ok(again.inserted > 0);
    assert.ok(again.inserted < before);
  });

  it('deletes what the sparqljs reading deletes, skipping unknown terms', async () => {
    let block = '';
    for (let i = 0; block.length < 2 * QUAD_DATA_FAST_PATH_BYTES; i++) {
      block += `<${EX}s${i}> <${EX}p> ${i} , "never inserted ${i}" .\n`;
    }
    const remove = `DELETE DATA {\n${block}}`;
    const [operation] = await parseUpdateAsync(remove);
    assert.ok(operation?.type === 'deleteData');
    assert.notEqual(operation.packed, undefined, 'the request took the fast path');
    const fast = await run('fast', remove);
    const reference = await run('reference', `${remove} ;\nCLEAR SILENT GRAPH <urn:x:none>`);
    assert.ok(fast.deleted > 100);
    assert.equal(fast.deleted, reference.deleted);
  });

  it('skips quads whose subject is a literal or predicate is not an IRI', async () => {
    const packer = new QuadPacker();
    packer.add('"literal"', `${EX}p`, `${EX}o`, undefined);
    packer.add(`${EX}s`, '_:b', `${EX}o`, undefined);
    packer.add(`${EX}s`, `${EX}p`, `${EX}o`, '"graph"');
    packer.add(`${EX}s`, `${EX}p`, `${EX}o`, `${EX}g`);
    const data = packer.finish();
    const written = await engine.transaction('fast', async (tx) => {
      const quads = await resolvePackedQuads(tx.dictionary, data, 'insert');
      return Array.from(quads, (id) => tx.dictionary.key(id));
    });
    assert.deepEqual(written.value, [`${EX}s`, `${EX}p`, `${EX}o`, `${EX}g`]);
  });

  it('unpacks to template quads', () => {
    const packer = new QuadPacker();
    packer.add(`${EX}s`, `${EX}p`, '_:x', undefined);
    packer.add('_:x', `${EX}p`, '"1"', `${EX}g`);
    const data = packer.finish();
    assert.deepEqual(data.terms, [`${EX}s`, `${EX}p`, '_:x', '"1"', `${EX}g`]);
    assert.deepEqual(Array.from(data.quads), [0, 1, 2, DEFAULT_GRAPH_INDEX, 2, 1, 3, 4]);
    assert.deepEqual(unpackQuads(data), [
      {
        subject: { key: `${EX}s` },
        predicate: { key: `${EX}p` },
        object: { blank: 'x' },
        graph: undefined,
      },
      {
        subject: { blank: 'x' },
        predicate: { key: `${EX}p` },
        object: { key: '"1"' },
        graph: { key: `${EX}g` },
      },
    ]);
  });
});
