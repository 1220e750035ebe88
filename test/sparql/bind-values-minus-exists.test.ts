import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BACKENDS, selectRows, selectSorted, TRIG_PREFIXES } from './helpers.js';

const DATA = `${TRIG_PREFIXES}
:a :p 1 ; :q :b .
:b :p 2 .
:c :p 3 ; :r :x .
:g1 { :a :in :g1 }
`;

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const int = (n: number): string => `"${n}"^^${XSD}integer`;

for (const backend of BACKENDS) {
  const data = backend.load(DATA);

  describe(`BIND (${backend.name})`, () => {
    it('binds an expression value', async () => {
      const rows = await selectSorted(data, 'SELECT ?s ?d { ?s :p ?v BIND(?v * 10 AS ?d) }');
      assert.deepEqual(rows, [
        `s=http://example.org/a d=${int(10)}`,
        `s=http://example.org/b d=${int(20)}`,
        `s=http://example.org/c d=${int(30)}`,
      ]);
    });

    it('leaves the variable unbound on an error', async () => {
      const rows = await selectRows(data, 'SELECT ?d { :a :q ?o BIND(?o + 1 AS ?d) }');
      assert.deepEqual(rows, ['d=-']);
    });

    it('joins a computed stored term with later patterns', async () => {
      const rows = await selectRows(data, 'SELECT ?v { BIND(:b AS ?s) ?s :p ?v }');
      assert.deepEqual(rows, [`v=${int(2)}`]);
    });

    it('matches nothing with a computed term absent from the store', async () => {
      const rows = await selectRows(data, 'SELECT ?v { BIND(:nowhere AS ?s) ?s :p ?v }');
      assert.deepEqual(rows, []);
    });

    it('is visible to a later FILTER in the group', async () => {
      const rows = await selectRows(
        data,
        'SELECT ?s { ?s :p ?v BIND(?v + 1 AS ?w) FILTER(?w = 3) }',
      );
      assert.deepEqual(rows, ['s=http://example.org/b']);
    });

    it('appears in SELECT *', async () => {
      const rows = await selectRows(data, 'SELECT * { :a :p ?v BIND(STR(?v) AS ?text) }');
      assert.deepEqual(rows, [`v=${int(1)} text="1"`]);
    });
  });

  describe(`VALUES (${backend.name})`, () => {
    it('restricts a pattern to listed values', async () => {
      const rows = await selectSorted(
        data,
        'SELECT ?s ?v { VALUES ?s { :a :c :nowhere } ?s :p ?v }',
      );
      assert.deepEqual(rows, [
        `s=http://example.org/a v=${int(1)}`,
        `s=http://example.org/c v=${int(3)}`,
      ]);
    });

    it('treats UNDEF as a wildcard', async () => {
      const rows = await selectSorted(
        data,
        'SELECT ?s ?v { ?s :p ?v VALUES (?s ?v) { (:a UNDEF) (UNDEF 3) } }',
      );
      assert.deepEqual(rows, [
        `s=http://example.org/a v=${int(1)}`,
        `s=http://example.org/c v=${int(3)}`,
      ]);
    });

    it('returns rows of values not in the store', async () => {
      const rows = await selectRows(data, 'SELECT ?x { VALUES ?x { "new" 42 } }');
      assert.deepEqual(rows, ['x="new"', `x=${int(42)}`]);
    });

    it('joins a trailing VALUES clause', async () => {
      const rows = await selectRows(data, 'SELECT ?s { ?s :p ?v } VALUES ?v { 2 }');
      assert.deepEqual(rows, ['s=http://example.org/b']);
    });
  });

  describe(`MINUS (${backend.name})`, () => {
    it('removes solutions with a compatible match', async () => {
      const rows = await selectSorted(data, 'SELECT ?s { ?s :p ?v MINUS { ?s :q ?o } }');
      assert.deepEqual(rows, ['s=http://example.org/b', 's=http://example.org/c']);
    });

    it('removes nothing when no variable is shared', async () => {
      const rows = await selectSorted(data, 'SELECT ?s { ?s :p ?v MINUS { ?x :q ?o } }');
      assert.equal(rows.length, 3);
    });

    it('keeps solutions whose shared values differ', async () => {
      const rows = await selectSorted(data, 'SELECT ?s { ?s :p ?v MINUS { ?s :p 2 . ?s :p ?v } }');
      assert.deepEqual(rows, ['s=http://example.org/a', 's=http://example.org/c']);
    });

    it('keeps a solution sharing only unbound variables', async () => {
      const rows = await selectSorted(
        data,
        'SELECT ?s ?o { ?s :p ?v OPTIONAL { ?s :q ?o } MINUS { ?x :r ?o } }',
      );
      assert.equal(rows.length, 3);
    });
  });

  describe(`EXISTS (${backend.name})`, () => {
    it('keeps solutions whose pattern matches', async () => {
      const rows = await selectRows(data, 'SELECT ?s { ?s :p ?v FILTER EXISTS { ?s :r ?x } }');
      assert.deepEqual(rows, ['s=http://example.org/c']);
    });

    it('keeps solutions whose pattern does not match with NOT EXISTS', async () => {
      const rows = await selectSorted(
        data,
        'SELECT ?s { ?s :p ?v FILTER NOT EXISTS { ?s :q ?o } }',
      );
      assert.deepEqual(rows, ['s=http://example.org/b', 's=http://example.org/c']);
    });

    it('substitutes outer values into inner filters', async () => {
      const rows = await selectRows(
        data,
        'SELECT ?s { ?s :p ?v FILTER EXISTS { ?t :p ?w FILTER(?w = ?v + 1) } }',
      );
      assert.deepEqual(rows.sort(), ['s=http://example.org/a', 's=http://example.org/b']);
    });

    it('matches in the active graph inside GRAPH', async () => {
      const rows = await selectRows(
        data,
        'SELECT ?g { GRAPH ?g { ?s :in ?x FILTER EXISTS { ?s :in :g1 } } }',
      );
      assert.deepEqual(rows, ['g=http://example.org/g1']);
      const none = await selectRows(data, 'SELECT ?s { ?s :p 1 FILTER EXISTS { ?s :in :g1 } }');
      assert.deepEqual(none, []);
    });

    it('works as a SELECT expression', async () => {
      const rows = await selectRows(data, 'SELECT ?s (EXISTS { ?s :q ?o } AS ?has) { ?s :p 1 }');
      assert.deepEqual(rows, [`s=http://example.org/a has="true"^^${XSD}boolean`]);
    });

    it('keeps a BIND that agrees with the outer value', async () => {
      const rows = await selectRows(data, 'SELECT ?s { ?s :p ?v FILTER EXISTS { BIND(2 AS ?v) } }');
      assert.deepEqual(rows, ['s=http://example.org/b']);
    });

    it('joins VALUES with the outer values', async () => {
      const rows = await selectSorted(
        data,
        'SELECT ?s { ?s :p ?v FILTER EXISTS { VALUES ?v { 1 3 } } }',
      );
      assert.deepEqual(rows, ['s=http://example.org/a', 's=http://example.org/c']);
    });

    it('applies MINUS to the seeded pattern', async () => {
      const rows = await selectSorted(
        data,
        'SELECT ?s { ?s :p ?v FILTER EXISTS { ?s :p ?w MINUS { ?s :q ?o } } }',
      );
      assert.deepEqual(rows, ['s=http://example.org/b', 's=http://example.org/c']);
    });

    it('evaluates a subquery on its own before joining the outer values', async () => {
      // Seeded with each outer ?s, LIMIT 1 would keep every subject; joined, only :c.
      const limited = await selectRows(
        data,
        'SELECT ?s { ?s :p ?v FILTER EXISTS { { SELECT ?s { ?s :p ?w } ORDER BY DESC(?w) LIMIT 1 } } }',
      );
      assert.deepEqual(limited, ['s=http://example.org/c']);
      const aggregated = await selectRows(
        data,
        'SELECT ?s { ?s :p ?v FILTER NOT EXISTS { { SELECT (MAX(?w) AS ?v) { ?t :p ?w } } } }',
      );
      assert.deepEqual(aggregated.sort(), ['s=http://example.org/a', 's=http://example.org/b']);
    });
  });
}
