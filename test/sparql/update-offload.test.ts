/**
 * Long update requests are parsed in a worker thread: the same operations as on the main
 * thread, the same errors, and the main thread free meanwhile. This holds for sparqljs and for
 * the quad data fast path of one large INSERT DATA or DELETE DATA.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SparqlSyntaxError } from '../../src/errors.js';
import {
  OFFLOAD_MIN_LENGTH,
  parseUpdate,
  parseUpdateAsync,
  type UpdateOperation,
} from '../../src/sparql/index.js';

/** Two operations, so the quad data fast path does not take it, padded past the threshold. */
function longUpdate(extra = ''): string {
  const lines: string[] = [];
  for (let i = 0; lines.join('\n').length < OFFLOAD_MIN_LENGTH + 1000; i++) {
    lines.push(`<http://e.org/s${i}> <http://e.org/p> "v${i}", +${i} .`);
  }
  return `PREFIX e: <http://e.org/>\nINSERT DATA {\n${lines.join('\n')}\n} ;\n${extra}DELETE WHERE { ?s e:gone ?o }`;
}

/** Returns one quad data operation past the threshold, with blank nodes and a named graph. */
function longQuadData(operation: 'INSERT' | 'DELETE', extra = ''): string {
  const lines: string[] = [];
  for (let i = 0; lines.join('\n').length < OFFLOAD_MIN_LENGTH + 1000; i++) {
    lines.push(`e:s${i} e:p "v${i}"@en , +${i} , e:o${i % 5} .`);
    if (operation === 'INSERT') lines.push(`_:b${i} e:q [ e:r ${i}.5 ] .`);
    lines.push(`GRAPH <http://e.org/g${i % 3}> { e:s${i} e:in e:o${i} }`);
  }
  return `PREFIX e: <http://e.org/>\n${operation} DATA {\n${lines.join('\n')}\n${extra}}`;
}

/** Returns the quads of operations as sorted JSON lines, blank node labels replaced by `_`. */
function canonical(operations: readonly UpdateOperation[]): string {
  const lines: string[] = [];
  for (const operation of operations) {
    assert.ok(operation.type === 'insertData' || operation.type === 'deleteData');
    for (const quad of operation.quads) {
      lines.push(
        `${operation.type} ${JSON.stringify(quad, (key, value: unknown) => (key === 'blank' ? '_' : value))}`,
      );
    }
  }
  return lines.sort().join('\n');
}

describe('update parsing in a worker thread', () => {
  it('gives the operations the main thread gives', async () => {
    const text = longUpdate();
    const inWorker = await parseUpdateAsync(text, 'http://base.example/');
    assert.equal(inWorker.length, 2);
    assert.deepEqual(inWorker, parseUpdate(text, 'http://base.example/'));
  });

  it('keeps the main thread free while it parses', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      await parseUpdateAsync(longUpdate(), undefined);
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticks > 0, 'a timer fired during the parse');
  });

  it('reports a syntax error with its line', async () => {
    const text = longUpdate('NOT SPARQL ;\n');
    await assert.rejects(parseUpdateAsync(text, undefined), (error: unknown) => {
      assert.ok(error instanceof SparqlSyntaxError);
      assert.match(error.message, /line \d+/);
      return true;
    });
  });

  it('parses one large INSERT DATA as the main thread does', async () => {
    const text = longQuadData('INSERT');
    const inWorker = await parseUpdateAsync(text, 'http://base.example/');
    assert.equal(inWorker.length, 1);
    const [operation] = inWorker;
    assert.ok(operation?.type === 'insertData');
    assert.notEqual(operation.packed, undefined, 'the request took the fast path');
    assert.ok(operation.quads.length > 1000);
    assert.equal(canonical(inWorker), canonical(parseUpdate(text, 'http://base.example/')));
  });

  it('parses one large DELETE DATA as the main thread does', async () => {
    const text = longQuadData('DELETE');
    const inWorker = await parseUpdateAsync(text, undefined);
    const [operation] = inWorker;
    assert.ok(operation?.type === 'deleteData');
    assert.notEqual(operation.packed, undefined, 'the request took the fast path');
    assert.equal(canonical(inWorker), canonical(parseUpdate(text, undefined)));
  });

  it('keeps the main thread free while it parses quad data', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const [operation] = await parseUpdateAsync(longQuadData('INSERT'), undefined);
      assert.ok(operation?.type === 'insertData');
      assert.notEqual(operation.packed, undefined, 'the request took the fast path');
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticks > 0, 'a timer fired during the parse');
  });

  it('refuses a blank node in large DELETE DATA', async () => {
    const text = longQuadData('DELETE', '_:x <http://e.org/p> 1 .\n');
    await assert.rejects(parseUpdateAsync(text, undefined), (error: unknown) => {
      assert.ok(error instanceof SparqlSyntaxError);
      assert.match(error.message, /Blank nodes are not allowed in DELETE DATA/);
      return true;
    });
  });

  it('reports a syntax error in large quad data with line and column', async () => {
    const text = longQuadData('INSERT', '<http://e.org/s> <http://e.org/p> .\n');
    const line = text.split('\n').length - 1;
    await assert.rejects(parseUpdateAsync(text, undefined), (error: unknown) => {
      assert.ok(error instanceof SparqlSyntaxError);
      assert.match(error.message, new RegExp(`line ${line}, column \\d+`));
      return true;
    });
  });

  it('leaves GRAPH with a blank node label to sparqljs', async () => {
    const text = longQuadData('INSERT', 'GRAPH _:g { <http://e.org/s> <http://e.org/p> 1 }\n');
    const outcome = async (parse: () => Promise<unknown>) =>
      parse().then(
        () => 'parsed',
        (error: unknown) => `${(error as Error).name}: ${(error as Error).message}`,
      );
    const inWorker = await outcome(() => parseUpdateAsync(text, undefined));
    assert.match(inWorker, /^SparqlSyntaxError/);
    assert.equal(inWorker, await outcome(async () => parseUpdate(text, undefined)));
  });

  it('reads a last triple without a dot through sparqljs', async () => {
    const text = longQuadData('INSERT', '<http://e.org/last> <http://e.org/p> 1\n');
    const [operation] = await parseUpdateAsync(text, undefined);
    assert.ok(operation?.type === 'insertData');
    assert.equal(operation.packed, undefined);
    assert.ok(
      operation.quads.some(
        (quad) => 'key' in quad.subject && quad.subject.key === 'http://e.org/last',
      ),
    );
  });
});
