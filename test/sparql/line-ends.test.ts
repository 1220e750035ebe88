/**
 * The text scanners that run before sparqljs (codepoint escapes, relative IRIs, signed
 * literals, the nesting check) on comments ended by any line end, and on local-name escapes
 * of quote characters, which must not open a string.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KgError } from '../../src/errors.js';
import { executeQuery } from '../../src/sparql/index.js';
import { termKey } from '../../src/rdf/terms.js';
import { storeDatasetFromTrig } from './helpers.js';

const dataset = storeDatasetFromTrig(
  '<http://b.org/x> <http://e/p> "found" .\n<http://e/a\'> <http://e/q> "quoted" .',
);

async function rows(query: string, baseIri?: string): Promise<string[]> {
  const result = await executeQuery(dataset, query, baseIri === undefined ? {} : { baseIri });
  if (result.type !== 'bindings') throw new Error('expected bindings');
  const found: string[] = [];
  for await (const row of result.rows) {
    found.push(row.map((term) => (term === undefined ? '-' : termKey(term))).join(' '));
  }
  return found;
}

const LINE_ENDS = ['\n', '\r\n', '\r'];

describe('comments before the query', () => {
  for (const end of LINE_ENDS) {
    const endName = JSON.stringify(end);

    it(`end at ${endName} for relative IRIs`, async () => {
      const query = `# comment${end}SELECT ?v { <../x> <http://e/p> ?v }`;
      assert.deepEqual(await rows(query, 'http://b.org/dir/file'), ['"found"']);
    });

    it(`end at ${endName} for codepoint escapes`, async () => {
      const query = `# comment${end}SELECT ?v { <http://b.org/\\u0078> <http://e/p> ?v }`;
      assert.deepEqual(await rows(query), ['"found"']);
    });

    it(`end at ${endName} for signed literals`, async () => {
      const query = `# comment${end}SELECT ?x { VALUES ?x { +5 } }`;
      assert.deepEqual(await rows(query), ['"+5"^^http://www.w3.org/2001/XMLSchema#integer']);
    });

    it(`end at ${endName} for the nesting check`, async () => {
      const deep = `${'{ '.repeat(200)}?s ?p ?o${' }'.repeat(200)}`;
      await assert.rejects(
        executeQuery(dataset, `#${end}SELECT * ${deep}`),
        (error: unknown) => error instanceof KgError && error.code === 'LIMIT_EXCEEDED',
      );
    });
  }
});

describe('a local-name escape of a quote', () => {
  const prefix = "PREFIX e: <http://e/> SELECT ?v { e:a\\' e:q ?v";

  it('opens no string for codepoint escapes', async () => {
    const query = `${prefix} . <http://b.org/\\u0078> e:p ?x }`;
    assert.deepEqual(await rows(query), ['"quoted"']);
  });

  it('opens no string for signed literals', async () => {
    const query = `PREFIX e: <http://e/> SELECT ?x { VALUES ?x { +5 } e:a\\' e:q ?v . VALUES ?y { +6 } }`;
    assert.deepEqual(await rows(query), ['"+5"^^http://www.w3.org/2001/XMLSchema#integer']);
  });

  it('opens no string for the nesting check', async () => {
    const deep = `${'{ '.repeat(200)}?s ?p ?o${' }'.repeat(200)}`;
    await assert.rejects(
      executeQuery(dataset, `PREFIX e: <http://e/> SELECT * { e:a\\' e:q ?v ${deep} }`),
      (error: unknown) => error instanceof KgError && error.code === 'LIMIT_EXCEEDED',
    );
  });
});
