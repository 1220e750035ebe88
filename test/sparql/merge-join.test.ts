/**
 * Merge joins in the BGP planner: the same multisets as the index nested loop on random data,
 * duplicate keys, empty runs, named graphs, and timeouts and cancellation inside a long merge.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { QueryCancelledError, QueryTimeoutError } from '../../src/errors.js';
import { QueryContext } from '../../src/sparql/context.js';
import { explainQuery, type PlanNode } from '../../src/sparql/explain.js';
import { executeQuery, type QueryableDataset } from '../../src/sparql/index.js';
import { MergeJoinCursor, prefersMergeJoin } from '../../src/sparql/merge-join.js';
import { MemoryDictionary } from '../../src/store/dictionary.js';
import { QuadStore } from '../../src/store/quad-store.js';
import { ANY, type QuadCursor, type QuadSource } from '../../src/store/types.js';
import { naiveDatasetFromTrig } from './naive-source.js';
import { PREFIXES, selectSorted, storeDatasetFromTrig, TRIG_PREFIXES } from './helpers.js';

/**
 * A view that forwards every call to a QuadStore. It is not a QuadStore instance, so the
 * planner cannot rely on sorted cursors and uses the index nested loop on the same data.
 */
class ForwardingSource implements QuadSource {
  constructor(private readonly source: QuadSource) {}
  get size(): number {
    return this.source.size;
  }
  has(s: number, p: number, o: number, g: number): boolean {
    return this.source.has(s, p, o, g);
  }
  count(s: number, p: number, o: number, g: number): number {
    return this.source.count(s, p, o, g);
  }
  match(s: number, p: number, o: number, g: number): QuadCursor {
    return this.source.match(s, p, o, g);
  }
  hasMany(quads: Uint32Array): Uint8Array {
    return this.source.hasMany(quads);
  }
}

function nestedLoopView(dataset: QueryableDataset): QueryableDataset {
  return { dictionary: dataset.dictionary, quads: new ForwardingSource(dataset.quads) };
}

/** Returns a cursor over quads given as [s, p, o, g] rows, in the given order. */
function cursorOver(rows: readonly (readonly number[])[]): QuadCursor {
  let index = 0;
  const cursor: QuadCursor = {
    s: 0,
    p: 0,
    o: 0,
    g: 0,
    next(): boolean {
      const row = rows[index++];
      if (row === undefined) return false;
      [cursor.s, cursor.p, cursor.o, cursor.g] = row as [number, number, number, number];
      return true;
    },
  };
  return cursor;
}

const NO_PAUSE = { step: () => false };

/** Returns the left keys of every (left row, partner) pair the merge cursor produces. */
function mergedKeys(leftKeys: readonly number[], rightKeys: readonly number[]): number[] {
  const merge = new MergeJoinCursor(
    cursorOver(leftKeys.map((key) => [key, 1, 2, 0])),
    cursorOver(rightKeys.map((key) => [3, 4, key, 0])),
    0,
    2,
    NO_PAUSE,
  );
  const pairs: number[] = [];
  for (let rows = 0; rows < 100_000 && merge.next(); rows++) {
    while (merge.partners.next()) pairs.push(merge.s);
  }
  return pairs;
}

function nestedKeys(leftKeys: readonly number[], rightKeys: readonly number[]): number[] {
  const pairs: number[] = [];
  for (const left of leftKeys) for (const right of rightKeys) if (left === right) pairs.push(left);
  return pairs;
}

function stepsOf(plan: PlanNode): PlanNode[] {
  if (plan.operator === 'step') return [plan];
  return plan.children.flatMap(stepsOf);
}

async function algorithms(dataset: QueryableDataset, query: string): Promise<string[]> {
  const explanation = await explainQuery(dataset, PREFIXES + query);
  return stepsOf(explanation.plan).map((step) => step.algorithm ?? 'never ran');
}

/** TriG for random memberships of subjects :s0..:sN in :p :a, :q :b and :q :a. */
function randomTrig(memberships: readonly [number, number][], graph: string | undefined): string {
  const predicates = [':p :a', ':q :b', ':q :a'];
  const lines = memberships.map(([subject, kind]) => `:s${subject} ${predicates[kind]!} .`);
  const body = lines.join('\n');
  return TRIG_PREFIXES + (graph === undefined ? body : `${graph} { ${body} }`);
}

const membershipsArbitrary = fc.array(
  fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 2 })),
  { maxLength: 150 },
);

describe('MergeJoinCursor', () => {
  it('yields every combination of duplicate keys', () => {
    const left = [1, 1, 2, 3, 3, 5];
    const right = [1, 3, 3, 3, 4, 5, 5];
    assert.deepEqual(mergedKeys(left, right), [1, 1, 3, 3, 3, 3, 3, 3, 5, 5]);
  });

  it('matches the nested loop on random sorted keys', () => {
    const keys = fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 40 });
    fc.assert(
      fc.property(keys, keys, (left, right) => {
        left.sort((a, b) => a - b);
        right.sort((a, b) => a - b);
        assert.deepEqual(mergedKeys(left, right), nestedKeys(left, right));
      }),
      { numRuns: 300 },
    );
  });

  it('handles empty runs', () => {
    assert.deepEqual(mergedKeys([], [1, 2]), []);
    assert.deepEqual(mergedKeys([1, 2], []), []);
    assert.deepEqual(mergedKeys([], []), []);
  });

  it('returns left rows without partners', () => {
    const merge = new MergeJoinCursor(
      cursorOver([[7, 1, 2, 0]]),
      cursorOver([[3, 4, 8, 0]]),
      0,
      2,
      NO_PAUSE,
    );
    assert.equal(merge.next(), true);
    assert.equal(merge.s, 7);
    assert.equal(merge.partners.next(), false);
    assert.equal(merge.next(), false);
  });

  it('rejects an unsorted run', () => {
    assert.throws(() => mergedKeys([1, 2], [2, 1, 3]), /right run is not sorted/);
    assert.throws(() => mergedKeys([3, 1], [1, 3]), /left run is not sorted/);
  });
});

describe('prefersMergeJoin', () => {
  it('merges runs of similar size', () => {
    assert.equal(prefersMergeJoin(1000, 1000), true);
  });

  it('keeps the nested loop for a much larger right run', () => {
    assert.equal(prefersMergeJoin(20, 15_000), false);
  });

  it('keeps the nested loop for an empty left run', () => {
    assert.equal(prefersMergeJoin(0, 10), false);
  });
});

describe('BGP merge join', () => {
  const query = 'SELECT ?x { ?x :p :a . ?x :q :b }';

  it('is chosen for two large sorted runs', async () => {
    const memberships: [number, number][] = [];
    for (let i = 0; i < 50; i++) memberships.push([i, 0], [i + 25, 1]);
    const store = storeDatasetFromTrig(randomTrig(memberships, undefined));
    assert.deepEqual(await algorithms(store, query), ['index nested loop', 'merge join on ?x']);
    assert.equal((await selectSorted(store, query)).length, 25);
  });

  it('is not chosen on a source without sorted cursors', async () => {
    const store = storeDatasetFromTrig(
      randomTrig(
        [
          [1, 0],
          [1, 1],
        ],
        undefined,
      ),
    );
    const steps = await algorithms(nestedLoopView(store), query);
    assert.deepEqual(steps, ['index nested loop', 'index nested loop']);
  });

  it('shows the algorithm in EXPLAIN text', async () => {
    const store = storeDatasetFromTrig(
      randomTrig(
        [
          [1, 0],
          [1, 1],
        ],
        undefined,
      ),
    );
    const explanation = await explainQuery(store, PREFIXES + query);
    assert.match(explanation.text, /\(merge join on \?x\)/);
    assert.match(explanation.text, /\(index nested loop\)/);
  });

  it('matches the nested loop and the naive source on random data', async () => {
    const queries = [
      query,
      'SELECT ?x { ?x :q :a . ?x :p :a }',
      'SELECT ?x { ?x :q :b . ?x :q :a FILTER(?x != :s3) }',
      'SELECT ?s ?o { :s1 ?p ?o . ?s ?p :b }',
      'SELECT ?x ?y { ?x :p :a . ?x :q :b . ?y :q :a }',
    ];
    await fc.assert(
      fc.asyncProperty(membershipsArbitrary, async (memberships) => {
        const trig = randomTrig(memberships, undefined);
        const store = storeDatasetFromTrig(trig);
        const naive = naiveDatasetFromTrig(trig);
        for (const text of queries) {
          const merged = await selectSorted(store, text);
          assert.deepEqual(merged, await selectSorted(nestedLoopView(store), text), text);
          assert.deepEqual(merged, await selectSorted(naive, text), text);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('matches the naive source in named graphs', async () => {
    const queries = [
      'SELECT ?x { GRAPH :g1 { ?x :p :a . ?x :q :b } }',
      'SELECT ?x ?g { GRAPH ?g { ?x :p :a . ?x :q :b } }',
      'SELECT ?x { ?x :p :a . ?x :q :b }',
    ];
    await fc.assert(
      fc.asyncProperty(membershipsArbitrary, membershipsArbitrary, async (first, second) => {
        const trig =
          randomTrig(first, ':g1') + '\n' + randomTrig(second, ':g2').slice(TRIG_PREFIXES.length);
        const store = storeDatasetFromTrig(trig);
        const naive = naiveDatasetFromTrig(trig);
        for (const text of queries) {
          assert.deepEqual(await selectSorted(store, text), await selectSorted(naive, text), text);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('uses the merge join inside GRAPH with a constant graph', async () => {
    const trig = randomTrig(
      [
        [1, 0],
        [1, 1],
      ],
      ':g1',
    );
    const steps = await algorithms(
      storeDatasetFromTrig(trig),
      'SELECT ?x { GRAPH :g1 { ?x :p :a . ?x :q :b } }',
    );
    assert.deepEqual(steps, ['index nested loop', 'merge join on ?x']);
  });
});

describe('long merge join', () => {
  /**
   * Builds a store where ?x :q :b and ?x :p :a have `rows` rows each and every key of the
   * second is above every key of the first, so the first merge step reads the whole right run.
   */
  function longMergeDataset(rows: number): QueryableDataset {
    const dictionary = new MemoryDictionary();
    const quads = new QuadStore();
    const id = (name: string) => dictionary.intern(`http://example.org/${name}`);
    const [p, q, a, b] = [id('p'), id('q'), id('a'), id('b')];
    const packed = new Uint32Array(rows * 2 * 4);
    for (let i = 0; i < rows; i++) packed.set([id(`s${i}`), q, b, 0], i * 4);
    for (let i = 0; i < rows; i++) packed.set([id(`t${i}`), p, a, 0], (rows + i) * 4);
    quads.addMany(packed);
    return { dictionary, quads };
  }

  const dataset = longMergeDataset(150_000);
  const query = PREFIXES + 'SELECT ?x { ?x :p :a . ?x :q :b }';

  it('checks cancellation inside the merge', () => {
    const controller = new AbortController();
    controller.abort();
    const ctx = new QueryContext(dataset.dictionary, dataset.quads, 0, 60_000, controller.signal);
    const p = dataset.dictionary.lookup('http://example.org/p')!;
    const q = dataset.dictionary.lookup('http://example.org/q')!;
    const a = dataset.dictionary.lookup('http://example.org/a')!;
    const b = dataset.dictionary.lookup('http://example.org/b')!;
    const merge = new MergeJoinCursor(
      dataset.quads.match(ANY, p, a, 0),
      dataset.quads.match(ANY, q, b, 0),
      0,
      0,
      ctx,
    );
    assert.throws(() => merge.next(), QueryCancelledError);
  });

  it('times out inside the merge', async () => {
    assert.deepEqual(await algorithms(dataset, 'SELECT ?x { ?x :p :a . ?x :q :b }'), [
      'index nested loop',
      'merge join on ?x',
    ]);
    await assert.rejects(async () => {
      const result = await executeQuery(dataset, query, { timeoutMs: 1 });
      if (result.type !== 'bindings') throw new Error(`Expected bindings, got ${result.type}`);
      for await (const _row of result.rows);
    }, QueryTimeoutError);
  });
});
