import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LimitExceededError } from '../../src/errors.js';
import { PAUSE, QueryContext } from '../../src/sparql/context.js';
import { Evaluator } from '../../src/sparql/evaluator.js';
import { executeQuery, parseQuery, type QueryableDataset } from '../../src/sparql/index.js';
import { PREFIXES, storeDatasetFromTrig } from './helpers.js';

const SUBJECTS = 2000;
/** Room for the streaming queries below, but far less than any materialising operator keeps. */
const SMALL_BUDGET = 16 * 1024;
const LARGE_BUDGET = 64 * 1024 * 1024;

/**
 * 2000 subjects with :p, every second with :q, every third with :r, and a :next chain
 * through all of them.
 */
function generatedData(): string {
  const lines = ['@prefix : <http://example.org/> .'];
  for (let i = 0; i < SUBJECTS; i++) {
    lines.push(`:s${i} :p "v${i}" .`);
    if (i % 2 === 0) lines.push(`:s${i} :q "q${i}" .`);
    if (i % 3 === 0) lines.push(`:s${i} :r "r${i}" .`);
    if (i + 1 < SUBJECTS) lines.push(`:s${i} :next :s${i + 1} .`);
  }
  return lines.join('\n');
}

/** Runs a query of any form to the end and returns the number of rows or quads. */
async function countResults(
  data: QueryableDataset,
  query: string,
  maxQueryMemoryBytes: number,
): Promise<number> {
  const result = await executeQuery(data, PREFIXES + query, { maxQueryMemoryBytes });
  if (result.type === 'boolean') return 1;
  let count = 0;
  const items = result.type === 'bindings' ? result.rows : result.quads;
  for await (const item of items as AsyncIterable<unknown>) {
    void item;
    count++;
  }
  return count;
}

function isMemoryLimit(budget: number): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof LimitExceededError, `expected LimitExceededError, got ${error}`);
    assert.equal(error.limit, 'Query memory (bytes)');
    assert.equal(error.value, budget);
    assert.match(error.message, /maxQueryMemoryBytes/);
    return true;
  };
}

/** Evaluates a query on a QueryContext of its own, so that the test can read its memory. */
function contextFor(data: QueryableDataset, query: string, budget: number) {
  const parsed = parseQuery(PREFIXES + query);
  const ctx = new QueryContext(data.dictionary, data.quads, parsed.slotCount, 30_000, undefined);
  ctx.maxQueryMemoryBytes = budget;
  const solutions = new Evaluator(ctx).run(parsed.algebra);
  return { ctx, solutions };
}

describe('QueryContext memory budget', () => {
  const data = storeDatasetFromTrig('<http://example.org/s> <http://example.org/p> "o" .');

  it('charges up to the budget and no further', () => {
    const ctx = new QueryContext(data.dictionary, data.quads, 1, 30_000, undefined);
    ctx.maxQueryMemoryBytes = 1000;
    ctx.chargeMemory(600);
    ctx.chargeMemory(400);
    assert.equal(ctx.memoryInUse, 1000);
    assert.throws(() => ctx.chargeMemory(1), isMemoryLimit(1000));
    assert.equal(ctx.memoryInUse, 1000);
  });

  it('allows new charges after a release', () => {
    const ctx = new QueryContext(data.dictionary, data.quads, 1, 30_000, undefined);
    ctx.maxQueryMemoryBytes = 1000;
    ctx.chargeMemory(1000);
    ctx.releaseMemory(300);
    assert.equal(ctx.memoryInUse, 700);
    ctx.chargeMemory(300);
    assert.equal(ctx.memoryInUse, 1000);
  });

  it('charges query-local terms once', () => {
    const ctx = new QueryContext(data.dictionary, data.quads, 1, 30_000, undefined);
    ctx.idOf('"not stored"');
    const charged = ctx.memoryInUse;
    assert.ok(charged > 0);
    ctx.idOf('"not stored"');
    assert.equal(ctx.memoryInUse, charged);
    // A stored term needs no query-local id.
    ctx.idOf('http://example.org/s');
    assert.equal(ctx.memoryInUse, charged);
  });
});

describe('maxQueryMemoryBytes per operator', () => {
  const data = storeDatasetFromTrig(generatedData());
  const values = Array.from({ length: 1000 }, (_, i) => `(:s${i} "v${i}")`).join(' ');
  const cases: { name: string; query: string; results: number; budget?: number }[] = [
    { name: 'ORDER BY', query: 'SELECT ?s { ?s :p ?o } ORDER BY ?o', results: 2000 },
    { name: 'DISTINCT', query: 'SELECT DISTINCT ?o { ?s :p ?o }', results: 2000 },
    { name: 'REDUCED', query: 'SELECT REDUCED ?o { ?s :p ?o }', results: 2000 },
    {
      name: 'hash join',
      query: 'SELECT * { { ?s :q ?x } UNION { ?s :r ?x } { ?s :p ?o } UNION { ?s :next ?o } }',
      results: 3334,
    },
    { name: 'MINUS', query: 'SELECT * { ?s :p ?o MINUS { ?s :q ?x } }', results: 1000 },
    {
      name: 'OPTIONAL over a union',
      query: 'SELECT * { ?s :p ?o OPTIONAL { { ?s :q ?x } UNION { ?s :r ?x } } }',
      results: 2334,
    },
    {
      name: 'GROUP BY',
      query: 'SELECT ?o (COUNT(*) AS ?n) { ?s :p ?o } GROUP BY ?o',
      results: 2000,
    },
    {
      name: 'GROUP_CONCAT',
      query: 'SELECT (GROUP_CONCAT(?o) AS ?all) { ?s :p ?o }',
      results: 1,
      // The parts (about 66 KB) pass this budget, the result term alone (about 24 KB) does not.
      budget: 40 * 1024,
    },
    {
      name: 'COUNT DISTINCT',
      query: 'SELECT (COUNT(DISTINCT ?o) AS ?n) { ?s :p ?o }',
      results: 1,
    },
    {
      name: 'CONSTRUCT',
      query: 'CONSTRUCT { ?s :copy ?o } WHERE { ?s :p ?o }',
      results: 2000,
    },
    { name: 'DESCRIBE', query: 'DESCRIBE ?s WHERE { ?s :r ?o }', results: 2335 },
    { name: 'path closure', query: 'SELECT ?o { :s0 :next* ?o }', results: 2000 },
    {
      name: 'path start nodes',
      query: 'SELECT ?a ?b { ?a :next* ?b } LIMIT 1',
      results: 1,
    },
    { name: 'VALUES', query: `SELECT ?s { VALUES (?s ?o) { ${values} } }`, results: 1000 },
    {
      name: 'computed terms',
      query: 'SELECT ?c { ?s :p ?o BIND(CONCAT(?o, "-computed") AS ?c) }',
      results: 2000,
    },
  ];

  for (const { name, query, results, budget = SMALL_BUDGET } of cases) {
    it(`${name} fails over a small budget`, async () => {
      await assert.rejects(countResults(data, query, budget), isMemoryLimit(budget));
    });

    it(`${name} succeeds under a large budget`, async () => {
      assert.equal(await countResults(data, query, LARGE_BUDGET), results);
    });
  }

  it('streaming query fits a small budget', async () => {
    const query = 'SELECT * { ?s :p ?o . ?s :next ?n FILTER(?o != "x") }';
    assert.equal(await countResults(data, query, SMALL_BUDGET), 1999);
  });

  it('runaway DISTINCT fails early', async () => {
    const query = `${PREFIXES} SELECT DISTINCT ?w ?x ?y { ?a :p ?w . ?b :p ?x . ?c :p ?y }`;
    const result = await executeQuery(data, query, { maxQueryMemoryBytes: SMALL_BUDGET });
    if (result.type !== 'bindings') throw new Error('expected bindings');
    let rows = 0;
    await assert.rejects(async () => {
      for await (const row of result.rows) {
        void row;
        rows++;
      }
    }, isMemoryLimit(SMALL_BUDGET));
    // DISTINCT passes rows on while it charges them, so the failure comes after some rows
    // and long before the 8e9 solutions of the cross product.
    assert.ok(rows > 0);
    assert.ok(rows < 1000);
  });
});

describe('memory release', () => {
  const data = storeDatasetFromTrig(generatedData());

  it('returns to zero after the operators finish', () => {
    const query = `SELECT DISTINCT ?s ?x {
      ?s :p ?o
      OPTIONAL { { ?s :q ?x } UNION { ?s :r ?x } }
      MINUS { ?s :next :s5 }
      :s0 :next* ?s
    } ORDER BY ?x LIMIT 50`;
    const { ctx, solutions } = contextFor(data, query, LARGE_BUDGET);
    let rows = 0;
    for (const solution of solutions) if (solution !== PAUSE) rows++;
    assert.equal(rows, 50);
    assert.equal(ctx.memoryInUse, 0);
  });

  it('returns to zero when the consumer stops early', () => {
    const { ctx, solutions } = contextFor(data, 'SELECT ?s { ?s :p ?o } ORDER BY ?o', LARGE_BUDGET);
    let first = solutions.next();
    while (first.value === PAUSE) first = solutions.next();
    assert.equal(first.done, false);
    assert.ok(ctx.memoryInUse > 0);
    solutions.return();
    assert.equal(ctx.memoryInUse, 0);
  });

  it('does not accumulate across EXISTS evaluations', async () => {
    // Each EXISTS builds the OPTIONAL's table of 1667 solutions again, once per outer row.
    const query =
      'SELECT ?s { ?s :q ?o FILTER EXISTS { ?t :p ?x OPTIONAL { { ?t :r ?y } UNION { ?t :q ?y } } } }';
    assert.equal(await countResults(data, query, 1024 * 1024), 1000);
  });
});
