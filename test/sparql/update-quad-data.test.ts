/**
 * The fast path for large INSERT DATA and DELETE DATA gives the same operations as sparqljs,
 * and refuses what SPARQL refuses.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SparqlSyntaxError } from '../../src/errors.js';
import { parseUpdate } from '../../src/sparql/index.js';
import {
  parseLargeQuadData,
  QUAD_DATA_FAST_PATH_BYTES,
} from '../../src/sparql/update/quad-data.js';

const PROLOGUE = `PREFIX ex: <http://example.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
BASE <http://base.example/>
# a comment with { and "
`;

/** Triples in many term forms, repeated until the request passes the fast-path size. */
function body(graphs: boolean, blanks: boolean): string {
  let text = '';
  for (let i = 0; text.length < 2 * QUAD_DATA_FAST_PATH_BYTES; i++) {
    text += `ex:s${i} a ex:C ; ex:label "label ${i} with } and # inside"@en-GB , 'single' .\n`;
    text += `<rel${i}> ex:n ${i} , -${i}.5 , ${i}e2 , true , "${i}"^^xsd:long .\n`;
    text += `ex:s${i} ex:text """long\n{ string }""" ; ex:list ( 1 "two" ex:three ) .\n`;
    if (blanks) text += `_:b${i} ex:p [ ex:q ex:r${i} ] .\n`;
    if (graphs) text += `GRAPH ex:g${i % 3} { ex:s${i} ex:in <g${i}> }\n`;
  }
  return text;
}

/**
 * Operations as sorted quad lines, blank nodes written as `_` plus the number of distinct
 * blank nodes: the two parsers name blank nodes and order collection triples differently.
 */
function canonical(operations: unknown): string {
  const blanks = new Set<string>();
  const lines: string[] = [];
  for (const operation of operations as { type: string; quads: object[] }[]) {
    for (const quad of operation.quads) {
      lines.push(
        `${operation.type} ${JSON.stringify(quad, (key, value: unknown) => {
          if (key !== 'blank') return value;
          blanks.add(String(value));
          return '_';
        })}`,
      );
    }
  }
  return `${blanks.size} blank nodes\n${lines.sort().join('\n')}`;
}

/** Returns the sparqljs reading: a second operation keeps the request off the fast path. */
function bySparqljs(text: string): unknown {
  return parseUpdate(`${text} ;\nCLEAR SILENT GRAPH <urn:x:none>`, 'http://base.example/').slice(
    0,
    1,
  );
}

describe('quad data fast path', () => {
  it('reads INSERT DATA exactly as sparqljs does', () => {
    const text = `${PROLOGUE}INSERT DATA {\n${body(true, true)}}`;
    const fast = parseLargeQuadData(text, 'http://base.example/');
    assert.ok(fast !== undefined, 'the request takes the fast path');
    assert.ok((fast[0] as { quads: readonly unknown[] }).quads.length > 500);
    assert.equal(canonical(fast), canonical(bySparqljs(text)));
  });

  it('reads DELETE DATA exactly as sparqljs does, with a trailing semicolon', () => {
    const text = `${PROLOGUE}delete data {\n${body(true, false).replace(/\( [^)]*\)/g, '7')}} ;\n`;
    const fast = parseLargeQuadData(text, 'http://base.example/');
    assert.ok(fast !== undefined);
    assert.equal(fast[0]!.type, 'deleteData');
    assert.equal(canonical(fast), canonical(bySparqljs(text.replace(/;\s*$/, ''))));
  });

  it('leaves short requests and other shapes to sparqljs', () => {
    assert.equal(parseLargeQuadData('INSERT DATA { <a> <b> <c> }', undefined), undefined);
    const big = body(false, false);
    for (const text of [
      `INSERT DATA { ${big} } ; INSERT DATA { <http://a> <http://b> 1 }`,
      `INSERT { ?s <http://p> 1 } WHERE { ${big.slice(0, 10)} }`,
      `INSERT DATA { { ${big} } }`,
      `INSERT DATA { <http://g> { ${big} } }`,
      `INSERT DATA { @prefix p: <http://p/> . ${big} }`,
    ]) {
      assert.equal(
        parseLargeQuadData(`${PROLOGUE}${text}`, undefined),
        undefined,
        text.slice(0, 40),
      );
    }
  });

  it('refuses variables and DELETE DATA blank nodes with a syntax error', () => {
    const big = body(false, false);
    assert.throws(
      () => parseUpdate(`${PROLOGUE}INSERT DATA { ${big} ?s ex:p 1 . }`),
      (error: unknown) => error instanceof SparqlSyntaxError && /variable/.test(error.message),
    );
    assert.throws(
      () => parseUpdate(`${PROLOGUE}DELETE DATA { ${big} _:x ex:p 1 . }`),
      (error: unknown) => error instanceof SparqlSyntaxError && /Blank nodes/.test(error.message),
    );
  });

  it('refuses blank nodes in a short DELETE DATA, also inside GRAPH', () => {
    const cases = [
      'DELETE DATA { GRAPH ex:g { ex:s ex:p _:x } }',
      'DELETE DATA { GRAPH ex:g { ex:s ex:p [] } }',
      'DELETE DATA { GRAPH ex:g { _:x ex:p 1 } }',
      'DELETE DATA { ex:s ex:p 1 . GRAPH ex:g { ex:s ex:p ( 1 ) } }',
    ];
    for (const text of cases) {
      assert.throws(
        () => parseUpdate(`${PROLOGUE}${text}`),
        (error: unknown) =>
          error instanceof SparqlSyntaxError &&
          /Blank nodes are not allowed in DELETE DATA/.test(error.message),
        text,
      );
    }
    assert.equal(parseUpdate(`${PROLOGUE}INSERT DATA { GRAPH ex:g { ex:s ex:p _:x } }`).length, 1);
  });

  it('answers exactly as sparqljs where TriG and SPARQL differ', () => {
    // Each case is padded past the fast-path size; the reference is the same request with a
    // second operation, which only sparqljs reads.
    const pad = `GRAPH <urn:pad> { ${body(false, false)} }`;
    const cases = [
      'GRAPH _:g { <urn:s> <urn:p> <urn:o> . } <urn:x> <urn:y> <urn:z> .',
      '@prefix q: <http://q/> . q:s q:p q:o .',
      '<urn:s> <urn:p> <urn:o> . @base <http://evil/> . <s> <p> <o> .',
      'PREFIX q: <http://q/> q:s q:p q:o .',
      '<urn:s> <urn:p> "x"@en--ltr .',
      '<urn:s> <urn:p> <urn:o>',
      'GRAPH <urn:g> { <urn:s> <urn:p> <urn:o> } . <urn:s> <urn:p> <urn:o2> .',
      '"lit" <urn:p> <urn:o> .',
      '<< <urn:a> <urn:b> <urn:c> >> <urn:p> <urn:o> .',
    ];
    const outcome = (text: string, sliced: boolean): string => {
      try {
        const operations = parseUpdate(text, 'http://base.example/');
        return canonical(sliced ? operations.slice(0, 1) : operations);
      } catch (error) {
        return `error ${(error as Error).name}`;
      }
    };
    for (const data of cases) {
      const request = `INSERT DATA { ${pad} ${data} }`;
      const reference = outcome(`${request} ;\nCLEAR SILENT GRAPH <urn:x:none>`, true);
      assert.equal(outcome(request, false), reference, data);
    }
  });

  it('takes a request of 100,000 triples', () => {
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(`<http://e.org/s${i}> <http://e.org/p> "v${i}" .`);
    const [operation] = parseUpdate(`INSERT DATA {\n${lines.join('\n')}\n}`);
    assert.equal(operation!.type, 'insertData');
    assert.equal((operation as { quads: readonly unknown[] }).quads.length, 100_000);
  });
});
