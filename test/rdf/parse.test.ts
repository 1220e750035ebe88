import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { after, describe, test } from 'node:test';
import type * as RDF from '@rdfjs/types';

import { InvalidArgumentError, NotFoundError, RdfSyntaxError } from '../../src/errors.js';
import type { RdfFormat } from '../../src/rdf/formats.js';
import { parseRdf, parseRdfFile } from '../../src/rdf/parse.js';

const directory = mkdtempSync(join(tmpdir(), 'seven-tick-parse-'));
after(() => rmSync(directory, { recursive: true, force: true }));

function writeFile(name: string, content: string | Buffer): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

/** Parses text split into chunks of `chunkSize` bytes, collecting the quads. */
async function parseText(
  text: string,
  format: RdfFormat,
  options: { chunkSize?: number; baseIri?: string } = {},
): Promise<RDF.Quad[]> {
  const bytes = Buffer.from(text);
  const size = options.chunkSize ?? bytes.length;
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  const quads: RDF.Quad[] = [];
  await parseRdf(
    Readable.from(chunks),
    { format, source: 'input', baseIri: options.baseIri },
    (quad) => quads.push(quad),
  );
  return quads;
}

async function syntaxError(
  text: string,
  format: RdfFormat,
  chunkSize?: number,
): Promise<RdfSyntaxError> {
  try {
    await parseText(text, format, { chunkSize });
  } catch (error) {
    assert.ok(error instanceof RdfSyntaxError, `expected RdfSyntaxError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected a syntax error for ${JSON.stringify(text)}`);
}

interface BrokenCase {
  name: string;
  format: RdfFormat;
  text: string;
  line: number;
  column: number;
  message: RegExp;
}

const BROKEN: BrokenCase[] = [
  {
    name: 'N-Triples relative IRI',
    format: 'ntriples',
    text: '<http://a> <http://b> <c> .\n',
    line: 1,
    column: 23,
    message: /Relative IRI <c> is not allowed in N-Triples/,
  },
  {
    name: 'N-Triples graph term',
    format: 'ntriples',
    text: '<http://a> <http://b> <http://c> .\n<http://a> <http://b> "x" <http://g> .\n',
    line: 2,
    column: 27,
    message: /N-Triples has no graph term/,
  },
  {
    name: 'N-Triples bad escape',
    format: 'ntriples',
    text: '<http://a> <http://b> "x\\q" .\n',
    line: 1,
    column: 23,
    message: /Unexpected ""x\\q""/,
  },
  {
    name: 'N-Triples unterminated literal',
    format: 'ntriples',
    text: '<http://a> <http://b> <http://c> .\n<http://a>   <http://b> "open .\n<http://a> <http://b> "x" .\n',
    line: 2,
    column: 25,
    message: /Unexpected ""open"/,
  },
  {
    name: 'N-Triples missing dot',
    format: 'ntriples',
    text: '<http://a> <http://b> <http://c>\n<http://a> <http://b> <http://c> .\n',
    line: 2,
    column: 1,
    message: /Expected punctuation/,
  },
  {
    name: 'N-Quads relative graph IRI',
    format: 'nquads',
    text: '<http://a> <http://b> "x" <g> .\n',
    line: 1,
    column: 27,
    message: /Relative IRI <g> is not allowed in N-Quads/,
  },
  {
    name: 'N-Quads five terms',
    format: 'nquads',
    text: '<http://a> <http://b> "x" <http://g> <http://h> .\n',
    line: 1,
    column: 38,
    message: /Expected dot to follow quad/,
  },
  {
    name: 'N-Quads bad unicode escape',
    format: 'nquads',
    text: '<http://a> <http://b> <http://c> .\n\t<http://a> <http://b> "\\uZZZZ" <http://g> .\n',
    line: 2,
    column: 24,
    message: /Unexpected/,
  },
  {
    name: 'Turtle undefined prefix',
    format: 'turtle',
    text: '@prefix ex: <http://ex/> .\n  ex:a ex:b  foo:c .\n',
    line: 2,
    column: 14,
    message: /Undefined prefix "foo:"/,
  },
  {
    name: 'Turtle relative IRI without base',
    format: 'turtle',
    text: '<http://a> <http://b> <rel> .\n',
    line: 1,
    column: 23,
    message: /Relative IRI <rel> cannot be resolved because no base IRI is set/,
  },
  {
    name: 'Turtle named graph',
    format: 'turtle',
    text: '<http://g> { <http://a> <http://b> <http://c> }\n',
    line: 1,
    column: 12,
    message: /Turtle has no named graphs; use TriG/,
  },
  {
    name: 'Turtle datatype without IRI',
    format: 'turtle',
    text: '<http://a> <http://b> "x"^^ .\n',
    line: 1,
    column: 29,
    message: /Unexpected "\."/,
  },
  {
    name: 'Turtle after long literal',
    format: 'turtle',
    text: '<http://a> <http://b> """multi\nline\n"""  ]\n',
    line: 3,
    column: 6,
    message: /Expected punctuation/,
  },
  {
    name: 'Turtle unterminated long literal',
    format: 'turtle',
    text: '<http://a> <http://b> "x" .\n<http://a> <http://b> """open\nno end\n',
    line: 2,
    column: 23,
    message: /Unexpected/,
  },
  {
    name: 'TriG bad escape after CRLF',
    format: 'trig',
    text: '<http://g> {\r\n <http://a> <http://b> "a\\uZZZZ" }\r\n',
    line: 2,
    column: 24,
    message: /Unexpected ""a\\uZZZZ""/,
  },
  {
    name: 'TriG unclosed graph',
    format: 'trig',
    text: '<http://g> { <http://a> <http://b> <http://c> \n',
    line: 2,
    column: 1,
    message: /Expected punctuation/,
  },
  {
    name: 'TriG stray character',
    format: 'trig',
    text: '<http://g> {\n  <http://a> <http://b> ~x }\n',
    line: 2,
    column: 25,
    message: /Expected entity but got ~/,
  },
];

describe('parseRdf syntax errors', () => {
  for (const broken of BROKEN) {
    test(broken.name, async () => {
      const error = await syntaxError(broken.text, broken.format);
      assert.equal(error.code, 'RDF_SYNTAX');
      assert.deepEqual(error.location, {
        file: 'input',
        line: broken.line,
        column: broken.column,
      });
      assert.match(error.message, broken.message);
      assert.ok(error.message.startsWith(`input:${broken.line}:${broken.column}: `), error.message);
    });
  }

  test('same locations with 1-byte chunks', async () => {
    for (const broken of BROKEN) {
      const error = await syntaxError(broken.text, broken.format, 1);
      assert.deepEqual(
        [error.location?.line, error.location?.column],
        [broken.line, broken.column],
        broken.name,
      );
    }
  });

  test('error after 2 MiB of input', async () => {
    const line = `<http://example.org/subject> <http://example.org/p> "${'x'.repeat(60)}" .\n`;
    const count = Math.ceil((2 * 1024 * 1024) / line.length);
    const text = `${line.repeat(count)}<http://a>  <http://b> "x\\q" .\n`;
    const error = await syntaxError(text, 'ntriples', 64 * 1024);
    assert.equal(error.location?.line, count + 1);
    assert.equal(error.location?.column, 24);
  });

  test('lone CR line breaks', async () => {
    const error = await syntaxError(
      '<http://a> <http://b> <http://c> .\r <http://a> <c> .\r',
      'ntriples',
      7,
    );
    assert.equal(error.location?.line, 2);
    assert.equal(error.location?.column, 13);
  });

  test('CRLF split across chunks', async () => {
    const text =
      '<http://a> <http://b> <http://c> .\r\n'.repeat(3) + '<http://a> <http://b>  <c> .\r\n';
    const error = await syntaxError(text, 'ntriples', 1);
    assert.equal(error.location?.line, 4);
    assert.equal(error.location?.column, 24);
    const lexical = await syntaxError(text.replace('<c>', '"\\q"'), 'ntriples', 1);
    assert.equal(lexical.location?.line, 4);
    assert.equal(lexical.location?.column, 24);
  });

  test('invalid UTF-8', async () => {
    const bytes = Buffer.concat([
      Buffer.from('<http://a> <http://b> "'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('" .\n'),
    ]);
    await assert.rejects(
      parseRdf(Readable.from([bytes]), { format: 'ntriples', source: 'bad.nt' }, () => {}),
      (error: unknown) =>
        error instanceof RdfSyntaxError && /bad\.nt:1: Invalid UTF-8/.test(error.message),
    );
  });
});

describe('parseRdf', () => {
  test('quads of every format', async () => {
    const nquads = await parseText('<http://a> <http://b> "x"@en <http://g> .\n', 'nquads');
    assert.equal(nquads.length, 1);
    assert.equal(nquads[0].graph.value, 'http://g');
    assert.equal(nquads[0].object.value, 'x');

    const trig = await parseText('@prefix ex: <http://ex/> . ex:g { ex:a ex:b 1, 2 }', 'trig');
    assert.equal(trig.length, 2);
    assert.equal(trig[1].graph.value, 'http://ex/g');

    const turtle = await parseText('<a> <b> <c> .', 'turtle', { baseIri: 'http://base/dir/' });
    assert.equal(turtle[0].subject.value, 'http://base/dir/a');

    const ntriples = await parseText('<http://a> <http://b> "é\\u00e9" .\n', 'ntriples', {
      chunkSize: 1,
    });
    assert.equal(ntriples[0].object.value, 'éé');
  });

  test('@base allows relative IRIs', async () => {
    const quads = await parseText('@base <http://base/> .\n<a> <b> <c> .\n', 'trig');
    assert.equal(quads[0].object.value, 'http://base/c');
  });

  test('returns the quad count', async () => {
    const count = await parseRdf(
      Readable.from([Buffer.from('<http://a> <http://b> <http://c>, <http://d> .')]),
      { format: 'turtle', source: 'input' },
      () => {},
    );
    assert.equal(count, 2);
  });

  test('exception from onQuad propagates', async () => {
    const failure = new Error('stop');
    await assert.rejects(
      parseRdf(
        Readable.from([Buffer.from('<http://a> <http://b> <http://c> .\n')]),
        { format: 'ntriples', source: 'input' },
        () => {
          throw failure;
        },
      ),
      (error: unknown) => error === failure,
    );
  });

  test('abort while waiting for input', { timeout: 10_000 }, async () => {
    const controller = new AbortController();
    const input = new PassThrough();
    input.write('<http://a> <http://b> <http://c> .\n');
    const parsing = parseRdf(
      input,
      { format: 'ntriples', source: 'input', signal: controller.signal },
      () => controller.abort(new Error('stop waiting')),
    );
    await assert.rejects(parsing, /stop waiting/);
  });

  test('aborted signal stops parsing', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled by test'));
    await assert.rejects(
      parseRdf(
        Readable.from([Buffer.from('<http://a> <http://b> <http://c> .\n')]),
        { format: 'ntriples', source: 'input', signal: controller.signal },
        () => {},
      ),
      /cancelled by test/,
    );
  });
});

describe('parseRdfFile', () => {
  const turtle = '@prefix ex: <http://ex/> .\nex:a ex:b <relative> .\nex:a ex:c "two" .\n';

  test('file base IRI for relative IRIs', async () => {
    const path = writeFile('data.ttl', turtle);
    const quads: RDF.Quad[] = [];
    const count = await parseRdfFile(path, (quad) => quads.push(quad));
    assert.equal(count, 2);
    assert.equal(quads[0].object.value, new URL('relative', pathToFileURL(path)).href);
  });

  test('gzip file with progress', async () => {
    const path = writeFile('data.ttl.gz', gzipSync(turtle));
    const progress: number[] = [];
    const count = await parseRdfFile(path, () => {}, {
      onProgress: (bytes) => progress.push(bytes),
    });
    assert.equal(count, 2);
    assert.equal(progress.at(-1), statSync(path).size);
  });

  test('gzip syntax error location', async () => {
    const path = writeFile(
      'broken.nt.gz',
      gzipSync('<http://a> <http://b> <http://c> .\n<a> <http://b> <http://c> .\n'),
    );
    await assert.rejects(
      parseRdfFile(path, () => {}),
      (error: unknown) => {
        assert.ok(error instanceof RdfSyntaxError);
        assert.deepEqual(error.location, { file: path, line: 2, column: 1 });
        return true;
      },
    );
  });

  test('invalid gzip data', async () => {
    const path = writeFile('not-gzip.nt.gz', '<http://a> <http://b> <http://c> .\n');
    await assert.rejects(
      parseRdfFile(path, () => {}),
      (error: unknown) => {
        assert.ok(error instanceof RdfSyntaxError);
        assert.match(error.message, /not-gzip\.nt\.gz: Invalid gzip data/);
        assert.equal(error.location?.file, path);
        return true;
      },
    );
  });

  test('truncated gzip data', async () => {
    const whole = gzipSync('<http://a> <http://b> <http://c> .\n'.repeat(100));
    const path = writeFile('truncated.nt.gz', whole.subarray(0, whole.length - 10));
    await assert.rejects(
      parseRdfFile(path, () => {}),
      (error: unknown) => {
        assert.ok(error instanceof RdfSyntaxError);
        assert.match(error.message, /Invalid gzip data/);
        return true;
      },
    );
  });

  test('progress of plain file', async () => {
    const path = writeFile(
      'plain.nq',
      '<http://a> <http://b> <http://c> <http://g> .\n'.repeat(50),
    );
    const progress: number[] = [];
    const count = await parseRdfFile(path, () => {}, {
      onProgress: (bytes) => progress.push(bytes),
    });
    assert.equal(count, 50);
    assert.equal(progress.at(-1), statSync(path).size);
  });

  test('missing file', async () => {
    await assert.rejects(
      parseRdfFile(join(directory, 'absent.nt'), () => {}),
      (error: unknown) => error instanceof NotFoundError && /absent\.nt/.test(error.message),
    );
  });

  test('unknown extension', async () => {
    const path = writeFile('data.rdf', '<rdf/>');
    await assert.rejects(
      parseRdfFile(path, () => {}),
      InvalidArgumentError,
    );
  });

  test('format option for any name', async () => {
    const path = writeFile('triples.txt.gz', gzipSync('<http://a> <http://b> <http://c> .\n'));
    assert.equal(await parseRdfFile(path, () => {}, { format: 'ntriples' }), 1);
  });

  test('format option overrides extension', async () => {
    const path = writeFile('quads.nt', '<http://a> <http://b> <http://c> <http://g> .\n');
    const quads: RDF.Quad[] = [];
    await parseRdfFile(path, (quad) => quads.push(quad), { format: 'nquads' });
    assert.equal(quads[0].graph.value, 'http://g');
  });
});
