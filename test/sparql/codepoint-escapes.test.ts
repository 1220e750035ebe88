import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SparqlSyntaxError } from '../../src/errors.js';
import { decodeCodepointEscapes } from '../../src/sparql/codepoint-escapes.js';
import { executeQuery, parseQuery } from '../../src/sparql/index.js';
import { storeDatasetFromTrig } from './helpers.js';

describe('decodeCodepointEscapes', () => {
  it('decodes escapes in IRIs', () => {
    assert.equal(decodeCodepointEscapes('<http://e/\\u0078>'), '<http://e/x>');
    assert.equal(decodeCodepointEscapes('<http://e/\\U00000078>'), '<http://e/x>');
  });

  it('decodes escapes in names and variables', () => {
    assert.equal(decodeCodepointEscapes(':\\u0070 ?xx\\u0078'), ':p ?xxx');
  });

  it('decodes code points above U+FFFF', () => {
    assert.equal(decodeCodepointEscapes('<http://e/\\U0001F600>'), '<http://e/\u{1F600}>');
  });

  it('leaves string literals to the parser', () => {
    for (const text of [
      '"a\\u0022b"',
      "'a\\u0027b'",
      '"""a\\u0022b"""',
      "'''a\\u0027b'''",
      '"a\\"\\u0078"',
    ]) {
      assert.equal(decodeCodepointEscapes(`?s ?p ${text} . <\\u0078>`), `?s ?p ${text} . <x>`);
    }
  });

  it('leaves comments unchanged', () => {
    const text = "# don't <\\u0078>\n<\\u0078>";
    assert.equal(decodeCodepointEscapes(text), "# don't <\\u0078>\n<x>");
  });

  it('ends a comment at an escaped line end', () => {
    assert.equal(decodeCodepointEscapes('# c \\u000A<\\u0078>'), '# c \n<x>');
    assert.equal(decodeCodepointEscapes('# c \\U0000000d<\\u0078>'), '# c \r<x>');
  });

  it('parses a query after an escaped line end in a comment', () => {
    const parsed = parseQuery('SELECT * # c \\u000A WHERE { ?s ?p ?o }');
    assert.equal(parsed.queryType, 'SELECT');
  });

  it('keeps # inside an IRI', () => {
    assert.equal(
      decodeCodepointEscapes('<http://e/#\\u0078> "\\u0078"'),
      '<http://e/#x> "\\u0078"',
    );
  });

  it('leaves incomplete escapes to the parser', () => {
    assert.equal(decodeCodepointEscapes('<\\u00>'), '<\\u00>');
  });

  it('rejects an escape above U+10FFFF', () => {
    assert.throws(() => decodeCodepointEscapes('<\\UFFFFFFFF>'), SparqlSyntaxError);
  });
});

describe('parseQuery with codepoint escapes', () => {
  const data = storeDatasetFromTrig(`
    <http://example/x> <http://example/p> "xxx" .
    <http://example/x> <http://example/q> "a\\"b" .
  `);

  async function rowsOf(query: string): Promise<string[]> {
    const result = await executeQuery(data, query);
    if (result.type !== 'bindings') throw new Error('expected bindings');
    const rows: string[] = [];
    for await (const row of result.rows) rows.push(row.map((term) => term?.value ?? '-').join(' '));
    return rows;
  }

  it('matches an escaped IRI', async () => {
    const query = 'SELECT ?o { <http://example/\\u0078> <http://example/p> ?o }';
    assert.deepEqual(await rowsOf(query), ['xxx']);
  });

  it('matches an escaped string', async () => {
    const query = 'SELECT ?s { ?s <http://example/p> "xx\\u0078" }';
    assert.deepEqual(await rowsOf(query), ['http://example/x']);
  });

  it('keeps an escaped quote inside a string', async () => {
    const query = 'SELECT ?s { ?s <http://example/q> "a\\u0022b" }';
    assert.deepEqual(await rowsOf(query), ['http://example/x']);
  });

  it('renames an escaped variable', () => {
    const parsed = parseQuery('SELECT * { ?s ?p ?xx\\u0078 }');
    assert.deepEqual(parsed.variables, ['s', 'p', 'xxx']);
  });
});
