import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { Parser } from 'n3';

import { fileOf, RDFT, readManifests, TEST_BASE, typeIn } from '../../conformance/manifest.js';
import { NotFoundError, RdfSyntaxError } from '../../src/errors.js';
import {
  internSink,
  NQuadsParser,
  parseNQuads,
  parseNQuadsFile,
} from '../../src/rdf/ntriples-fast.js';
import { termKey } from '../../src/rdf/terms.js';
import { hashKey, MemoryDictionary } from '../../src/store/dictionary.js';

type Format = 'ntriples' | 'nquads';
type Row = [string, string, string, string];

const XSD = 'http://www.w3.org/2001/XMLSchema#';

/** Keys that n3 plus termKey produce, with blank node labels kept as written. */
function n3Keys(input: string, format: Format): Row[] {
  const parser = new Parser({
    format: format === 'nquads' ? 'N-Quads' : 'N-Triples',
    blankNodePrefix: '',
  });
  return parser
    .parse(input)
    .map((quad) => [
      termKey(quad.subject),
      termKey(quad.predicate),
      termKey(quad.object),
      termKey(quad.graph),
    ]);
}

/** Keys from the fast parser, fed `chunkSize` bytes at a time (the whole input by default). */
function fastKeys(input: string | Uint8Array, format: Format, chunkSize?: number): Row[] {
  const rows: Row[] = [];
  const parser = new NQuadsParser({ format, source: 'test.nq' }, (s, p, o, g) =>
    rows.push([s, p, o, g]),
  );
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const step = chunkSize ?? Math.max(bytes.length, 1);
  for (let i = 0; i < bytes.length; i += step) parser.write(bytes.subarray(i, i + step));
  assert.equal(parser.finish(), rows.length);
  return rows;
}

function syntaxError(input: string, format: Format = 'nquads'): RdfSyntaxError {
  try {
    fastKeys(input, format);
  } catch (error) {
    assert.ok(error instanceof RdfSyntaxError, `expected RdfSyntaxError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected a syntax error for ${JSON.stringify(input)}`);
}

for (const [suite, format] of [
  ['rdf-n-triples', 'ntriples'],
  ['rdf-n-quads', 'nquads'],
] as const) {
  describe(`W3C ${suite} suite`, () => {
    const entries = readManifests(`${TEST_BASE}rdf/rdf11/${suite}/manifest.ttl`);
    it('has tests', () => assert.ok(entries.length > 50));

    for (const entry of entries) {
      const type = typeIn(entry, RDFT);
      const file = fileOf(entry.action?.value ?? '');
      it(`${type} ${entry.id}`, () => {
        const bytes = readFileSync(file);
        if (type.endsWith('PositiveSyntax')) {
          assert.deepEqual(fastKeys(bytes, format), n3Keys(bytes.toString('utf8'), format));
        } else {
          assert.match(type, /NegativeSyntax$/);
          assert.throws(() => fastKeys(bytes, format), RdfSyntaxError);
        }
      });
    }
  });
}

describe('NQuadsParser keys', () => {
  it('strips brackets from IRIs', () => {
    const rows = fastKeys('<http://a/s> <http://a/p> <http://a/o> .\n', 'ntriples');
    assert.deepEqual(rows, [['http://a/s', 'http://a/p', 'http://a/o', '']]);
  });

  it('keeps plain, tagged and typed literals apart', () => {
    const input = [
      '<http://a/s> <http://a/p> "x" .',
      '<http://a/s> <http://a/p> "x"@EN-gb .',
      `<http://a/s> <http://a/p> "x"^^<${XSD}string> .`,
      `<http://a/s> <http://a/p> "5"^^<${XSD}integer> .`,
    ].join('\n');
    const objects = fastKeys(input, 'ntriples').map((row) => row[2]);
    assert.deepEqual(objects, ['"x"', '"x"@en-gb', '"x"', `"5"^^${XSD}integer`]);
  });

  it('keeps an RDF 1.2 base direction', () => {
    const input =
      '<http://a/s> <http://a/p> "x"@EN--ltr .\n<http://a/s> <http://a/p> "y"@ar--rtl .';
    const rows = fastKeys(input, 'ntriples');
    assert.deepEqual(
      rows.map((row) => row[2]),
      ['"x"@en--ltr', '"y"@ar--rtl'],
    );
    assert.deepEqual(rows, n3Keys(input, 'ntriples'));
  });

  it('accepts a VERSION directive', () => {
    const input = 'VERSION "1.2"\n<http://a/s> <http://a/p> "x" .\nVERSION  "1.1" # old\n';
    const rows = fastKeys(input, 'nquads');
    assert.deepEqual(rows, [['http://a/s', 'http://a/p', '"x"', '']]);
    assert.deepEqual(rows, n3Keys(input, 'nquads'));
  });

  it('decodes string escapes', () => {
    const input = '<http://a/s> <http://a/p> "t\\tn\\nr\\rb\\bf\\fq\\"a\\\'s\\\\" .';
    assert.deepEqual(fastKeys(input, 'ntriples')[0][2], '"t\tn\nr\rb\bf\fq"a\'s\\"');
  });

  it('decodes numeric escapes in literals and IRIs', () => {
    const input = '<http://a/\\u00E9> <http://a/p> "\\u00e9\\U0001F600"@fr .';
    const [row] = fastKeys(input, 'ntriples');
    assert.equal(row[0], 'http://a/é');
    assert.equal(row[2], '"é😀"@fr');
  });

  it('decodes escapes next to a datatype', () => {
    const input = `<http://a/s> <http://a/p> "a\\u0062"^^<${XSD}tok\\u0065n> .`;
    assert.equal(fastKeys(input, 'ntriples')[0][2], `"ab"^^${XSD}token`);
  });

  it('reads multi-byte UTF-8 in every term', () => {
    const input = '_:bé <http://a/ü> "日本"@ja <http://a/g€> .';
    assert.deepEqual(fastKeys(input, 'nquads'), [
      ['_:bé', 'http://a/ü', '"日本"@ja', 'http://a/g€'],
    ]);
  });

  it('tells similar repeated subjects apart', () => {
    const subjects = ['http://a/s', 'http://a/s', 'http://a/s2', 'http://a/s', 'http://a/t'];
    const input = subjects.map((subject) => `<${subject}> <http://a/p> "v" .`).join('\n');
    const rows = fastKeys(input, 'ntriples');
    assert.deepEqual(
      rows.map((row) => row[0]),
      subjects,
    );
  });

  it('tells predicates with equal endings apart', () => {
    const predicates = ['http://a/xpz', 'http://b/xpz', 'http://a/ypz', 'http://a/xpz'];
    const input = predicates.map((predicate) => `<http://a/s> <${predicate}> "v" .`).join('\n');
    const rows = fastKeys(input, 'ntriples');
    assert.deepEqual(
      rows.map((row) => row[1]),
      predicates,
    );
  });

  it('accepts dots inside blank node labels', () => {
    const rows = fastKeys('_:a..b <http://a/p> _:c-d.e .', 'ntriples');
    assert.deepEqual(rows, [['_:a..b', 'http://a/p', '_:c-d.e', '']]);
  });

  it('ends blank node labels before a final dot', () => {
    const rows = fastKeys('_:a.b <http://a/p> _:c.', 'ntriples');
    assert.deepEqual(rows, [['_:a.b', 'http://a/p', '_:c', '']]);
  });

  it('replaces the blank node prefix', () => {
    const rows: Row[] = [];
    const input = '_:x <http://a/p> _:y _:g .';
    const options = { format: 'nquads', source: 'x', blankNodePrefix: '_:f1_' } as const;
    parseNQuads(input, options, (s, p, o, g) => rows.push([s, p, o, g]));
    assert.deepEqual(rows, [['_:f1_x', 'http://a/p', '_:f1_y', '_:f1_g']]);
  });

  it('accepts comments, blank lines, CRLF and a BOM', () => {
    const input =
      '\uFEFF# header\r\n\r\n<http://a/s> <http://a/p> "v" . # note\r\n\r' +
      '<http://a/s>\t<http://a/p>\t<http://a/o>\t.';
    const rows = fastKeys(input, 'ntriples');
    assert.deepEqual(rows, [
      ['http://a/s', 'http://a/p', '"v"', ''],
      ['http://a/s', 'http://a/p', 'http://a/o', ''],
    ]);
  });

  it('parses a 1 MB literal', () => {
    const long = 'x'.repeat(1 << 20);
    const rows = fastKeys(`<http://a/s> <http://a/p> "${long}" .\n`, 'ntriples', 4096);
    assert.equal(rows[0][2].length, long.length + 2);
  });
});

describe('NQuadsParser chunks', () => {
  const input =
    '<http://a/s> <http://a/p> "é\\u00e9日"@EN <http://a/g> .\r\n' +
    '_:b1 <http://a/p> "x"^^<http://a/t> . # c\r' +
    '<http://a/s> <http://a/p> "😀" .\n\n' +
    '_:bü <http://a/p> <http://a/o>';

  it('gives the same keys for every chunk size', () => {
    const complete = `${input} .`;
    const whole = fastKeys(complete, 'nquads');
    assert.equal(whole.length, 4);
    for (let size = 1; size <= 16; size++) {
      assert.deepEqual(fastKeys(complete, 'nquads', size), whole, `chunk size ${size}`);
    }
  });

  it('counts lines across chunk boundaries', () => {
    for (let size = 1; size <= 8; size++) {
      let error: unknown;
      try {
        fastKeys(input, 'nquads', size);
      } catch (caught) {
        error = caught;
      }
      assert.ok(error instanceof RdfSyntaxError);
      assert.equal(error.location?.line, 5, `chunk size ${size}`);
    }
  });
});

describe('NQuadsParser errors', () => {
  it('locates an error by line and column', () => {
    const error = syntaxError('<http://a/s> <http://a/p> <http://a/o> .\n<http://a/s> <b> "x" .');
    assert.equal(error.location?.file, 'test.nq');
    assert.equal(error.location?.line, 2);
    assert.equal(error.location?.column, 14);
    assert.match(error.message, /^test\.nq:2:14: Relative IRI <b>/);
  });

  it('counts columns in UTF-16 code units', () => {
    const error = syntaxError('<http://a/😀> <http://a/p> "x" ? .');
    assert.equal(error.location?.column, 32);
  });

  it('rejects what the grammar excludes', () => {
    const cases = [
      '<http://a/s> <http://a/p> "x" <http://a/g> .',
      '<http://a/s> <http://a/p> "x"',
      '<http://a/s> "p" "x" .',
      '"s" <http://a/p> "x" .',
      '<http://a/s> <http://a/p> "x\\q" .',
      '<http://a/s> <http://a/p> "\\uD800" .',
      '<http://a/s> <http://a/p> "\\U00110000" .',
      '<http://a/s> <http://a/p> "x"@en- .',
      '<http://a/s> <http://a/p> "x"@abcdefghi .',
      '<http://a/s> <http://a/p> "x"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#langString> .',
      '<http://a/s> <http://a/p> <http://a/\\u0020> .',
      '<http://a/s> <http://a/p> <http://a/o> . <http://a/s> <http://a/p> <http://a/o> .',
      '_:-a <http://a/p> <http://a/o> .',
      '<http://a/s> <http://a/p> "x"@en--LTR .',
      '<http://a/s> <http://a/p> "x"@en--ltrx .',
      '<http://a/s> <http://a/p> <<( <http://a/s> <http://a/p> <http://a/o> )>> .',
      'VERSION "9.9"',
      'VERSION "1.2"@en',
      'VERSION "1.2',
      'VERSIONS "1.2"',
    ];
    for (const input of cases) syntaxError(input, 'ntriples');
  });

  it('rejects invalid UTF-8 on its line', () => {
    const bytes = Buffer.concat([
      Buffer.from('<http://a/s> <http://a/p> "ok" .\n<http://a/s> <http://a/p> "'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('" .\n'),
    ]);
    let error: unknown;
    try {
      fastKeys(bytes, 'ntriples');
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof RdfSyntaxError);
    assert.equal(error.location?.line, 2);
  });
});

describe('parseNQuadsFile', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'ntriples-fast-'));
  after(() => rmSync(folder, { recursive: true, force: true }));
  const text = '<http://a/s> <http://a/p> "x" <http://a/g> .\n_:b <http://a/p> _:c .\n';

  it('reads plain and gzip files', async () => {
    writeFileSync(path.join(folder, 'data.nq'), text);
    writeFileSync(path.join(folder, 'data.nq.gz'), gzipSync(text));
    for (const name of ['data.nq', 'data.nq.gz']) {
      const rows: Row[] = [];
      let progress = 0;
      const count = await parseNQuadsFile(
        path.join(folder, name),
        (s, p, o, g) => rows.push([s, p, o, g]),
        { format: 'nquads', onProgress: (bytes) => (progress = bytes) },
      );
      assert.equal(count, 2);
      assert.deepEqual(rows, n3Keys(text, 'nquads'));
      assert.ok(progress > 0);
    }
  });

  it('rejects invalid gzip data', async () => {
    const file = path.join(folder, 'bad.nt.gz');
    writeFileSync(file, 'not gzip');
    await assert.rejects(
      parseNQuadsFile(file, () => {}, { format: 'ntriples' }),
      RdfSyntaxError,
    );
  });

  it('reports a missing file', async () => {
    const file = path.join(folder, 'missing.nt');
    await assert.rejects(
      parseNQuadsFile(file, () => {}, { format: 'ntriples' }),
      NotFoundError,
    );
  });

  it('stops when the signal aborts', async () => {
    const file = path.join(folder, 'data.nq');
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    await assert.rejects(
      parseNQuadsFile(file, () => {}, { format: 'nquads', signal: controller.signal }),
      (error) => error === reason,
    );
  });
});

describe('internSink', () => {
  it('hands over the ids of the keys', () => {
    const input =
      '<http://a/s> <http://a/p> "x"@EN <http://a/g> .\n' +
      `_:b <http://a/p> "5"^^<${XSD}integer> .\n` +
      '<http://a/s> <http://a/é> "\\u00e9" _:b .\n' +
      '<http://a/s> <http://a/p> "x"@en <http://a/g> .\n';
    const dictionary = new MemoryDictionary();
    const ids: number[][] = [];
    const parser = new NQuadsParser(
      { format: 'nquads', source: 'ids.nq', blankNodePrefix: '_:f_' },
      (s, p, o, g) => ids.push([s, p, o, g]),
      internSink(dictionary),
    );
    parser.write(Buffer.from(input));
    parser.finish();

    const keys: Row[] = [];
    const options = { format: 'nquads', source: 'x', blankNodePrefix: '_:f_' } as const;
    parseNQuads(input, options, (s, p, o, g) => keys.push([s, p, o, g]));
    assert.deepEqual(
      ids.map((row) => row.map((id) => dictionary.key(id))),
      keys,
    );
    assert.deepEqual(ids[3], ids[0], 'the same terms get the same ids');
    assert.equal(ids[1][3], 0, 'the default graph is id 0');
  });

  it('finds keys interned as strings', () => {
    // Lengths 20 to 150 cover every remainder of the four-byte hash words and IRIs longer than
    // the recent-term cache keeps.
    const iris = Array.from({ length: 131 }, (_, i) => `http://a/${'x'.repeat(11 + i)}`);
    const literals = iris.map((_, i) => `"${'v'.repeat(i)}"`);
    const dictionary = new MemoryDictionary();
    const expected = [...iris, ...literals].map((key) => dictionary.intern(key));
    const size = dictionary.size;

    const ids: number[] = [];
    const parser = new NQuadsParser(
      { format: 'ntriples', source: 'strings.nt' },
      (s, _p, o) => ids.push(s, o),
      internSink(dictionary),
    );
    const lines = iris.map((iri, i) => `<${iri}> <${iris[0]}> ${literals[i]} .\n`);
    parser.write(Buffer.from(lines.join('')));
    parser.finish();

    assert.equal(dictionary.size, size, 'no key was interned twice');
    assert.deepEqual(
      ids.filter((_, i) => i % 2 === 0),
      expected.slice(0, iris.length),
    );
    assert.deepEqual(
      ids.filter((_, i) => i % 2 === 1),
      expected.slice(iris.length),
    );
  });

  /** Parses N-Triples with the byte parser into a fresh dictionary and with parseNQuads. */
  const parseBothWays = (input: string) => {
    const dictionary = new MemoryDictionary();
    const keys: string[] = [];
    const parser = new NQuadsParser(
      { format: 'ntriples', source: 'recent.nt' },
      (s, p, o) => keys.push(dictionary.key(s), dictionary.key(p), dictionary.key(o)),
      internSink(dictionary),
    );
    parser.write(Buffer.from(input));
    parser.finish();
    const expected: string[] = [];
    parseNQuads(input, { format: 'ntriples', source: 'x' }, (s, p, o) => expected.push(s, p, o));
    return { keys, expected, dictionary };
  };

  it('keeps similar recent IRIs apart', () => {
    // 5,000 objects share slots of the parser's recent-term cache, and IRIs of one length differ
    // in one middle byte, so a cache hit must compare the bytes.
    const objects = Array.from({ length: 5000 }, (_, i) => {
      const digits = String(i).padStart(4, '0');
      return `http://example.org/${digits[0]}${digits[1]}/${digits[2]}${digits[3]}/end`;
    });
    const lines = objects.map((iri, i) => `<http://s/${i % 7}> <http://p/${i % 3}> <${iri}> .`);
    const input = `${lines.join('\n')}\n${lines.join('\n')}\n`;
    const { keys, expected, dictionary } = parseBothWays(input);
    assert.deepEqual(keys, expected);
    assert.equal(dictionary.size, 1 + 7 + 3 + objects.length);
  });

  it('keeps similar recent literals apart', () => {
    // Literals share the recent-term cache with IRIs: 5,000 values that differ in one middle
    // character, each written twice, next to IRIs with the same characters.
    const values = Array.from({ length: 5000 }, (_, i) => {
      const digits = String(i).padStart(4, '0');
      return `v${digits[0]}${digits[1]}-${digits[2]}${digits[3]}-end`;
    });
    const lines = values.map((value, i) => `<http://s/${value}> <http://p/${i % 3}> "${value}" .`);
    const input = `${lines.join('\n')}\n${lines.reverse().join('\n')}\n`;
    const { keys, expected, dictionary } = parseBothWays(input);
    assert.deepEqual(keys, expected);
    assert.equal(dictionary.size, 1 + 2 * values.length + 3);
  });

  it('keeps IRIs with equal hashes apart', () => {
    // Two IRIs of one length with the same 32-bit hash, found by search. Scrambled suffixes
    // collide after about 10^5 tries (sequential ones did not within 10^6).
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; pair === undefined && i < 1_000_000; i++) {
      const suffix = (Math.imul(i, 0x9e3779b1) >>> 0).toString(16).padStart(8, '0');
      const iri = `http://example.org/${suffix}`;
      const hash = hashKey(iri);
      const other = seen.get(hash);
      if (other === undefined) seen.set(hash, iri);
      else pair = [other, iri];
    }
    assert.ok(pair !== undefined, 'no colliding pair found');
    const input = pair.map((iri) => `<http://s> <http://p> <${iri}> .\n`).join('');
    const dictionary = new MemoryDictionary();
    const objects: number[] = [];
    const parser = new NQuadsParser(
      { format: 'ntriples', source: 'collide.nt' },
      (_s, _p, o) => objects.push(o),
      internSink(dictionary),
    );
    parser.write(Buffer.from(input));
    parser.finish();
    assert.deepEqual(
      objects.map((id) => dictionary.key(id)),
      pair,
    );
  });
});

describe('NQuadsParser against n3', () => {
  const iri = fc
    .tuple(fc.stringMatching(/^[a-z0-9/#é~_.-]{0,12}$/), fc.boolean())
    .map(([tail, escaped]) => {
      const written = escaped ? tail.replace(/é/g, '\\u00E9') : tail;
      return `http://example.org/${written}`;
    });
  const blank = fc.stringMatching(/^[A-Za-z0-9_]([A-Za-z0-9_-]|\.[A-Za-z0-9_-]){0,6}$/);
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.stringMatching(/^[a-zé"\\\n\t日😀]{0,8}$/u),
  );
  const escapes: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r' };
  // Latin-1 letters also go through \u escapes, so both escape forms meet n3.
  const escape = (value: string): string =>
    value
      .replace(/[\\"\n\r]/g, (c) => escapes[c] ?? c)
      .replace(/[\u00c0-\u00ff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const literal = fc.oneof(
    text.map((value) => `"${escape(value)}"`),
    fc
      .tuple(text, fc.stringMatching(/^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8}){0,2}$/))
      .map(([value, tag]) => `"${escape(value)}"@${tag}`),
    fc
      .tuple(
        text,
        fc.constantFrom(`${XSD}integer`, `${XSD}string`, 'http://a/t', 'http://a/\\u00E9'),
      )
      .map(([value, type]) => `"${escape(value)}"^^<${type}>`),
  );
  const node = fc.oneof(
    iri.map((value) => `<${value}>`),
    blank.map((label) => `_:${label}`),
  );
  const statement = fc
    .tuple(node, iri, fc.oneof(node, literal), fc.option(node), fc.constantFrom(' ', '\t', ''))
    .map(([s, p, o, g, space]) => `${s} <${p}>${space} ${o}${g === null ? '' : ` ${g}`} .`);
  const document = fc
    .tuple(fc.array(statement, { maxLength: 8 }), fc.constantFrom('\n', '\r\n', '\r'))
    .map(([lines, eol]) => lines.join(eol));

  it('gives the keys n3 gives', () => {
    fc.assert(
      fc.property(document, fc.integer({ min: 1, max: 64 }), (input, chunkSize) => {
        assert.deepEqual(fastKeys(input, 'nquads', chunkSize), n3Keys(input, 'nquads'));
      }),
      { numRuns: 300 },
    );
  });
});
