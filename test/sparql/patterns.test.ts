import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BACKENDS, selectRows, selectSorted, TRIG_PREFIXES } from './helpers.js';

const DATA = `${TRIG_PREFIXES}
:alice :knows :bob , :carol ; :name "Alice" ; :age 30 .
:bob :knows :carol ; :name "Bob" ; :age 25 .
:carol :name "Carol" .
:dave :knows :dave .
:g1 { :alice :likes :tea . :bob :likes :coffee . }
:g2 { :alice :likes :cake . :g2 :source :web . }
`;

for (const backend of BACKENDS) {
  const data = backend.load(DATA);

  describe(`basic graph patterns (${backend.name})`, () => {
    it('matches a single pattern', async () => {
      assert.deepEqual(await selectSorted(data, 'SELECT ?x { :alice :knows ?x }'), [
        'x=http://example.org/bob',
        'x=http://example.org/carol',
      ]);
    });

    it('joins patterns on shared variables', async () => {
      assert.deepEqual(
        await selectSorted(data, 'SELECT ?a ?n { ?a :knows ?b . ?b :knows ?c . ?c :name ?n }'),
        ['a=http://example.org/alice n="Carol"'],
      );
    });

    it('matches a repeated variable within one pattern', async () => {
      assert.deepEqual(await selectRows(data, 'SELECT ?x { ?x :knows ?x }'), [
        'x=http://example.org/dave',
      ]);
    });

    it('treats blank nodes in patterns as variables', async () => {
      assert.deepEqual(
        await selectSorted(data, 'SELECT ?n { _:someone :knows :carol ; :name ?n }'),
        ['n="Alice"', 'n="Bob"'],
      );
    });

    it('returns nothing for a constant absent from the store', async () => {
      assert.deepEqual(await selectRows(data, 'SELECT ?x { ?x :knows :nobody }'), []);
    });

    it('matches the default graph only outside GRAPH', async () => {
      assert.deepEqual(await selectRows(data, 'SELECT ?x { ?x :likes ?y }'), []);
    });

    it('forms a cross product of unconnected patterns', async () => {
      const rows = await selectRows(data, 'SELECT ?a ?b { ?a :age ?x . ?b :age ?y }');
      assert.equal(rows.length, 4);
    });

    it('tests a fully bound pattern', async () => {
      const query = 'SELECT ?a { ?a :knows :carol . ?a :name "Alice" }';
      assert.deepEqual(await selectRows(data, query), ['a=http://example.org/alice']);
      const absent = 'SELECT ?a { ?a :name "Alice" . ?a :knows :dave }';
      assert.deepEqual(await selectRows(data, absent), []);
    });

    it('tests a bound pattern inside GRAPH ?g', async () => {
      const query = 'SELECT ?g ?x { GRAPH ?g { ?x :likes ?y . :alice :likes :tea } }';
      assert.deepEqual(await selectSorted(data, query), [
        'g=http://example.org/g1 x=http://example.org/alice',
        'g=http://example.org/g1 x=http://example.org/bob',
      ]);
    });

    it('tests a bound pattern in merged graphs', async () => {
      const query = 'SELECT ?x FROM :g1 FROM :g2 { ?x :likes ?y . :alice :likes :tea }';
      assert.deepEqual(await selectSorted(data, query), [
        'x=http://example.org/alice',
        'x=http://example.org/alice',
        'x=http://example.org/bob',
      ]);
    });

    it('returns one empty solution for an empty pattern', async () => {
      assert.deepEqual(await selectRows(data, 'SELECT * {}'), ['']);
    });
  });

  describe(`OPTIONAL (${backend.name})`, () => {
    it('keeps solutions without a match', async () => {
      assert.deepEqual(
        await selectSorted(data, 'SELECT ?x ?a { ?x :name ?n OPTIONAL { ?x :age ?a } }'),
        [
          'x=http://example.org/alice a="30"^^http://www.w3.org/2001/XMLSchema#integer',
          'x=http://example.org/bob a="25"^^http://www.w3.org/2001/XMLSchema#integer',
          'x=http://example.org/carol a=-',
        ],
      );
    });

    it('applies a FILTER inside OPTIONAL to the optional part only', async () => {
      const rows = await selectSorted(
        data,
        'SELECT ?x ?a { ?x :name ?n OPTIONAL { ?x :age ?a FILTER(?a > 26) } }',
      );
      assert.deepEqual(rows, [
        'x=http://example.org/alice a="30"^^http://www.w3.org/2001/XMLSchema#integer',
        'x=http://example.org/bob a=-',
        'x=http://example.org/carol a=-',
      ]);
    });

    it('lets the OPTIONAL FILTER read variables of the left side', async () => {
      const rows = await selectSorted(
        data,
        'SELECT ?x ?y { ?x :name ?n OPTIONAL { ?x :knows ?y FILTER(?n = "Bob") } }',
      );
      assert.deepEqual(rows, [
        'x=http://example.org/alice y=-',
        'x=http://example.org/bob y=http://example.org/carol',
        'x=http://example.org/carol y=-',
      ]);
    });

    it('keeps an outer FILTER on an optional variable after the OPTIONAL', async () => {
      const rows = await selectSorted(
        data,
        'SELECT ?x { ?x :name ?n OPTIONAL { ?x :age ?a } FILTER(!BOUND(?a)) }',
      );
      assert.deepEqual(rows, ['x=http://example.org/carol']);
    });

    it('scopes a FILTER in a nested group to that group', async () => {
      // ?n is not bound inside the inner group, so its FILTER is an error and removes everything.
      const rows = await selectRows(
        data,
        'SELECT ?x { ?x :name ?n { ?x :age ?a FILTER(?n = "Bob") } }',
      );
      assert.deepEqual(rows, []);
    });

    it('evaluates nested OPTIONALs', async () => {
      const rows = await selectSorted(
        data,
        'SELECT ?x ?y ?z { ?x :name ?n OPTIONAL { ?x :knows ?y OPTIONAL { ?y :knows ?z } } }',
      );
      assert.deepEqual(rows, [
        'x=http://example.org/alice y=http://example.org/bob z=http://example.org/carol',
        'x=http://example.org/alice y=http://example.org/carol z=-',
        'x=http://example.org/bob y=http://example.org/carol z=-',
        'x=http://example.org/carol y=- z=-',
      ]);
    });

    it('joins an OPTIONAL group that is not a plain BGP', async () => {
      const rows = await selectSorted(
        data,
        'SELECT ?x ?v { ?x :age ?a OPTIONAL { { ?x :knows ?v } UNION { ?x :name ?v } } }',
      );
      assert.equal(rows.length, 5);
      assert.ok(rows.includes('x=http://example.org/bob v="Bob"'));
    });
  });

  describe(`UNION (${backend.name})`, () => {
    it('concatenates both branches', async () => {
      const rows = await selectSorted(
        data,
        'SELECT ?x ?v { { ?x :age ?v } UNION { ?x :name ?v } }',
      );
      assert.equal(rows.length, 5);
    });

    it('leaves variables of the other branch unbound', async () => {
      const rows = await selectSorted(
        data,
        'SELECT ?a ?n { { :alice :age ?a } UNION { :carol :name ?n } }',
      );
      assert.deepEqual(rows, [
        'a="30"^^http://www.w3.org/2001/XMLSchema#integer n=-',
        'a=- n="Carol"',
      ]);
    });

    it('joins a union with a following pattern', async () => {
      const rows = await selectSorted(
        data,
        'SELECT ?x ?n { { ?x :age 30 } UNION { ?x :age 25 } ?x :name ?n }',
      );
      assert.deepEqual(rows, [
        'x=http://example.org/alice n="Alice"',
        'x=http://example.org/bob n="Bob"',
      ]);
    });
  });

  describe(`GRAPH (${backend.name})`, () => {
    it('ranges a graph variable over named graphs only', async () => {
      const rows = await selectSorted(data, 'SELECT ?g ?o { GRAPH ?g { :alice ?p ?o } }');
      assert.deepEqual(rows, [
        'g=http://example.org/g1 o=http://example.org/tea',
        'g=http://example.org/g2 o=http://example.org/cake',
      ]);
    });

    it('matches one named graph by IRI', async () => {
      assert.deepEqual(await selectSorted(data, 'SELECT ?s { GRAPH :g1 { ?s :likes :coffee } }'), [
        's=http://example.org/bob',
      ]);
    });

    it('returns nothing for an unknown graph IRI', async () => {
      assert.deepEqual(await selectRows(data, 'SELECT ?s { GRAPH :nope { ?s ?p ?o } }'), []);
    });

    it('joins the graph name with the rest of the query', async () => {
      const rows = await selectRows(data, 'SELECT ?g { GRAPH ?g { ?g :source ?w } }');
      assert.deepEqual(rows, ['g=http://example.org/g2']);
    });

    it('enumerates named graphs for an empty group', async () => {
      assert.deepEqual(await selectSorted(data, 'SELECT ?g { GRAPH ?g { } }'), [
        'g=http://example.org/g1',
        'g=http://example.org/g2',
      ]);
    });

    it('keeps all patterns of one GRAPH group in the same graph', async () => {
      const rows = await selectRows(
        data,
        'SELECT ?g { GRAPH ?g { :alice :likes :tea . :alice :likes :cake } }',
      );
      assert.deepEqual(rows, []);
    });

    it('hides the graph name from FILTERs inside the group', async () => {
      const rows = await selectRows(
        data,
        'SELECT ?s { GRAPH ?g { ?s :likes ?o FILTER(BOUND(?g)) } }',
      );
      assert.deepEqual(rows, []);
    });

    it('joins with default-graph patterns on shared variables', async () => {
      const rows = await selectSorted(
        data,
        'SELECT ?n ?o { ?s :name ?n GRAPH ?g { ?s :likes ?o } }',
      );
      assert.deepEqual(rows, [
        'n="Alice" o=http://example.org/cake',
        'n="Alice" o=http://example.org/tea',
        'n="Bob" o=http://example.org/coffee',
      ]);
    });
  });
}
