/**
 * Numeric literals with a leading `+` keep their sign wherever they are RDF terms, RDF
 * collections included, and `+` everywhere else (paths, arithmetic, strings, IRIs, comments)
 * reaches sparqljs unchanged.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { executeQuery, parseUpdate } from '../../src/sparql/index.js';
import { rewriteSignedLiterals } from '../../src/sparql/signed-literals.js';
import { PREFIXES, selectRows, storeDatasetFromTrig, TRIG_PREFIXES } from './helpers.js';

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const INTEGER = `^^<${XSD}integer>`;
const DOUBLE = `^^<${XSD}double>`;
const DECIMAL = `^^<${XSD}decimal>`;

/** Text → the same text with the signed literals spelled out, as rewriteSignedLiterals must give. */
const REWRITTEN: [string, string][] = [
  ['SELECT * { ?s :p ( +1 +2 ) }', `SELECT * { ?s :p ( "+1"${INTEGER} "+2"${INTEGER} ) }`],
  ['SELECT * { ?s :p (1 +5) }', `SELECT * { ?s :p (1 "+5"${INTEGER}) }`],
  ['SELECT * { ( +1 ) :p ?o }', `SELECT * { ( "+1"${INTEGER} ) :p ?o }`],
  [
    'SELECT * { ?s :p ( +1 ( +2.5 ) [ :q +3 ] ) }',
    `SELECT * { ?s :p ( "+1"${INTEGER} ( "+2.5"${DECIMAL} ) [ :q "+3"${INTEGER} ] ) }`,
  ],
  [
    'SELECT * { ?s ?p ?o FILTER EXISTS { ?s :p (+5) } }',
    `SELECT * { ?s ?p ?o FILTER EXISTS { ?s :p ("+5"${INTEGER}) } }`,
  ],
  [
    'SELECT * { ?s ?p ?o FILTER (?o > +1 && EXISTS { ?s :p (+5) }) }',
    `SELECT * { ?s ?p ?o FILTER (?o > +1 && EXISTS { ?s :p ("+5"${INTEGER}) }) }`,
  ],
  [
    'SELECT * { ?s ?p ?o FILTER(?o +1 > 2) ?s :q ( +7 ) }',
    `SELECT * { ?s ?p ?o FILTER(?o +1 > 2) ?s :q ( "+7"${INTEGER} ) }`,
  ],
  ['SELECT * { ?s :p ?o.FILTER(?o +1 > 2) }', 'SELECT * { ?s :p ?o.FILTER(?o +1 > 2) }'],
  [
    'SELECT * { VALUES (?x ?y) { (+1 +2) (UNDEF +3) } }',
    `SELECT * { VALUES (?x ?y) { ("+1"${INTEGER} "+2"${INTEGER}) (UNDEF "+3"${INTEGER}) } }`,
  ],
  ['SELECT * { ?s ?p ?o } VALUES ?o { +4 }', `SELECT * { ?s ?p ?o } VALUES ?o { "+4"${INTEGER} }`],
  [
    'SELECT (?a +1 AS ?b) { ?s :p ( +1 ) } GROUP BY (?a +1) ORDER BY (?a +1) VALUES (?a) { (+2) }',
    `SELECT (?a +1 AS ?b) { ?s :p ( "+1"${INTEGER} ) } GROUP BY (?a +1) ORDER BY (?a +1) VALUES (?a) { ("+2"${INTEGER}) }`,
  ],
  [
    'SELECT * { { SELECT (?a +1 AS ?b) { ?a :p ( +1 ) } } ?b :q ( +2 ) }',
    `SELECT * { { SELECT (?a +1 AS ?b) { ?a :p ( "+1"${INTEGER} ) } } ?b :q ( "+2"${INTEGER} ) }`,
  ],
  [
    'SELECT * { ?s :p ?o FILTER ex:fn(?o +1) ?s :q (+1) }',
    `SELECT * { ?s :p ?o FILTER ex:fn(?o +1) ?s :q ("+1"${INTEGER}) }`,
  ],
  [
    'SELECT * { ?s :p ?o FILTER langMatches(lang(?o), "en") ?s :q (+1) }',
    `SELECT * { ?s :p ?o FILTER langMatches(lang(?o), "en") ?s :q ("+1"${INTEGER}) }`,
  ],
  [
    'SELECT * { ?s :p "x"@values . ?s :q ( +1 ) }',
    `SELECT * { ?s :p "x"@values . ?s :q ( "+1"${INTEGER} ) }`,
  ],
  [
    'SELECT * { ?filter :p ?values . ?s :q ( +1 ) }',
    `SELECT * { ?filter :p ?values . ?s :q ( "+1"${INTEGER} ) }`,
  ],
  [
    'CONSTRUCT { ?s :p ( +1 +2 ) } WHERE { ?s ?p ?o }',
    `CONSTRUCT { ?s :p ( "+1"${INTEGER} "+2"${INTEGER} ) } WHERE { ?s ?p ?o }`,
  ],
  [
    'INSERT DATA { :s :p +1.e3, +1.E+3, +.5e-2, +2. }',
    `INSERT DATA { :s :p "+1.e3"${DOUBLE}, "+1.E+3"${DOUBLE}, "+.5e-2"${DOUBLE}, "+2"${INTEGER}. }`,
  ],
  ['VALUES ?x { +1.e3 }', `VALUES ?x { "+1.e3"${DOUBLE} }`],
  ['INSERT DATA { :s :p ( +1 +2 ) }', `INSERT DATA { :s :p ( "+1"${INTEGER} "+2"${INTEGER} ) }`],
  [
    'DELETE { ?s :p +1 } INSERT { ?s :q ( +2 ) } WHERE { ?s :p ?o FILTER(?o + 1 > +2) }',
    `DELETE { ?s :p "+1"${INTEGER} } INSERT { ?s :q ( "+2"${INTEGER} ) } WHERE { ?s :p ?o FILTER(?o + 1 > +2) }`,
  ],
];

/** Text in which every `+` must stay as it is. */
const UNCHANGED: string[] = [
  'SELECT * { ?s :p+ ?o }',
  'SELECT * { ?s (:p/:q)+ ?o }',
  'SELECT * { ?s :p+/:q ?o . ?s (:p|:q)+ ?o }',
  'SELECT * { ?s ?p ?a FILTER(?a +1 = 2) }',
  'SELECT * { ?s ?p ?a FILTER(?a+1 = 2) }',
  'SELECT * { ?s ?p ?a FILTER regex(STR(?a +1), "1") }',
  'SELECT * { ?s ?p ?a BIND(?a +1 AS ?b) BIND(+1 AS ?c) }',
  'SELECT ?a (SUM(?a) +1 AS ?s) { ?x ?p ?a } GROUP BY ?a HAVING (SUM(?a) +1 > 2)',
  'SELECT * { ?s ?p ?a FILTER(?a IN (+1, +2)) }',
  'SELECT * { ?s ?p "+1" . ?s ?q \'( +2 )\' . ?s ?r """ +3 ( +4 ) """ }',
  'SELECT * { ?s <http://example.org/(+1)> <http://example.org/+2> }',
  'SELECT * { ?s ?p ?o # ( +1 ) and +2\n }',
  'SELECT * { ?s ?p ?a FILTER(?a < +1 || ?a > +2) }',
  'SELECT * { ?s ?p ?a FILTER(?a<+1) }',
];

describe('signed literal rewrite', () => {
  for (const [text, expected] of REWRITTEN) {
    it(`rewrites ${text}`, () => {
      assert.equal(rewriteSignedLiterals(text), expected);
    });
  }

  for (const text of UNCHANGED) {
    it(`leaves ${text.replace(/\n/g, ' ')}`, () => {
      assert.equal(rewriteSignedLiterals(text), text);
    });
  }
});

describe('signed literals in RDF collections', () => {
  const dataset = storeDatasetFromTrig(`${TRIG_PREFIXES}
    :signed :list ( +1 +2.5 ) .
    :plain :list ( 1 2.5 ) .
    :n :value 2 .
  `);

  it('matches the signed members in a query', async () => {
    assert.deepEqual(await selectRows(dataset, 'SELECT ?s { ?s :list ( +1 +2.5 ) }'), [
      's=http://example.org/signed',
    ]);
    assert.deepEqual(await selectRows(dataset, 'SELECT ?s { ?s :list ( 1 2.5 ) }'), [
      's=http://example.org/plain',
    ]);
  });

  it('matches them inside FILTER EXISTS', async () => {
    const rows = await selectRows(
      dataset,
      'SELECT ?n { ?n :value ?v FILTER(?v +1 = 3 && EXISTS { ?s :list ( +1 +2.5 ) }) }',
    );
    assert.deepEqual(rows, ['n=http://example.org/n']);
  });

  it('keeps arithmetic with a + before a number', async () => {
    const rows = await selectRows(dataset, 'SELECT ?w { :n :value ?v BIND(?v +1 AS ?w) }');
    assert.deepEqual(rows, [`w="3"^^${XSD}integer`]);
  });

  it('keeps the sign in INSERT DATA', () => {
    const [operation] = parseUpdate(`${PREFIXES}INSERT DATA { :s :p ( +1 +2 ) }`);
    assert.ok(operation?.type === 'insertData');
    const members = operation.quads
      .filter((quad) => 'key' in quad.predicate && quad.predicate.key.endsWith('#first'))
      .map((quad) => quad.object);
    assert.deepEqual(members, [{ key: `"+1"^^${XSD}integer` }, { key: `"+2"^^${XSD}integer` }]);
  });

  it('keeps the sign in update templates', () => {
    const [operation] = parseUpdate(
      `${PREFIXES}DELETE { ?s :p +1 } INSERT { ?s :q ( +2.0 +3 ) } WHERE { ?s :p ?o }`,
    );
    assert.ok(operation?.type === 'modify');
    assert.deepEqual(operation.deletes[0]!.object, { key: `"+1"^^${XSD}integer` });
    const members = operation.inserts
      .filter((quad) => 'key' in quad.predicate && quad.predicate.key.endsWith('#first'))
      .map((quad) => quad.object);
    assert.deepEqual(members, [{ key: `"+2.0"^^${XSD}decimal` }, { key: `"+3"^^${XSD}integer` }]);
  });

  it('keeps the sign in a CONSTRUCT template', async () => {
    const result = await executeQuery(
      dataset,
      `${PREFIXES}CONSTRUCT { :copy :list ( +1 +2.5 ) } WHERE {}`,
    );
    assert.ok(result.type === 'quads');
    const members: string[] = [];
    for await (const quad of result.quads) {
      if (quad.predicate.value.endsWith('#first')) members.push(quad.object.value);
    }
    assert.deepEqual(members.sort(), ['+1', '+2.5']);
  });
});
