/**
 * Runs the W3C conformance suites through the runner's function (without writing the report)
 * and checks that no suite passes fewer tests than conformance/baseline.json records. Also
 * checks the runner's own comparison helpers on cases that must fail.
 */
import type * as RDF from '@rdfjs/types';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataFactory } from 'n3';

import { isomorphic } from '../../conformance/isomorphism.js';
import { parseFlatRdfXml } from '../../conformance/rdf-xml-data.js';
import { readBaseline, runConformance } from '../../conformance/run.js';

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const { quad, namedNode, blankNode, literal, defaultGraph } = DataFactory;
const p = namedNode('http://example.org/p');
const q = namedNode('http://example.org/q');

describe('blank node isomorphism', () => {
  it('matches renamed blank nodes', () => {
    const actual = [quad(blankNode('a'), p, blankNode('b')), quad(blankNode('b'), q, literal('x'))];
    const expected = [
      quad(blankNode('x'), p, blankNode('y')),
      quad(blankNode('y'), q, literal('x')),
    ];
    assert.equal(isomorphic(actual, expected), true);
  });

  it('rejects a different literal', () => {
    const actual = [quad(blankNode('a'), p, literal('x'))];
    const expected = [quad(blankNode('a'), p, literal('y'))];
    assert.equal(isomorphic(actual, expected), false);
  });

  it('rejects merged blank nodes', () => {
    const actual = [quad(blankNode('a'), p, literal('x')), quad(blankNode('a'), q, literal('x'))];
    const expected = [quad(blankNode('a'), p, literal('x')), quad(blankNode('b'), q, literal('x'))];
    assert.equal(isomorphic(actual, expected), false);
  });

  it('rejects a cycle against a chain', () => {
    const actual = [
      quad(blankNode('a'), p, blankNode('b')),
      quad(blankNode('b'), p, blankNode('c')),
      quad(blankNode('c'), p, blankNode('a')),
    ];
    const expected = [
      quad(blankNode('a'), p, blankNode('b')),
      quad(blankNode('b'), p, blankNode('c')),
      quad(blankNode('c'), p, blankNode('d')),
    ];
    assert.equal(isomorphic(actual, expected), false);
  });

  it('compares graph names', () => {
    const actual = [quad(namedNode('http://example.org/s'), p, literal('x'), blankNode('g'))];
    const inDefault = [quad(namedNode('http://example.org/s'), p, literal('x'), defaultGraph())];
    const renamed = [quad(namedNode('http://example.org/s'), p, literal('x'), blankNode('h'))];
    assert.equal(isomorphic(actual, inDefault), false);
    assert.equal(isomorphic(actual, renamed), true);
  });
});

describe('flat RDF/XML data reader', () => {
  const header =
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">';

  it('reads resources and typed literals', () => {
    const xml = `${header}
      <rdf:Description rdf:about="http://example.org/s">
        <ex:p rdf:resource=""/>
        <ex:q rdf:datatype="http://www.w3.org/2001/XMLSchema#integer">1</ex:q>
        <ex:r xml:lang="en">a &amp; b</ex:r>
      </rdf:Description>
    </rdf:RDF>`;
    const quads = parseFlatRdfXml(xml, 'http://example.org/data.rdf');
    assert.equal(quads.length, 3);
    assert.equal(quads[0]!.object.value, 'http://example.org/data.rdf');
    assert.equal(quads[1]!.object.termType, 'Literal');
    assert.equal((quads[1]!.object as RDF.Literal).datatype.value, `${XSD}integer`);
    assert.equal(quads[2]!.object.value, 'a & b');
    assert.equal((quads[2]!.object as RDF.Literal).language, 'en');
  });

  it('rejects nested descriptions', () => {
    const xml = `${header}
      <rdf:Description rdf:about="http://example.org/s">
        <ex:p><rdf:Description rdf:about="http://example.org/o"/></ex:p>
      </rdf:Description>
    </rdf:RDF>`;
    assert.throws(
      () => parseFlatRdfXml(xml, 'http://example.org/data.rdf'),
      /Unsupported RDF\/XML/,
    );
  });
});

describe('W3C conformance', () => {
  it('passes at least the baseline in every suite', async (t) => {
    const baseline = readBaseline();
    const results = await runConformance();
    for (const result of results) {
      t.diagnostic(
        `${result.suite} - passed ${result.passed}, failed ${result.failed}, skipped ${result.skipped}`,
      );
    }
    for (const suite of Object.keys(baseline)) {
      const result = results.find((candidate) => candidate.suite === suite);
      assert.ok(result !== undefined, `suite ${suite} from baseline.json did not run`);
      assert.ok(
        result.passed >= baseline[suite]!,
        `${suite}: ${result.passed} passed, fewer than the baseline of ${baseline[suite]}`,
      );
    }
  });
});
