import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveIri } from '../../src/sparql/expressions/terms.js';
import { BACKENDS, evaluate, selectRows, TRIG_PREFIXES } from './helpers.js';

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const T = `"true"^^${XSD}boolean`;
const F = `"false"^^${XSD}boolean`;

/** Runs a table of [expression, expected term key, or '-' for an expression error]. */
function table(name: string, cases: readonly [string, string][]): void {
  describe(name, () => {
    for (const [expression, expected] of cases) {
      it(`${expression} is ${expected}`, async () => {
        assert.equal(await evaluate(expression), expected);
      });
    }
  });
}

table('term tests and accessors', [
  ['isIRI(<http://example.org/>)', T],
  ['isURI("x")', F],
  ['isBLANK(BNODE())', T],
  ['isLITERAL("x"@en)', T],
  ['isLITERAL(<http://example.org/>)', F],
  ['isNUMERIC(1)', T],
  ['isNUMERIC("1")', F],
  ['isNUMERIC("x"^^xsd:integer)', F],
  ['isNUMERIC("300"^^xsd:byte)', F],
  ['STR(<http://example.org/a>)', '"http://example.org/a"'],
  ['STR("x"@en)', '"x"'],
  ['STR(BNODE())', '-'],
  ['LANG("x"@en-GB)', '"en-gb"'],
  ['LANG("x")', '""'],
  ['LANG(<http://example.org/>)', '-'],
  ['DATATYPE("x")', `${XSD}string`],
  ['DATATYPE("x"@en)', 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString'],
  ['DATATYPE(1.5)', `${XSD}decimal`],
  ['DATATYPE(<http://example.org/>)', '-'],
  ['sameTerm(1, 1)', T],
  ['sameTerm(1, 1.0)', F],
  ['sameTerm("a", "a"^^xsd:string)', T],
]);

table('STRDT and STRLANG', [
  ['STRDT("123", xsd:integer)', `"123"^^${XSD}integer`],
  ['STRDT("iiii", <http://example.org/romanNumeral>)', '"iiii"^^http://example.org/romanNumeral'],
  ['STRDT("a"^^xsd:string, xsd:string)', '"a"'],
  ['STRDT("a"@en, xsd:string)', '-'],
  ['STRDT("a", "b")', '-'],
  ['STRDT("a", rdf:langString)', '-'],
  ['STRLANG("chat", "fr")', '"chat"@fr'],
  ['STRLANG("chat", "en-GB")', '"chat"@en-gb'],
  ['STRLANG("chat"@en, "fr")', '-'],
  ['STRLANG("chat", "")', '-'],
  ['STRLANG("chat", "not a tag")', '-'],
  ['STRLANG("chat", <http://example.org/>)', '-'],
]);

table('IRI and URI without a base', [
  ['IRI("http://example.org/a")', 'http://example.org/a'],
  ['URI("http://example.org/a")', 'http://example.org/a'],
  ['IRI(<http://example.org/a>)', 'http://example.org/a'],
  ['IRI("relative")', '-'],
  ['IRI("http://example.org/a b")', '-'],
  ['IRI("http://example.org/a"@en)', '-'],
  ['IRI(1)', '-'],
]);

table('UUID and STRUUID', [
  ['isIRI(UUID())', T],
  ['STRSTARTS(STR(UUID()), "urn:uuid:")', T],
  [
    'REGEX(STR(UUID()), "^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")',
    T,
  ],
  ['UUID() = UUID()', F],
  ['isLITERAL(STRUUID())', T],
  ['DATATYPE(STRUUID())', `${XSD}string`],
  ['STRLEN(STRUUID())', `"36"^^${XSD}integer`],
  ['STRUUID() = STRUUID()', F],
]);

describe('IRI resolution against the base', () => {
  const cases: [string, string, string][] = [
    ['g', 'http://a/b/c/d;p?q', 'http://a/b/c/g'],
    ['./g', 'http://a/b/c/d;p?q', 'http://a/b/c/g'],
    ['g/', 'http://a/b/c/d;p?q', 'http://a/b/c/g/'],
    ['/g', 'http://a/b/c/d;p?q', 'http://a/g'],
    ['//g', 'http://a/b/c/d;p?q', 'http://g'],
    ['?y', 'http://a/b/c/d;p?q', 'http://a/b/c/d;p?y'],
    ['#s', 'http://a/b/c/d;p?q', 'http://a/b/c/d;p?q#s'],
    ['', 'http://a/b/c/d;p?q', 'http://a/b/c/d;p?q'],
    ['../g', 'http://a/b/c/d;p?q', 'http://a/b/g'],
    ['../../../g', 'http://a/b/c/d;p?q', 'http://a/g'],
    ['g;x=1/../y', 'http://a/b/c/d;p?q', 'http://a/b/c/y'],
    ['iri', 'http://example.org/', 'http://example.org/iri'],
  ];
  for (const [reference, base, expected] of cases) {
    it(`"${reference}" against ${base}`, () => {
      assert.equal(resolveIri(reference, base), expected);
    });
  }

  it('IRI() uses the BASE declaration', async () => {
    const rows = await selectRows(
      BACKENDS[0]!.load(''),
      'BASE <http://example.org/a/b> SELECT (IRI("../c") AS ?v) (URI("d") AS ?w) {}',
    );
    assert.deepEqual(rows, ['v=http://example.org/c w=http://example.org/a/d']);
  });

  it('IRI() uses the baseIri option', async () => {
    const rows = await selectRows(BACKENDS[0]!.load(''), 'SELECT (IRI("x") AS ?v) {}', {
      baseIri: 'http://example.org/dir/query.rq',
    });
    assert.deepEqual(rows, ['v=http://example.org/dir/x']);
  });
});

describe('BNODE scoping', () => {
  const data = `${TRIG_PREFIXES}:s1 :str "foo" . :s2 :str "bar" . :s3 :str "foo" .`;
  for (const backend of BACKENDS) {
    it(`same label in one solution, fresh per solution (${backend.name})`, async () => {
      const rows = await selectRows(
        backend.load(data),
        `SELECT ?s (BNODE(?str) AS ?b1) (BNODE(?str) AS ?b2) (BNODE() AS ?b3) (BNODE() AS ?b4)
         { ?s :str ?str } ORDER BY ?s`,
      );
      assert.equal(rows.length, 3);
      const nodes = rows.map((row) =>
        row.split(' ').map((cell) => cell.slice(cell.indexOf('=') + 1)),
      );
      for (const [, b1, b2, b3, b4] of nodes) {
        assert.ok(b1!.startsWith('_:'), `${b1} is a blank node`);
        assert.equal(b1, b2, 'BNODE(?str) twice in one solution');
        assert.notEqual(b3, b4, 'BNODE() twice in one solution');
        assert.notEqual(b1, b3);
      }
      const labelled = nodes.map((cells) => cells[1]);
      assert.equal(new Set(labelled).size, 3, 'BNODE("foo") differs across solutions');
      const fresh = nodes.flatMap((cells) => [cells[3], cells[4]]);
      assert.equal(new Set(fresh).size, 6, 'BNODE() is fresh in every call');
    });
  }

  it('rejects a non-string label', async () => {
    assert.equal(await evaluate('BNODE(1)'), '-');
    assert.equal(await evaluate('BNODE("a"@en)'), '-');
  });
});
