import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BACKENDS, selectRows, selectSorted, TRIG_PREFIXES } from './helpers.js';

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const int = (n: number): string => `"${n}"^^${XSD}integer`;

const DATA = `${TRIG_PREFIXES}
:a :score 3 ; :name "A" .
:b :score 1 ; :name "B" .
:c :score 2 ; :name "C" .
:g1 { :a :in :x . :b :in :x . }
:g2 { :c :in :y . }
`;

for (const backend of BACKENDS) {
  const data = backend.load(DATA);

  describe(`subqueries (${backend.name})`, () => {
    it('hides variables it does not project', async () => {
      // The inner ?n is not projected, so it cannot join with the outer ?n.
      const rows = await selectSorted(
        data,
        'SELECT ?s ?n { ?s :name ?n { SELECT ?s { ?s :score ?n FILTER(?n > 1) } } }',
      );
      assert.deepEqual(rows, ['s=http://example.org/a n="A"', 's=http://example.org/c n="C"']);
    });

    it('applies its ORDER BY and LIMIT before the join', async () => {
      const rows = await selectSorted(
        data,
        'SELECT ?n { ?s :name ?n { SELECT ?s { ?s :score ?v } ORDER BY DESC(?v) LIMIT 2 } }',
      );
      assert.deepEqual(rows, ['n="A"', 'n="C"']);
    });

    it('joins an aggregate result with the outer pattern', async () => {
      const rows = await selectRows(
        data,
        'SELECT ?s ?max { { SELECT (MAX(?v) AS ?max) { ?x :score ?v } } ?s :score ?max }',
      );
      assert.deepEqual(rows, [`s=http://example.org/a max=${int(3)}`]);
    });

    it('projects all in-scope variables for SELECT *', async () => {
      const rows = await selectSorted(data, 'SELECT * { { SELECT * { ?s :score 2 } } }');
      assert.deepEqual(rows, ['s=http://example.org/c']);
    });

    it('runs per graph inside GRAPH ?g', async () => {
      const rows = await selectSorted(
        data,
        'SELECT ?g ?s { GRAPH ?g { { SELECT ?s { ?s :in ?o } } } }',
      );
      assert.deepEqual(rows, [
        'g=http://example.org/g1 s=http://example.org/a',
        'g=http://example.org/g1 s=http://example.org/b',
        'g=http://example.org/g2 s=http://example.org/c',
      ]);
    });

    it('aggregates per graph inside GRAPH ?g, an empty group included', async () => {
      const rows = await selectSorted(
        data,
        'SELECT ?g ?n { GRAPH ?g { { SELECT (COUNT(*) AS ?n) { ?s :in :x } } } }',
      );
      assert.deepEqual(rows, [
        `g=http://example.org/g1 n=${int(2)}`,
        `g=http://example.org/g2 n=${int(0)}`,
      ]);
    });

    it('applies LIMIT and OFFSET per graph inside GRAPH ?g', async () => {
      const rows = await selectSorted(
        data,
        'SELECT ?g ?s { GRAPH ?g { { SELECT ?s { ?s :in ?o } ORDER BY ?s LIMIT 1 } } }',
      );
      assert.deepEqual(rows, [
        'g=http://example.org/g1 s=http://example.org/a',
        'g=http://example.org/g2 s=http://example.org/c',
      ]);
      const skipped = await selectSorted(
        data,
        'SELECT ?g ?s { GRAPH ?g { { SELECT ?s { ?s :in ?o } ORDER BY ?s OFFSET 1 } } }',
      );
      assert.deepEqual(skipped, ['g=http://example.org/g1 s=http://example.org/b']);
    });

    it('aggregates within a graph named by an outer binding', async () => {
      const rows = await selectRows(
        data,
        'SELECT ?g ?n { VALUES ?g { :g2 } GRAPH ?g { { SELECT (COUNT(*) AS ?n) { ?s ?p ?o } } } }',
      );
      assert.deepEqual(rows, [`g=http://example.org/g2 n=${int(1)}`]);
    });

    it('keeps DISTINCT per graph inside GRAPH ?g', async () => {
      const rows = await selectSorted(
        data,
        'SELECT ?g ?o { GRAPH ?g { { SELECT DISTINCT ?o { ?s :in ?o } } } }',
      );
      assert.deepEqual(rows, [
        'g=http://example.org/g1 o=http://example.org/x',
        'g=http://example.org/g2 o=http://example.org/y',
      ]);
    });
  });
}
