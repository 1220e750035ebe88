import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'n3';

import { KgError } from '../../../src/errors.js';
import {
  parseResults,
  RESULTS_MEDIA_TYPES,
  resultsFormatFromMediaType,
  serializeBindings,
  serializeBoolean,
  type ResultsFormat,
} from '../../../src/sparql/results/index.js';
import { jsonTerm, jsonTermText } from '../../../src/sparql/results/json.js';

const { namedNode, blankNode, literal, quad } = DataFactory;
const XSD = 'http://www.w3.org/2001/XMLSchema#';

const AWKWARD_TEXT = 'say "hi", then\nnew line\ttab\r\ncr ]]> <b>&amp; é 😀 \\ back';

const VARIABLES = ['iri', 'blank', 'plain', 'lang', 'typed', 'awkward', 'empty', 'unbound'];
const ROWS: (RDF.Term | undefined)[][] = [
  [
    namedNode('http://example.org/a?x=1&amp;y=2'),
    blankNode('b1'),
    literal('plain'),
    literal('chat', 'fr'),
    literal('42', namedNode(`${XSD}integer`)),
    literal(AWKWARD_TEXT, 'en-GB'),
    literal(''),
    undefined,
  ],
  [
    undefined,
    undefined,
    literal(AWKWARD_TEXT),
    undefined,
    literal('2024-01-01', namedNode(`${XSD}date`)),
    literal('a,b;c'),
    undefined,
    namedNode('http://example.org/ünïcode'),
  ],
];

async function serialize(
  format: ResultsFormat,
  variables = VARIABLES,
  rows: Iterable<(RDF.Term | undefined)[]> = ROWS,
): Promise<string> {
  let text = '';
  for await (const chunk of serializeBindings(variables, rows, format)) text += chunk;
  return text;
}

function assertRowsEqual(
  actual: (RDF.Term | undefined)[][],
  expected: (RDF.Term | undefined)[][],
): void {
  assert.equal(actual.length, expected.length, 'row count');
  for (let r = 0; r < expected.length; r++) {
    for (let c = 0; c < expected[r].length; c++) {
      const want = expected[r][c];
      const got = actual[r][c];
      if (want === undefined) {
        assert.equal(got, undefined, `row ${r} column ${c} should be unbound`);
      } else {
        assert.ok(
          got !== undefined && want.equals(got),
          `row ${r} column ${c}: ${JSON.stringify(got)}`,
        );
      }
    }
  }
}

describe('SPARQL results JSON', () => {
  test('round trip of every term kind', async () => {
    const text = await serialize('json');
    const parsed = parseResults(text, 'json');
    assert.ok('variables' in parsed);
    assert.deepEqual(parsed.variables, VARIABLES);
    assertRowsEqual(parsed.rows, ROWS);
  });

  test('W3C term objects', async () => {
    const document = JSON.parse(await serialize('json'));
    assert.deepEqual(document.head, { vars: VARIABLES });
    const [first, second] = document.results.bindings;
    assert.deepEqual(first.iri, { type: 'uri', value: 'http://example.org/a?x=1&amp;y=2' });
    assert.deepEqual(first.blank, { type: 'bnode', value: 'b1' });
    assert.deepEqual(first.plain, { type: 'literal', value: 'plain' });
    assert.deepEqual(first.lang, { type: 'literal', value: 'chat', 'xml:lang': 'fr' });
    assert.deepEqual(first.typed, { type: 'literal', value: '42', datatype: `${XSD}integer` });
    assert.equal('unbound' in first, false);
    assert.equal('iri' in second, false);
  });

  test('triple term', async () => {
    const triple = quad(namedNode('http://s'), namedNode('http://p'), literal('o'));
    const parsed = parseResults(await serialize('json', ['t'], [[triple]]), 'json');
    assert.ok('rows' in parsed);
    assertRowsEqual(parsed.rows, [[triple]]);
  });

  test('variables named like Object members', async () => {
    const names = ['__proto__', 'constructor', 'toString'];
    const row = [literal('a'), literal('b'), literal('c')];
    const document = JSON.parse(await serialize('json', names, [row]));
    const [binding] = document.results.bindings;
    assert.deepEqual(Object.keys(binding), names);
    assert.deepEqual(binding['__proto__'], { type: 'literal', value: 'a' });
    const parsed = parseResults(await serialize('json', names, [row]), 'json');
    assert.ok('rows' in parsed);
    assertRowsEqual(parsed.rows, [row]);
  });

  test('no rows and no variables', async () => {
    const parsed = parseResults(await serialize('json', [], []), 'json');
    assert.deepEqual(parsed, { variables: [], rows: [] });
  });

  test('boolean', () => {
    assert.deepEqual(JSON.parse(serializeBoolean(true, 'json')), { head: {}, boolean: true });
    assert.deepEqual(parseResults(serializeBoolean(false, 'json'), 'json'), { boolean: false });
  });

  test('many rows in several chunks', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => [literal(`value ${i}`)]);
    const chunks: string[] = [];
    for await (const chunk of serializeBindings(['v'], rows, 'json')) chunks.push(chunk);
    assert.ok(chunks.length > 1, `expected several chunks, got ${chunks.length}`);
    const parsed = parseResults(chunks.join(''), 'json');
    assert.ok('rows' in parsed);
    assert.equal(parsed.rows.length, 5000);
    assert.equal(parsed.rows[4999][0]?.value, 'value 4999');
  });

  test('term text equals the stringified term object', () => {
    const terms = [
      ...ROWS.flat().filter((term) => term !== undefined),
      literal('x', namedNode('http://www.w3.org/1999/02/22-rdf-syntax-ns#langString')),
      literal('lone \ud800 surrogate'),
      namedNode('http://example.org/"quoted"\\'),
      quad(namedNode('http://s'), namedNode('http://p'), literal('o', 'en')),
    ];
    for (const term of terms) {
      assert.equal(jsonTermText(term), JSON.stringify(jsonTerm(term)), JSON.stringify(term));
    }
  });

  test('term text omits missing keys', () => {
    // Plain objects, as another RDF/JS library might build them.
    const integer = { termType: 'NamedNode', value: `${XSD}integer` };
    const terms = [
      { termType: 'Literal', value: '42', language: undefined, datatype: integer },
      { termType: 'Literal', value: '42', language: '', datatype: { termType: 'NamedNode' } },
    ] as unknown as RDF.Literal[];
    for (const term of terms) {
      assert.equal(jsonTermText(term), '{"type":"literal","value":"42"}');
      assert.equal(jsonTermText(term), JSON.stringify(jsonTerm(term)));
    }
  });

  test('invalid document', () => {
    assert.throws(() => parseResults('{"head": {}}', 'json'), KgError);
    assert.throws(() => parseResults('not json', 'json'), KgError);
  });
});

describe('SPARQL results XML', () => {
  test('round trip of every term kind', async () => {
    const text = await serialize('xml');
    const parsed = parseResults(text, 'xml');
    assert.ok('variables' in parsed);
    assert.deepEqual(parsed.variables, VARIABLES);
    assertRowsEqual(parsed.rows, ROWS);
  });

  test('escapes markup in text', async () => {
    const text = await serialize('xml');
    assert.ok(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>'));
    assert.ok(text.includes('<sparql xmlns="http://www.w3.org/2005/sparql-results#">'));
    assert.ok(!text.includes(']]>'), 'a literal ]]> must be escaped');
    assert.ok(!text.includes('<b>'), 'a literal <b> must be escaped');
    // XML parsers read a raw CR as LF, so only a character reference keeps it.
    assert.ok(!text.includes('\r'), 'a literal CR must be a character reference');
    assert.ok(text.includes('&#13;'));
    assert.ok(text.includes('&amp;amp;'), 'a literal &amp; must be escaped once more');
    assert.ok(text.includes('<literal xml:lang="fr">chat</literal>'));
    assert.ok(text.includes(`<literal datatype="${XSD}integer">42</literal>`));
  });

  test('triple term', async () => {
    const triple = quad(blankNode('s'), namedNode('http://p'), literal('o', 'en'));
    const parsed = parseResults(await serialize('xml', ['t'], [[triple]]), 'xml');
    assert.ok('rows' in parsed);
    assertRowsEqual(parsed.rows, [[triple]]);
  });

  test('boolean', () => {
    const text = serializeBoolean(true, 'xml');
    assert.ok(text.includes('<boolean>true</boolean>'));
    assert.deepEqual(parseResults(text, 'xml'), { boolean: true });
    assert.deepEqual(parseResults(serializeBoolean(false, 'xml'), 'xml'), { boolean: false });
  });

  test('control character is rejected', async () => {
    await assert.rejects(
      serialize('xml', ['v'], [[literal('bell \u0007')]]),
      (error: unknown) =>
        error instanceof KgError && /XML 1\.0 cannot represent/.test(error.message),
    );
  });
});

describe('SPARQL results CSV', () => {
  test('round trip as plain strings', async () => {
    const text = await serialize('csv');
    const parsed = parseResults(text, 'csv');
    assert.deepEqual(parsed.variables, VARIABLES);
    assert.deepEqual(parsed.rows, [
      ['http://example.org/a?x=1&amp;y=2', '_:b1', 'plain', 'chat', '42', AWKWARD_TEXT, '', ''],
      ['', '', AWKWARD_TEXT, '', '2024-01-01', 'a,b;c', '', 'http://example.org/ünïcode'],
    ]);
  });

  test('CRLF record ends and quoting', async () => {
    const text = await serialize('csv', ['a', 'b'], [[literal('x\ny'), literal('say "hi"')]]);
    assert.equal(text, 'a,b\r\n"x\ny","say ""hi"""\r\n');
  });
});

describe('SPARQL results TSV', () => {
  test('round trip of every term kind', async () => {
    const text = await serialize('tsv');
    const parsed = parseResults(text, 'tsv');
    assert.ok('variables' in parsed);
    assert.deepEqual(parsed.variables, VARIABLES);
    assertRowsEqual(parsed.rows, ROWS);
  });

  test('header and escaped terms', async () => {
    const text = await serialize(
      'tsv',
      ['a', 'b', 'c'],
      [[literal('t\tn\n'), undefined, blankNode('x')]],
    );
    const lines = text.split('\n');
    assert.equal(lines[0], '?a\t?b\t?c');
    assert.equal(lines[1], '"t\\tn\\n"\t\t_:x');
    assert.equal(lines.length, 3);
  });
});

describe('SPARQL results media types', () => {
  test('media type names', () => {
    assert.equal(RESULTS_MEDIA_TYPES.json, 'application/sparql-results+json');
    assert.equal(RESULTS_MEDIA_TYPES.xml, 'application/sparql-results+xml');
    assert.equal(RESULTS_MEDIA_TYPES.csv, 'text/csv');
    assert.equal(RESULTS_MEDIA_TYPES.tsv, 'text/tab-separated-values');
  });

  test('format from media type', () => {
    assert.equal(
      resultsFormatFromMediaType('application/sparql-results+json; charset=utf-8'),
      'json',
    );
    assert.equal(resultsFormatFromMediaType('TEXT/CSV'), 'csv');
    assert.equal(resultsFormatFromMediaType('text/turtle'), undefined);
  });
});
