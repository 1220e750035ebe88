import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import sparqljs from 'sparqljs';
import { TEST_BASE } from '../../conformance/manifest.js';
import { decodeCodepointEscapes } from '../../src/sparql/codepoint-escapes.js';
import { parseQuery } from '../../src/sparql/index.js';
import { SPARQL_TERM_FACTORY } from '../../src/sparql/parser-terms.js';
import { resolveRelativeIris } from '../../src/sparql/relative-iris.js';
import { rewriteSignedLiterals } from '../../src/sparql/signed-literals.js';
import { readSimpleSelect } from '../../src/sparql/simple-select.js';
import { benchValuesQueries, listFiles, LUBM_QUERIES, SPARQL_SUITES } from './parse-corpus.js';

/**
 * JSON of a syntax tree that also records the class of every object, such as Wildcard, and
 * properties whose value is undefined, such as UNDEF in a VALUES row.
 */
function treeJson(tree: unknown): string {
  return JSON.stringify(tree, (_key, value: unknown) => {
    if (value === undefined) return '(undefined)';
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    return { class: (value as object).constructor?.name, ...value };
  });
}

/** What sparqljs returns for the text as the engine hands it over, or undefined on an error. */
function sparqljsTree(decoded: string, baseIri: string | undefined): string | undefined {
  const parser = new sparqljs.Parser({ baseIRI: baseIri, factory: SPARQL_TERM_FACTORY });
  try {
    const prepared = rewriteSignedLiterals(resolveRelativeIris(decoded, baseIri));
    return treeJson(parser.parse(prepared));
  } catch {
    return undefined;
  }
}

/**
 * Asserts that the fast path either declines `text` or returns sparqljs's tree, and returns
 * whether it accepted the text.
 */
function assertAgrees(label: string, text: string, baseIri?: string): boolean {
  let decoded: string;
  try {
    decoded = decodeCodepointEscapes(text);
  } catch {
    return false;
  }
  const fast = readSimpleSelect(decoded, baseIri, SPARQL_TERM_FACTORY);
  if (fast === undefined) return false;
  assert.equal(treeJson(fast), sparqljsTree(decoded, baseIri), `tree of ${label}`);
  return true;
}

const LUBM = listFiles(LUBM_QUERIES, ['.rq']).map((file) => readFileSync(file, 'utf8'));

/** Queries with VALUES blocks in the shapes the reader takes, edited below like LUBM's. */
const WITH_VALUES = [
  'PREFIX e: <http://e/> SELECT * { VALUES (?s ?p) { (e:a <http://p>) (UNDEF "x"^^e:t) } ?s ?p ?o }',
  'SELECT ?o { ?s ?p ?o . VALUES ?s { <http://a> 12 "b"@en undef } . ?o ?q ?r }',
  'select * where { ?s ?p ?o values ($s $p) { } }',
  'SELECT * { VALUES$x{1 2} ?x ?p ?o } OFFSET 3 LIMIT 2',
];

describe('simple SELECT fast path', () => {
  it('reads every LUBM query as sparqljs does', () => {
    assert.equal(LUBM.length, 14);
    for (const [index, text] of LUBM.entries()) {
      assert.ok(assertAgrees(`LUBM query ${index + 1}`, text), `declined LUBM query ${index + 1}`);
      assert.ok(assertAgrees(`LUBM query ${index + 1} with a base`, text, 'http://b.example/'));
    }
  });

  it('reads the bench VALUES queries as sparqljs does', () => {
    for (const [index, query] of benchValuesQueries(1000).entries()) {
      assert.ok(assertAgrees(`VALUES query ${index}`, query), `declined VALUES query ${index}`);
    }
    for (const query of WITH_VALUES) assert.ok(assertAgrees(query, query), `declined ${query}`);
  });

  it('agrees with sparqljs on W3C files', () => {
    const files = listFiles(SPARQL_SUITES, ['.rq', '.ru']);
    let accepted = 0;
    for (const file of files) {
      const relative = path.relative(SPARQL_SUITES, file);
      const baseIri = `${TEST_BASE}sparql/${relative.split(path.sep).join('/')}`;
      if (assertAgrees(relative, readFileSync(file, 'utf8'), baseIri)) accepted++;
    }
    assert.ok(accepted > 40, `only ${accepted} W3C files took the fast path`);
  });

  it('agrees with sparqljs on edited queries', () => {
    const pieces = [
      ' ',
      '\n',
      '\t',
      '\u00a0',
      '# c\n',
      '.',
      ';',
      ',',
      '{',
      '}',
      '*',
      ':',
      '?',
      '$',
      '<',
      '>',
      '"',
      "'",
      '@en',
      '^^',
      '-',
      '+',
      '1',
      '.5',
      'e3',
      'a',
      'A',
      'é',
      '\\',
      '%41',
      'ub:x',
      '_:b',
      '[]',
      'LIMIT 1',
      'OFFSET 2',
      'VALUES ?s { <http://v> }',
      'VALUES (?s ?o) { (UNDEF 1) }',
      '(',
      ')',
      'UNDEF',
      'DISTINCT',
      'WHERE',
      'BASE <http://b/>',
      'PREFIX p: <http://p/>',
      'PREFIX rel: <rel/>',
      '"x"@en-GB',
      '"y"^^ub:t',
      '"""z"""',
    ];
    const bases = [...LUBM, ...WITH_VALUES];
    const edit = fc.record({
      query: fc.nat({ max: bases.length - 1 }),
      start: fc.double({ min: 0, max: 1, noNaN: true }),
      cut: fc.nat({ max: 12 }),
      insert: fc.array(fc.constantFrom(...pieces), { maxLength: 3 }),
      lower: fc.boolean(),
    });
    let accepted = 0;
    fc.assert(
      fc.property(edit, ({ query, start, cut, insert, lower }) => {
        const text = lower ? bases[query]!.toLowerCase() : bases[query]!;
        const at = Math.floor(start * text.length);
        const edited = text.slice(0, at) + insert.join('') + text.slice(at + cut);
        if (assertAgrees(`edited query ${query + 1}: ${JSON.stringify(edited)}`, edited)) {
          accepted++;
        }
      }),
      { numRuns: 3000 },
    );
    assert.ok(accepted > 100, `only ${accepted} edited queries took the fast path`);
  });

  it('declines what it does not read', () => {
    const declined = [
      'SELECT * { ?s ?p ?o } ORDER BY ?s',
      'BASE <http://b/> SELECT * { ?s ?p ?o }',
      'SELECT * { <rel> ?p ?o }',
      'SELECT * { ?s ?p "a\\"b" }',
      'SELECT * { ?s ?p 1.5 }',
      'SELECT * { ?s ?p -1 }',
      'SELECT * { _:b ?p ?o }',
      'SELECT * { ?s ?p ?o FILTER(?o) }',
      'SELECT * { ?s e:p ?o }',
      'PREFIX e: <http://e/> SELECT * { ?s e:a.b ?o }',
      'SELECT ?x ?x { ?x ?p ?o }',
      'SELECT * { ?s ?p ?o . . }',
      'SELECT * { ?s ?p ?o }\u00a0',
      'SELECT * FROM <http://g> { ?s ?p ?o }',
      'ASK { ?s ?p ?o }',
      'SELECT * { VALUES ?x { ?y } }',
      'SELECT * { VALUES (?x ?x) { (1 2) } }',
      'SELECT * { VALUES (?x ?y) { (1) } }',
      'SELECT * { ?s ?p ?o } VALUES ?s { <http://a> }',
    ];
    for (const text of declined) {
      assert.equal(readSimpleSelect(text, undefined, SPARQL_TERM_FACTORY), undefined, text);
    }
  });

  it('leaves errors to sparqljs, which reports them', () => {
    assert.throws(() => parseQuery('SELECT * { ?s ?p ?o . . }'), /line 1/);
    assert.throws(() => parseQuery('SELECT ?x ?x { ?x ?p ?o }'), /same name/);
  });
});
