import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LimitExceededError, QueryTimeoutError } from '../../src/errors.js';
import { executeQuery } from '../../src/sparql/index.js';
import {
  ask,
  BACKENDS,
  PREFIXES,
  selectRows,
  selectSorted,
  storeDatasetFromTrig,
  TRIG_PREFIXES,
} from './helpers.js';

const EX = 'http://example.org/';

/**
 * A cycle a→b→c→a, a self loop on s, a chain n0→…→n4, two predicates from x to y (for bag
 * semantics) and two named graphs.
 */
const DATA = `${TRIG_PREFIXES}
:a :p :b . :b :p :c . :c :p :a .
:s :p :s .
:n0 :next :n1 . :n1 :next :n2 . :n2 :next :n3 . :n3 :next :n4 .
:x :q :y . :x :r :y . :y :q :z .
:g1 { :m :p :n . :n :p :o . }
:g2 { :m :p :k . }
`;

/** Three triples, so every node of the default graph is known: u, v and w. */
const SMALL = `${TRIG_PREFIXES}
:u :e :v . :v :e :w . :w :f :u .
`;

/** Returns "var=key" rows with the example namespace cut, sorted. */
async function rowsOf(dataset: Parameters<typeof selectRows>[0], query: string): Promise<string[]> {
  return (await selectSorted(dataset, query)).map((row) => row.split(EX).join(':'));
}

for (const backend of BACKENDS) {
  const data = backend.load(DATA);
  const small = backend.load(SMALL);

  describe(`property path operators (${backend.name})`, () => {
    it('follows a sequence', async () => {
      assert.deepEqual(await rowsOf(data, 'SELECT ?z { :x :q/:q ?z }'), ['z=:z']);
      assert.deepEqual(await rowsOf(data, 'SELECT ?s { ?s :next/:next/:next :n4 }'), ['s=:n1']);
    });

    it('keeps duplicates of alternatives and sequences', async () => {
      assert.deepEqual(await rowsOf(data, 'SELECT ?y { :x :q|:r ?y }'), ['y=:y', 'y=:y']);
      assert.deepEqual(await rowsOf(data, 'SELECT ?z { :x (:q|:r)/:q ?z }'), ['z=:z', 'z=:z']);
    });

    it('follows an inverse link', async () => {
      assert.deepEqual(await rowsOf(data, 'SELECT ?s { :y ^:q ?s }'), ['s=:x']);
      assert.deepEqual(await rowsOf(data, 'SELECT ?s { :n2 ^(:next/:next) ?s }'), ['s=:n0']);
    });

    it('matches negated property sets', async () => {
      assert.deepEqual(await rowsOf(data, 'SELECT ?o { :x !:q ?o }'), ['o=:y']);
      assert.deepEqual(await rowsOf(data, 'SELECT ?o { :x !(:q|:r) ?o }'), []);
      assert.deepEqual(await rowsOf(data, 'SELECT ?s { :y !^:r ?s }'), ['s=:x']);
      assert.deepEqual(await rowsOf(data, 'SELECT ?o { :y !(:r|^:r) ?o }'), ['o=:x', 'o=:z']);
      assert.deepEqual(await rowsOf(data, 'SELECT ?o { :x !() ?o }'), ['o=:y', 'o=:y']);
    });

    it('follows zero or more steps', async () => {
      assert.deepEqual(await rowsOf(data, 'SELECT ?y { :a :p* ?y }'), ['y=:a', 'y=:b', 'y=:c']);
      assert.deepEqual(await rowsOf(data, 'SELECT ?y { :n2 :next* ?y }'), [
        'y=:n2',
        'y=:n3',
        'y=:n4',
      ]);
    });

    it('follows one or more steps', async () => {
      assert.deepEqual(await rowsOf(data, 'SELECT ?y { :a :p+ ?y }'), ['y=:a', 'y=:b', 'y=:c']);
      assert.deepEqual(await rowsOf(data, 'SELECT ?y { :n2 :next+ ?y }'), ['y=:n3', 'y=:n4']);
      assert.deepEqual(await rowsOf(data, 'SELECT ?y { :s :p+ ?y }'), ['y=:s']);
    });

    it('follows zero or one step', async () => {
      assert.deepEqual(await rowsOf(data, 'SELECT ?y { :a :p? ?y }'), ['y=:a', 'y=:b']);
      assert.deepEqual(await rowsOf(data, 'SELECT ?y { :s :p? ?y }'), ['y=:s']);
      assert.deepEqual(await rowsOf(data, 'SELECT ?x { ?x :next? :n0 }'), ['x=:n0']);
    });

    it('evaluates nested paths', async () => {
      assert.deepEqual(await rowsOf(data, 'SELECT ?y { :n0 (:next/:next)* ?y }'), [
        'y=:n0',
        'y=:n2',
        'y=:n4',
      ]);
      assert.deepEqual(await rowsOf(data, 'SELECT ?y { :n4 ^(:next/:next)+ ?y }'), [
        'y=:n0',
        'y=:n2',
      ]);
      assert.deepEqual(await rowsOf(data, 'SELECT ?y { :n2 (:next|^:next)+ ?y }'), [
        'y=:n0',
        'y=:n1',
        'y=:n2',
        'y=:n3',
        'y=:n4',
      ]);
      assert.deepEqual(await rowsOf(data, 'SELECT ?y { :n1 :next/(:next?)/:next ?y }'), [
        'y=:n3',
        'y=:n4',
      ]);
    });
  });

  describe(`property path semantics (${backend.name})`, () => {
    it('returns each closure node once', async () => {
      assert.deepEqual(await rowsOf(data, 'SELECT ?y { :x (:q|:r)+ ?y }'), ['y=:y', 'y=:z']);
      assert.deepEqual(await rowsOf(data, 'SELECT ?y { :x (:q|:r)? ?y }'), ['y=:x', 'y=:y']);
    });

    it('checks both bound ends', async () => {
      assert.equal(await ask(data, 'ASK { :a :p+ :c }'), true);
      assert.equal(await ask(data, 'ASK { :a :p+ :a }'), true);
      assert.equal(await ask(data, 'ASK { :n4 :next+ :n0 }'), false);
      assert.equal(await ask(data, 'ASK { :n0 :next* :n0 }'), true);
      assert.deepEqual(await rowsOf(data, 'SELECT * { :a :p* :c }'), ['']);
    });

    it('matches zero length on terms not in the data', async () => {
      assert.deepEqual(await rowsOf(data, 'SELECT ?y { :nowhere :p* ?y }'), ['y=:nowhere']);
      assert.deepEqual(await rowsOf(data, 'SELECT ?x { ?x :p? :nowhere }'), ['x=:nowhere']);
      assert.deepEqual(await rowsOf(data, 'SELECT ?y { "lit" :p* ?y }'), ['y="lit"']);
      assert.equal(await ask(data, 'ASK { :nowhere :p* :nowhere }'), true);
      assert.equal(await ask(data, 'ASK { :nowhere :p+ :nowhere }'), false);
    });

    it('relates every graph node to itself', async () => {
      assert.deepEqual(await rowsOf(small, 'SELECT ?x ?y { ?x :e* ?y }'), [
        'x=:u y=:u',
        'x=:u y=:v',
        'x=:u y=:w',
        'x=:v y=:v',
        'x=:v y=:w',
        'x=:w y=:w',
      ]);
      assert.deepEqual(await rowsOf(small, 'SELECT ?x { ?x :f? ?x }'), ['x=:u', 'x=:v', 'x=:w']);
      assert.deepEqual(await rowsOf(small, 'SELECT ?x ?y { ?x :e+ ?y }'), [
        'x=:u y=:v',
        'x=:u y=:w',
        'x=:v y=:w',
      ]);
    });

    it('finds the nodes on cycles', async () => {
      assert.deepEqual(await rowsOf(data, 'SELECT ?x { ?x :p+ ?x }'), [
        'x=:a',
        'x=:b',
        'x=:c',
        'x=:s',
      ]);
    });

    it('rejects values bound outside the graph', async () => {
      assert.deepEqual(await rowsOf(small, 'SELECT ?v { VALUES ?v { :nowhere } ?v :e? ?v }'), []);
      assert.deepEqual(await rowsOf(small, 'SELECT ?v { VALUES ?v { :u } ?v :e? ?v }'), ['v=:u']);
      assert.deepEqual(
        await rowsOf(small, 'SELECT ?v { VALUES ?v { :nowhere } ?v :e* :nowhere }'),
        ['v=:nowhere'],
      );
    });

    it('joins with other patterns', async () => {
      assert.deepEqual(await rowsOf(data, 'SELECT ?s ?y { ?s :q ?m . ?m ^:q+ ?y }'), [
        's=:x y=:x',
        's=:y y=:x',
        's=:y y=:y',
      ]);
    });
  });

  describe(`property paths in other patterns (${backend.name})`, () => {
    it('matches inside OPTIONAL', async () => {
      assert.deepEqual(await rowsOf(small, 'SELECT ?x ?y { ?x :e ?m OPTIONAL { ?x :f+ ?y } }'), [
        'x=:u y=-',
        'x=:v y=-',
      ]);
      assert.deepEqual(await rowsOf(small, 'SELECT ?x ?y { ?x :f ?m OPTIONAL { ?x :f/:e+ ?y } }'), [
        'x=:w y=:v',
        'x=:w y=:w',
      ]);
    });

    it('matches inside EXISTS', async () => {
      assert.deepEqual(
        await rowsOf(small, 'SELECT ?x { ?x :e ?m FILTER EXISTS { ?x (:e|:f)+ :u } }'),
        ['x=:u', 'x=:v'],
      );
      assert.deepEqual(
        await rowsOf(small, 'SELECT ?x { ?x :e ?m FILTER NOT EXISTS { ?x :e* :w } }'),
        [],
      );
    });

    it('projects away sequence steps', async () => {
      assert.deepEqual(await rowsOf(small, 'SELECT * { :u :e/:e ?z }'), ['z=:w']);
    });
  });

  describe(`property paths in GRAPH (${backend.name})`, () => {
    it('binds the graph variable', async () => {
      assert.deepEqual(await rowsOf(data, 'SELECT ?g ?y { GRAPH ?g { :m :p+ ?y } }'), [
        'g=:g1 y=:n',
        'g=:g1 y=:o',
        'g=:g2 y=:k',
      ]);
    });

    it('matches zero length once per graph', async () => {
      assert.deepEqual(await rowsOf(data, 'SELECT ?g ?y { GRAPH ?g { :nowhere :p* ?y } }'), [
        'g=:g1 y=:nowhere',
        'g=:g2 y=:nowhere',
      ]);
    });

    it('ranges over the nodes of one graph', async () => {
      assert.deepEqual(await rowsOf(data, 'SELECT ?x { GRAPH :g1 { ?x :p* ?x } }'), [
        'x=:m',
        'x=:n',
        'x=:o',
      ]);
      assert.deepEqual(await rowsOf(data, 'SELECT ?y { GRAPH :missing { :m :p* ?y } }'), []);
    });
  });
}

/** Builds a chain of `length` nodes c0 → c1 → … along :p as TriG. */
function chain(length: number): string {
  const lines = [TRIG_PREFIXES];
  for (let i = 0; i + 1 < length; i++) lines.push(`:c${i} :p :c${i + 1} .`);
  return lines.join('\n');
}

async function drain(rows: AsyncIterable<unknown>): Promise<number> {
  let count = 0;
  for await (const row of rows) if (row !== undefined) count++;
  return count;
}

describe('property path limits', () => {
  const data = storeDatasetFromTrig(chain(3000));

  it('stops at maxPathNodes', async () => {
    const result = await executeQuery(data, `${PREFIXES} SELECT ?y { :c0 :p* ?y }`, {
      maxPathNodes: 100,
    });
    if (result.type !== 'bindings') throw new Error('expected bindings');
    await assert.rejects(drain(result.rows), (error: unknown) => {
      assert.ok(error instanceof LimitExceededError);
      assert.match(error.message, /maxPathNodes/);
      return true;
    });
  });

  it('allows a closure under the limit', async () => {
    const rows = await selectRows(data, 'SELECT ?y { :c0 :p* ?y }', { maxPathNodes: 3000 });
    assert.equal(rows.length, 3000);
  });

  it('times out inside long closures', async () => {
    // 4.5 million reachable pairs, which the filter all rejects.
    const query = `${PREFIXES} SELECT * { ?x :p+ ?y FILTER(?y = :none) }`;
    const result = await executeQuery(data, query, { timeoutMs: 200 });
    if (result.type !== 'bindings') throw new Error('expected bindings');
    let timerRan = false;
    setImmediate(() => {
      timerRan = true;
    });
    await assert.rejects(drain(result.rows), QueryTimeoutError);
    assert.equal(timerRan, true);
  });
});
