/**
 * Long update requests are parsed in a worker thread: the same operations as on the main
 * thread, the same errors, and the main thread free meanwhile.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SparqlSyntaxError } from '../../src/errors.js';
import { OFFLOAD_MIN_LENGTH, parseUpdate, parseUpdateAsync } from '../../src/sparql/index.js';

/** Two operations, so the quad data fast path does not take it, padded past the threshold. */
function longUpdate(extra = ''): string {
  const lines: string[] = [];
  for (let i = 0; lines.join('\n').length < OFFLOAD_MIN_LENGTH + 1000; i++) {
    lines.push(`<http://e.org/s${i}> <http://e.org/p> "v${i}", +${i} .`);
  }
  return `PREFIX e: <http://e.org/>\nINSERT DATA {\n${lines.join('\n')}\n} ;\n${extra}DELETE WHERE { ?s e:gone ?o }`;
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
});
