import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../src/errors.js';
import {
  affectedFocusNodes,
  compileShapes,
  graphFromQuads,
  validate,
  validateAsync,
  validateFocusNodes,
} from '../../src/shacl/index.js';
import { EX, parseTurtle, resultLines } from './helpers.js';

const SHAPES = `ex:S a sh:NodeShape ; sh:targetClass ex:Person ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .`;
const program = compileShapes(graphFromQuads(parseTurtle(SHAPES)));

describe('validation API', () => {
  it('validateFocusNodes skips nodes no shape targets', () => {
    const data = graphFromQuads(
      parseTurtle(`ex:a a ex:Person . ex:b a ex:Person . ex:c ex:name "C" .`),
    );
    const ids = [`${EX}a`, `${EX}c`].map((iri) => data.dictionary.lookup(iri)!);
    const report = validateFocusNodes(program, data, ids);
    assert.deepEqual(resultLines(report), ['sh:MinCount ex:a - ex:name']);
  });

  it('validates one named graph', () => {
    const data = graphFromQuads(parseTurtle(`ex:a a ex:Person . ex:g { ex:b a ex:Person }`));
    const graph = data.dictionary.lookup(`${EX}g`)!;
    assert.deepEqual(resultLines(validate(program, { ...data, graph })), [
      'sh:MinCount ex:b - ex:name',
    ]);
    assert.equal(validate(program, data).results.length, 2);
  });

  it('reads the union of graphs by default', () => {
    const data = graphFromQuads(
      parseTurtle(`ex:g1 { ex:a a ex:Person } ex:g2 { ex:a ex:name "A" }`),
    );
    assert.equal(validate(program, data).conforms, true);
  });

  it('treats an rdfs:subClassOf change as affecting everything', () => {
    const data = graphFromQuads(parseTurtle(`ex:Student rdfs:subClassOf ex:Person .`));
    const quad = Uint32Array.from([
      data.dictionary.lookup(`${EX}Student`)!,
      data.dictionary.lookup('http://www.w3.org/2000/01/rdf-schema#subClassOf')!,
      data.dictionary.lookup(`${EX}Person`)!,
      0,
    ]);
    const affected = affectedFocusNodes(program, data, { adds: quad, deletes: new Uint32Array(0) });
    assert.equal(affected.all, true);
  });

  it('rejects a literal used as a shape', () => {
    const shapes = parseTurtle(
      `ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:node "not a shape" .`,
    );
    assert.throws(() => compileShapes(graphFromQuads(shapes)), InvalidArgumentError);
  });

  it('rejects a non-integer sh:minCount', () => {
    const shapes = parseTurtle(
      `ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount "many" ] .`,
    );
    assert.throws(
      () => compileShapes(graphFromQuads(shapes)),
      /sh:minCount must be a non-negative integer/,
    );
  });
});

describe('affectedFocusNodes limits', () => {
  it('returns all when the walk passes maxNodes', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetClass ex:Person ; sh:property [ sh:path ex:knows ; sh:class ex:Person ] .`;
    const knowsProgram = compileShapes(graphFromQuads(parseTurtle(shapes)));
    const people = Array.from(
      { length: 50 },
      (_, i) => `ex:p${i} a ex:Person ; ex:knows ex:hub .`,
    ).join('\n');
    const data = graphFromQuads(parseTurtle(`${people} ex:hub a ex:Person .`));
    const quad = Uint32Array.from([
      data.dictionary.lookup(`${EX}hub`)!,
      data.dictionary.lookup('http://www.w3.org/1999/02/22-rdf-syntax-ns#type')!,
      data.dictionary.lookup(`${EX}Person`)!,
      0,
    ]);
    const change = { adds: quad, deletes: new Uint32Array(0) };
    const bounded = affectedFocusNodes(knowsProgram, data, change, { maxNodes: 10 });
    assert.equal(bounded.all, true);
    const full = affectedFocusNodes(knowsProgram, data, change);
    assert.equal(full.all, false);
    assert.equal(full.nodes.length, 51);
  });
});

describe('validateAsync', () => {
  it('matches validate', async () => {
    const people = Array.from({ length: 2000 }, (_, i) => `ex:p${i} a ex:Person .`).join('\n');
    const data = graphFromQuads(parseTurtle(`${people} ex:p5 ex:name "Five" .`));
    const expected = resultLines(validate(program, data));
    const actual = resultLines(await validateAsync(program, data));
    assert.equal(actual.length, 1999);
    assert.deepEqual(actual, expected);
  });
});

describe('shape options', () => {
  it('a deactivated targeted shape reports nothing', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetClass ex:Person ; sh:deactivated true ;
      sh:property [ sh:path ex:name ; sh:minCount 1 ] .`;
    const data = graphFromQuads(parseTurtle(`ex:a a ex:Person .`));
    assert.equal(validate(compileShapes(graphFromQuads(parseTurtle(shapes))), data).conforms, true);
  });

  it('keeps a custom severity', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:severity ex:Minor ; sh:class ex:C .`;
    const report = validate(compileShapes(graphFromQuads(parseTurtle(shapes))), graphFromQuads([]));
    assert.equal(report.conforms, false);
    assert.equal(report.results[0]!.resultSeverity, `${EX}Minor`);
  });
});

describe('affectedFocusNodes graphs', () => {
  it('ignores changes in other graphs', () => {
    const data = graphFromQuads(
      parseTurtle(`ex:g1 { ex:a a ex:Person } ex:g2 { ex:b a ex:Person }`),
    );
    const id = (iri: string) => data.dictionary.lookup(iri)!;
    const type = id('http://www.w3.org/1999/02/22-rdf-syntax-ns#type');
    const adds = Uint32Array.from([id(`${EX}b`), type, id(`${EX}Person`), id(`${EX}g2`)]);
    const change = { adds, deletes: new Uint32Array(0) };
    const inG1 = affectedFocusNodes(program, { ...data, graph: id(`${EX}g1`) }, change);
    assert.deepEqual([...inG1.nodes], []);
    const inUnion = affectedFocusNodes(program, data, change);
    assert.deepEqual([...inUnion.nodes], [id(`${EX}b`)]);
  });
});
