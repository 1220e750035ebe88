import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BACKENDS, selectRows, selectSorted, TRIG_PREFIXES } from './helpers.js';

const DATA = `${TRIG_PREFIXES}
:a :v 10 ; :tag "x" .
:b :v 9.5 ; :tag "x" .
:c :v "2"^^xsd:double ; :tag "y" .
:d :v "b" .
:e :v "a" .
:f :v :iri .
:g :v _:blank .
:h :tag "y" .
`;

const XSD = 'http://www.w3.org/2001/XMLSchema#';

for (const backend of BACKENDS) {
  const data = backend.load(DATA);

  describe(`projection (${backend.name})`, () => {
    it('returns in-scope variables in order for SELECT *', async () => {
      const rows = await selectRows(
        data,
        'SELECT * { ?s :tag "y" OPTIONAL { ?s :v ?v } } ORDER BY ?s',
      );
      assert.deepEqual(rows, [
        `s=http://example.org/c v="2"^^${XSD}double`,
        's=http://example.org/h v=-',
      ]);
    });

    it('projects listed variables and drops the rest', async () => {
      assert.deepEqual(await selectSorted(data, 'SELECT ?t { ?s :tag ?t }'), [
        't="x"',
        't="x"',
        't="y"',
        't="y"',
      ]);
    });

    it('projects a variable the pattern never binds as unbound', async () => {
      assert.deepEqual(await selectRows(data, 'SELECT ?nothing { :a :v ?v }'), ['nothing=-']);
    });

    it('computes SELECT expressions, unbound on error', async () => {
      const rows = await selectSorted(
        data,
        'SELECT ?s (?v + 1 AS ?w) { ?s :v ?v FILTER(?s IN (:a, :d)) }',
      );
      assert.deepEqual(rows, [
        `s=http://example.org/a w="11"^^${XSD}integer`,
        's=http://example.org/d w=-',
      ]);
    });
  });

  describe(`DISTINCT and REDUCED (${backend.name})`, () => {
    it('removes duplicate solutions', async () => {
      assert.deepEqual(await selectSorted(data, 'SELECT DISTINCT ?t { ?s :tag ?t }'), [
        't="x"',
        't="y"',
      ]);
    });

    it('REDUCED returns no more than all and no fewer than distinct', async () => {
      const rows = await selectSorted(data, 'SELECT REDUCED ?t { ?s :tag ?t }');
      assert.ok(rows.length >= 2);
      assert.ok(rows.length <= 4);
      assert.deepEqual([...new Set(rows)], ['t="x"', 't="y"']);
    });

    it('distinguishes unbound from bound values', async () => {
      const rows = await selectSorted(
        data,
        'SELECT DISTINCT ?v { ?s :tag ?t OPTIONAL { ?s :v ?v FILTER(?v = 10) } }',
      );
      assert.deepEqual(rows, [`v="10"^^${XSD}integer`, 'v=-']);
    });
  });

  describe(`ORDER BY (${backend.name})`, () => {
    it('orders unbound first and numerics by value', async () => {
      const rows = await selectRows(
        data,
        'SELECT ?v { ?s :tag ?t OPTIONAL { ?s :v ?v } } ORDER BY ?v',
      );
      assert.deepEqual(rows, [
        'v=-',
        `v="2"^^${XSD}double`,
        `v="9.5"^^${XSD}decimal`,
        `v="10"^^${XSD}integer`,
      ]);
    });

    it('orders blank nodes < IRIs < literals', async () => {
      const rows = await selectRows(
        data,
        'SELECT DISTINCT ?v { ?s ?p ?o OPTIONAL { ?s :v ?v } } ORDER BY ?v',
      );
      assert.equal(rows.length, 8);
      assert.equal(rows[0], 'v=-');
      assert.match(rows[1]!, /^v=_:/);
      assert.deepEqual(rows.slice(2), [
        'v=http://example.org/iri',
        `v="2"^^${XSD}double`,
        `v="9.5"^^${XSD}decimal`,
        `v="10"^^${XSD}integer`,
        'v="a"',
        'v="b"',
      ]);
    });

    it('sorts descending', async () => {
      const rows = await selectRows(
        data,
        'SELECT ?v { ?s :v ?v FILTER(isNumeric(?v)) } ORDER BY DESC(?v)',
      );
      assert.deepEqual(rows, [
        `v="10"^^${XSD}integer`,
        `v="9.5"^^${XSD}decimal`,
        `v="2"^^${XSD}double`,
      ]);
    });

    it('sorts by an expression and then by a second key', async () => {
      const rows = await selectRows(
        data,
        'SELECT ?s { ?s :tag ?t OPTIONAL { ?s :v ?v } } ORDER BY DESC(?t) STR(?s)',
      );
      assert.deepEqual(rows, [
        's=http://example.org/c',
        's=http://example.org/h',
        's=http://example.org/a',
        's=http://example.org/b',
      ]);
    });

    it('sorts an expression error like unbound', async () => {
      const rows = await selectRows(
        data,
        'SELECT ?s { ?s :v ?v FILTER(?s IN (:a, :d)) } ORDER BY (?v * 2)',
      );
      assert.deepEqual(rows, ['s=http://example.org/d', 's=http://example.org/a']);
    });

    it('keeps DISTINCT after ORDER BY in order', async () => {
      const rows = await selectRows(data, 'SELECT DISTINCT ?t { ?s :tag ?t } ORDER BY DESC(?t)');
      assert.deepEqual(rows, ['t="y"', 't="x"']);
    });
  });

  describe(`LIMIT and OFFSET (${backend.name})`, () => {
    const query = 'SELECT ?s { ?s :tag ?t } ORDER BY ?s';
    it('limits the number of solutions', async () => {
      assert.deepEqual(await selectRows(data, `${query} LIMIT 2`), [
        's=http://example.org/a',
        's=http://example.org/b',
      ]);
    });

    it('skips solutions with OFFSET', async () => {
      assert.deepEqual(await selectRows(data, `${query} OFFSET 3`), ['s=http://example.org/h']);
    });

    it('combines OFFSET and LIMIT', async () => {
      assert.deepEqual(await selectRows(data, `${query} LIMIT 1 OFFSET 1`), [
        's=http://example.org/b',
      ]);
    });

    it('returns nothing for LIMIT 0', async () => {
      assert.deepEqual(await selectRows(data, `${query} LIMIT 0`), []);
    });
  });
}
