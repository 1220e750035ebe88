import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseUpdate, type UpdateOperation } from '../../src/sparql/index.js';
import { resolveRelativeIris } from '../../src/sparql/relative-iris.js';
import { QUAD_DATA_FAST_PATH_BYTES } from '../../src/sparql/update/quad-data.js';

const BASE = 'http://b.org/dir/file';

/** Text, base, and the text sparqljs must read. */
const CASES: Array<[string, string | undefined, string]> = [
  ['SELECT * { <../up> ?p ?o }', BASE, 'SELECT * { <http://b.org/up> ?p ?o }'],
  ['SELECT * { <//host/x> ?p ?o }', BASE, 'SELECT * { <http://host/x> ?p ?o }'],
  [
    'SELECT * { <a/./b/../c> ?p <#f> }',
    BASE,
    'SELECT * { <http://b.org/dir/a/c> ?p <http://b.org/dir/file#f> }',
  ],
  [
    'SELECT * { <> ?p <?q> }',
    BASE,
    'SELECT * { <http://b.org/dir/file> ?p <http://b.org/dir/file?q> }',
  ],
  [
    'SELECT * { <http://x.org/a/../b> ?p <urn:a:b> }',
    BASE,
    'SELECT * { <http://x.org/a/../b> ?p <urn:a:b> }',
  ],
  [
    'BASE <../other/> SELECT * { <x> ?p ?o }',
    BASE,
    'BASE <http://b.org/other/> SELECT * { <http://b.org/other/x> ?p ?o }',
  ],
  [
    'base\n# comment\n<http://n.org/a/> SELECT * { <x> ?p ?o }',
    undefined,
    'base\n# comment\n<http://n.org/a/> SELECT * { <http://n.org/a/x> ?p ?o }',
  ],
  [
    'PREFIX e: <../e/> SELECT * { e:x ?p ?o }',
    BASE,
    'PREFIX e: <http://b.org/e/> SELECT * { e:x ?p ?o }',
  ],
  [
    'INSERT DATA { <a> <b> <c> } ; BASE <http://n.org/> INSERT DATA { <a> <b> <c> }',
    BASE,
    'INSERT DATA { <http://b.org/dir/a> <http://b.org/dir/b> <http://b.org/dir/c> } ; BASE <http://n.org/> INSERT DATA { <http://n.org/a> <http://n.org/b> <http://n.org/c> }',
  ],
  ['SELECT * { <x> ?p ?o }', undefined, 'SELECT * { <x> ?p ?o }'],
  [
    'SELECT * { ?s ?p "<../x>", \'<y>\', """<z>""" }',
    BASE,
    'SELECT * { ?s ?p "<../x>", \'<y>\', """<z>""" }',
  ],
  ['SELECT * { ?s ?p ?o # <../x>\n}', BASE, 'SELECT * { ?s ?p ?o # <../x>\n}'],
  [
    'SELECT ?base { ?base ex:base e:a\\#b . <x> ?p ?o }',
    BASE,
    'SELECT ?base { ?base ex:base e:a\\#b . <http://b.org/dir/x> ?p ?o }',
  ],
  [
    'SELECT * { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }',
    BASE,
    'SELECT * { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }',
  ],
];

/** Returns the term key each position of the first quad of a data operation has. */
function firstQuadKeys(operations: UpdateOperation[]): string[] {
  const operation = operations[0]!;
  assert.ok(operation.type === 'insertData' || operation.type === 'deleteData');
  const quad = operation.quads[0]!;
  return [quad.subject, quad.predicate, quad.object].map((term) =>
    'key' in term ? term.key : JSON.stringify(term),
  );
}

describe('relative IRI resolution before sparqljs', () => {
  for (const [text, base, expected] of CASES) {
    it(`reads ${JSON.stringify(text).slice(0, 60)}`, () => {
      assert.equal(resolveRelativeIris(text, base), expected);
    });
  }

  it('stores the same IRIs from a short and a long INSERT DATA', () => {
    const triples = [
      'BASE <http://b.org/dir/file>',
      'PREFIX e: <http://e.org/>',
      'INSERT DATA { <../up> e:a\\~b <//host/x> .',
    ];
    const short = `${triples.join('\n')} }`;
    let filler = '';
    for (let i = 0; filler.length < 2 * QUAD_DATA_FAST_PATH_BYTES; i++) {
      filler += `e:s${i} e:p ${i} .\n`;
    }
    const long = `${triples.join('\n')}\n${filler} }`;
    const expected = ['http://b.org/up', 'http://e.org/a~b', 'http://host/x'];
    assert.deepEqual(firstQuadKeys(parseUpdate(short)), expected);
    assert.deepEqual(firstQuadKeys(parseUpdate(long)), expected);
  });
});
