import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataFactory, Parser } from 'n3';
import { QueryTimeoutError } from '../../src/errors.js';
import {
  compileShapes,
  graphFromQuads,
  reportQuads,
  reportTurtle,
  validate,
} from '../../src/shacl/index.js';
import { parseTurtle, validateTurtle } from './helpers.js';

const SH = 'http://www.w3.org/ns/shacl#';
const SHAPES = `ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:severity sh:Warning ; sh:message "needs p"@en ;
  sh:property [ sh:path (ex:p ex:q) ; sh:minCount 1 ; sh:severity sh:Info ] .`;

describe('validation report', () => {
  it('writes results with severity, message and path structure', () => {
    const report = validateTurtle(SHAPES, 'ex:a ex:r 1 .');
    assert.equal(report.conforms, false);
    const quads = reportQuads(report);
    const objects = (predicate: string) =>
      quads
        .filter((quad) => quad.predicate.value === SH + predicate)
        .map((quad) => quad.object.value);
    assert.deepEqual(objects('conforms'), ['false']);
    assert.deepEqual(objects('resultSeverity'), [`${SH}Info`]);
    assert.deepEqual(objects('focusNode'), ['http://example.org/a']);
    assert.equal(objects('resultPath').length, 1);
    assert.equal(quads.filter((quad) => quad.predicate.value.endsWith('#first')).length, 2);
  });

  it('copies sh:message into sh:resultMessage', () => {
    const report = validateTurtle(
      `ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:message "bad"@en ; sh:class ex:C .`,
      '',
    );
    const messages = reportQuads(report).filter(
      (quad) => quad.predicate.value === `${SH}resultMessage`,
    );
    assert.equal(messages.length, 1);
    assert.equal(messages[0]!.object.value, 'bad');
  });

  it('writes Turtle that parses back', async () => {
    const report = validateTurtle(SHAPES, 'ex:a ex:r 1 .');
    const text = await reportTurtle(report, { generatedMessages: true });
    const quads = new Parser().parse(text);
    assert.equal(quads.length, reportQuads(report, { generatedMessages: true }).length);
    assert.match(text, /sh:MinCountConstraintComponent/);
  });

  it('reports conformance with no results', () => {
    const report = validateTurtle(SHAPES, 'ex:a ex:p ex:b . ex:b ex:q 1 .');
    assert.equal(report.conforms, true);
    assert.equal(report.results.length, 0);
  });
});

describe('validation limits', () => {
  const shapes = `ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .`;
  const data = Array.from({ length: 3000 }, (_, i) => `ex:n${i} a ex:T .`).join('\n');

  it('stops on an aborted signal', () => {
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    assert.throws(() => validateTurtle(shapes, data, { signal: controller.signal }), /stop now/);
  });

  it('stops past the time limit', () => {
    assert.throws(() => validateTurtle(shapes, data, { timeoutMs: -1 }), QueryTimeoutError);
  });
});

describe('report blank nodes', () => {
  it('never reuse a blank focus node label', () => {
    const { blankNode, namedNode, quad } = DataFactory;
    const focus = blankNode('report0');
    const data = graphFromQuads([
      quad(
        focus,
        namedNode('http://www.w3.org/1999/02/22-rdf-syntax-ns#type'),
        namedNode('http://example.org/T'),
      ),
    ]);
    const shapes = parseTurtle(
      `ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .`,
    );
    const report = validate(compileShapes(graphFromQuads(shapes)), data);
    const quads = reportQuads(report);
    const subjects = new Set(quads.map((q) => q.subject.value));
    assert.equal(subjects.has('report0'), false);
    const focusNodes = quads.filter((q) => q.predicate.value === `${SH}focusNode`);
    assert.deepEqual(
      focusNodes.map((q) => q.object.value),
      ['report0'],
    );
  });
});
