import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'n3';

import { formatHasGraphs, RDF_FORMATS, type RdfFormat } from '../../src/rdf/formats.js';
import { parseRdf } from '../../src/rdf/parse.js';
import { serializeQuads } from '../../src/rdf/serialize.js';

const { namedNode, blankNode, literal, quad, defaultGraph } = DataFactory;
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const EX = 'http://example.org/';

const QUADS: RDF.Quad[] = [
  quad(
    namedNode(`${EX}s`),
    namedNode(`${EX}p`),
    literal('say "hi"\nand \\ back\ttab\r'),
    defaultGraph(),
  ),
  quad(
    namedNode(`${EX}s`),
    namedNode(`${EX}p`),
    literal('ünïcödé 😀 ]]>', 'en-gb'),
    defaultGraph(),
  ),
  quad(
    namedNode(`${EX}s`),
    namedNode(`${EX}q`),
    literal('42', namedNode(`${XSD}integer`)),
    defaultGraph(),
  ),
  quad(
    namedNode(`${EX}s`),
    namedNode(`${EX}q`),
    literal('1.5e3', namedNode(`${XSD}double`)),
    defaultGraph(),
  ),
  quad(namedNode(`${EX}s`), namedNode(`${EX}q`), literal(''), defaultGraph()),
  quad(blankNode('a'), namedNode(`${EX}r`), blankNode('b'), namedNode(`${EX}g1`)),
  quad(blankNode('b'), namedNode(`${EX}r`), literal('"""triple"""'), namedNode(`${EX}g1`)),
  quad(
    namedNode(`${EX}é?x=1&y`),
    namedNode(`${EX}r`),
    literal('x', namedNode(`${EX}custom`)),
    namedNode(`${EX}g2`),
  ),
];

async function roundTrip(quads: Iterable<RDF.Quad>, format: RdfFormat): Promise<RDF.Quad[]> {
  let text = '';
  for await (const chunk of serializeQuads(quads, format, { prefixes: { ex: EX } })) text += chunk;
  const parsed: RDF.Quad[] = [];
  await parseRdf(
    Readable.from([Buffer.from(text)]),
    { format, source: `round-trip.${format}` },
    (q) => parsed.push(q),
  );
  return parsed;
}

/** Returns a canonical string per quad, with blank nodes named by first appearance. */
function canonical(quads: RDF.Quad[]): string[] {
  const names = new Map<string, string>();
  const name = (term: RDF.Term): string => {
    if (term.termType !== 'BlankNode') return `${term.termType}|${JSON.stringify(term)}`;
    if (!names.has(term.value)) names.set(term.value, `_:n${names.size}`);
    return names.get(term.value) as string;
  };
  return quads.map((q) => [q.subject, q.predicate, q.object, q.graph].map(name).join(' '));
}

describe('serializeQuads', () => {
  for (const format of RDF_FORMATS) {
    test(`${format} round trip`, async () => {
      const expected = formatHasGraphs(format)
        ? QUADS
        : QUADS.map((q) => quad(q.subject, q.predicate, q.object, defaultGraph()));
      const parsed = await roundTrip(QUADS, format);
      assert.deepEqual(canonical(parsed).sort(), canonical(expected).sort());
    });
  }

  test('turtle uses prefixes', async () => {
    let text = '';
    for await (const chunk of serializeQuads(QUADS.slice(0, 1), 'turtle', {
      prefixes: { ex: EX },
    })) {
      text += chunk;
    }
    assert.match(text, /@prefix ex: <http:\/\/example\.org\/>/);
    assert.match(text, /ex:s ex:p /);
  });

  test('async source in several chunks', async () => {
    async function* many(): AsyncIterable<RDF.Quad> {
      for (let i = 0; i < 5000; i++)
        yield quad(namedNode(`${EX}s${i}`), namedNode(`${EX}p`), literal(`${i}`));
    }
    const chunks: string[] = [];
    for await (const chunk of serializeQuads(many(), 'ntriples')) chunks.push(chunk);
    assert.ok(chunks.length > 1, `expected several chunks, got ${chunks.length}`);
    const lines = chunks.join('').split('\n');
    assert.equal(lines.length, 5001);
    assert.equal(lines[4999], `<${EX}s4999> <${EX}p> "4999" .`);
  });

  test('empty input', async () => {
    const chunks: string[] = [];
    for await (const chunk of serializeQuads([], 'nquads')) chunks.push(chunk);
    assert.equal(chunks.join(''), '');
  });
});
