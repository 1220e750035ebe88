import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LimitExceededError, QueryCancelledError, QueryTimeoutError } from '../../src/errors.js';
import { executeQuery } from '../../src/sparql/index.js';
import { PREFIXES, quadsOf, selectRows, storeDatasetFromTrig } from './helpers.js';

/** 200 subjects with one triple each: a four-way cross product has 1.6e9 solutions. */
function bigData(): string {
  const lines = ['@prefix : <http://example.org/> .'];
  for (let i = 0; i < 200; i++) lines.push(`:s${i} :p "v${i}" .`);
  return lines.join('\n');
}

async function drain(rows: AsyncIterable<unknown>): Promise<number> {
  const iterator = rows[Symbol.asyncIterator]();
  let count = 0;
  while (!(await iterator.next()).done) count++;
  return count;
}

describe('query limits', () => {
  const data = storeDatasetFromTrig(bigData());
  const crossProduct = `${PREFIXES} SELECT * { ?a :p ?w . ?b :p ?x . ?c :p ?y . ?d :p ?z FILTER(CONCAT(?w, ?x, ?y, ?z) = "none") }`;

  it('times out a huge cross product', async () => {
    const result = await executeQuery(data, crossProduct, { timeoutMs: 200 });
    assert.equal(result.type, 'bindings');
    if (result.type !== 'bindings') return;
    await assert.rejects(drain(result.rows), QueryTimeoutError);
  });

  it('times out inside ORDER BY and ASK too', async () => {
    const ordered = await executeQuery(
      data,
      `${PREFIXES} SELECT * { ?a :p ?w . ?b :p ?x . ?c :p ?y } ORDER BY ?y`,
      {
        timeoutMs: 200,
      },
    );
    if (ordered.type !== 'bindings') throw new Error('expected bindings');
    await assert.rejects(drain(ordered.rows), QueryTimeoutError);
    await assert.rejects(
      executeQuery(
        data,
        `${PREFIXES} ASK { ?a :p ?w . ?b :p ?x . ?c :p ?y . ?d :p ?z FILTER(CONCAT(?w, ?x, ?y, ?z) = "none") }`,
        {
          timeoutMs: 200,
        },
      ),
      QueryTimeoutError,
    );
  });

  it('lets the event loop run during a long query', async () => {
    const result = await executeQuery(data, crossProduct, { timeoutMs: 300 });
    if (result.type !== 'bindings') throw new Error('expected bindings');
    let timerRan = false;
    setImmediate(() => {
      timerRan = true;
    });
    await assert.rejects(drain(result.rows), QueryTimeoutError);
    assert.equal(timerRan, true);
  });

  it('cancels on an aborted signal', async () => {
    const controller = new AbortController();
    const result = await executeQuery(data, crossProduct, { signal: controller.signal });
    if (result.type !== 'bindings') throw new Error('expected bindings');
    setImmediate(() => controller.abort(new Error('client disconnected')));
    await assert.rejects(drain(result.rows), QueryCancelledError);
  });

  it('rejects an already aborted signal at once', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      executeQuery(data, crossProduct, { signal: controller.signal }),
      QueryCancelledError,
    );
  });

  it('caps result rows', async () => {
    const result = await executeQuery(data, `${PREFIXES} SELECT * { ?s :p ?o }`, { maxRows: 50 });
    if (result.type !== 'bindings') throw new Error('expected bindings');
    await assert.rejects(drain(result.rows), (error: unknown) => {
      return error instanceof LimitExceededError && error.value === 50;
    });
  });

  it('allows exactly maxRows rows', async () => {
    assert.equal((await selectRows(data, 'SELECT * { ?s :p ?o }', { maxRows: 200 })).length, 200);
  });

  it('caps CONSTRUCT quads', async () => {
    await assert.rejects(
      quadsOf(data, 'CONSTRUCT { ?s :q ?o } WHERE { ?s :p ?o }', { maxRows: 10 }),
      LimitExceededError,
    );
  });

  it('stops pulling after an early break', async () => {
    const result = await executeQuery(data, crossProduct.replace(/FILTER.*/, '}'));
    if (result.type !== 'bindings') throw new Error('expected bindings');
    const rows: unknown[] = [];
    for await (const row of result.rows) {
      rows.push(row);
      if (rows.length === 5) break;
    }
    assert.equal(rows.length, 5);
  });
});

describe('REGEX on a linear-time engine', () => {
  it('finishes a catastrophic-backtracking pattern', async () => {
    const text = `${'a'.repeat(5000)}!`;
    const data = storeDatasetFromTrig(`<http://example.org/s> <http://example.org/p> "${text}" .`);
    const rows = await selectRows(data, 'SELECT ?s { ?s :p ?o FILTER(REGEX(?o, "(a+)+$")) }');
    assert.deepEqual(rows, []);
    const matching = await selectRows(data, 'SELECT ?s { ?s :p ?o FILTER(REGEX(?o, "(a+)+!$")) }');
    assert.deepEqual(matching, ['s=http://example.org/s']);
  });
});

describe('REGEX pattern memory', () => {
  it('keeps working after many distinct patterns', async () => {
    const data = storeDatasetFromTrig('<http://example.org/s> <http://example.org/p> "abc" .');
    // Each query uses new patterns; without freeing them, re2-wasm's fixed heap runs out.
    for (let batch = 0; batch < 30; batch++) {
      const alternatives = Array.from(
        { length: 100 },
        (_, i) => `REGEX(?o, "[a-z]{1,50}x${batch}_${i}")`,
      );
      const rows = await selectRows(
        data,
        `SELECT ?s { ?s :p ?o FILTER(${alternatives.join(' || ')}) }`,
      );
      assert.deepEqual(rows, []);
    }
    assert.deepEqual(await selectRows(data, 'SELECT ?s { ?s :p ?o FILTER(REGEX(?o, "^ab")) }'), [
      's=http://example.org/s',
    ]);
  });
});
