import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { termKey } from '../../src/rdf/terms.js';
import {
  affectedFocusNodes,
  compileShapes,
  graphFromQuads,
  validate,
  validateFocusNodes,
  type ValidationReport,
  type ValidationResult,
} from '../../src/shacl/index.js';
import { MemoryDictionary } from '../../src/store/dictionary.js';
import { QuadStore } from '../../src/store/quad-store.js';
import { EX, parseTurtle } from './helpers.js';

/**
 * Shapes that read data in every way the incremental analysis must account for: class targets
 * through subclasses, subject and object targets, inverse, sequence and zero-or-more paths,
 * nested sh:node, sh:class, sh:equals, sh:closed and qualified value shapes.
 */
const SHAPES = `
ex:A a rdfs:Class, sh:NodeShape ; sh:property [ sh:path ex:p ; sh:maxCount 1 ; sh:node ex:HasQ ] .
ex:HasQ sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:class ex:B ] .
ex:S2 a sh:NodeShape ; sh:targetSubjectsOf ex:r ;
  sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 ] ;
  sh:property [ sh:path ex:r ; sh:equals ex:q ] .
ex:S3 a sh:NodeShape ; sh:targetObjectsOf ex:q ; sh:closed true ; sh:ignoredProperties (rdf:type) ;
  sh:property [ sh:path ex:r ] ; sh:property [ sh:path ex:p ] .
ex:S4 a sh:NodeShape ; sh:targetClass ex:B ;
  sh:property [ sh:path (ex:p ex:q) ; sh:qualifiedValueShape [ sh:class ex:A ] ; sh:qualifiedMaxCount 1 ] ;
  sh:property [ sh:path [ sh:zeroOrMorePath ex:r ] ; sh:hasValue ex:n0 ] .
`;

const NODES = ['n0', 'n1', 'n2', 'n3'].map((name) => EX + name);
/** ex:s is on no path, so only sh:closed reads it. */
const PREDICATES = ['p', 'q', 'r', 's'].map((name) => EX + name);
const CLASSES = ['A', 'B', 'C'].map((name) => EX + name);
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const SUBCLASS_OF = 'http://www.w3.org/2000/01/rdf-schema#subClassOf';
const LITERAL = '"1"^^http://www.w3.org/2001/XMLSchema#integer';

type Triple = [string, string, string];

const triple: fc.Arbitrary<Triple> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(
      fc.constantFrom(...NODES),
      fc.constantFrom(...PREDICATES),
      fc.constantFrom(...NODES, LITERAL),
    ),
  },
  {
    weight: 3,
    arbitrary: fc.tuple(
      fc.constantFrom(...NODES),
      fc.constant(RDF_TYPE),
      fc.constantFrom(...CLASSES),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.constantFrom(...CLASSES),
      fc.constant(SUBCLASS_OF),
      fc.constantFrom(...CLASSES),
    ),
  },
);

const write = fc.record({
  adds: fc.array(triple, { maxLength: 4 }),
  deletes: fc.array(triple, { maxLength: 4 }),
});

function resultKey(report: ValidationReport, result: ValidationResult): string {
  const key = (id: number | undefined) => (id === undefined ? '-' : report.terms.key(id));
  return [
    result.sourceConstraintComponent,
    result.sourceShape,
    key(result.focusNode),
    key(result.value),
    JSON.stringify(result.resultPath ?? null),
    key(result.targetNode),
  ].join(' ');
}

function pack(dictionary: MemoryDictionary, triples: Triple[]): Uint32Array {
  return Uint32Array.from(
    triples.flatMap(([s, p, o]) => [
      dictionary.intern(s),
      dictionary.intern(p),
      dictionary.intern(o),
      0,
    ]),
  );
}

/** Returns the quads of `packed` whose presence in the store equals `present`. */
function filterPresent(store: QuadStore, packed: Uint32Array, present: boolean): Uint32Array {
  const kept: number[] = [];
  const seen = new Set<string>();
  for (let w = 0; w < packed.length; w += 4) {
    const quad = [packed[w]!, packed[w + 1]!, packed[w + 2]!, packed[w + 3]!];
    const key = quad.join(' ');
    if (seen.has(key) || store.has(quad[0]!, quad[1]!, quad[2]!, quad[3]!) !== present) continue;
    seen.add(key);
    kept.push(...quad);
  }
  return Uint32Array.from(kept);
}

describe('incremental validation', () => {
  const program = compileShapes(graphFromQuads(parseTurtle(SHAPES)));

  it('matches full validation after random writes', () => {
    fc.assert(
      fc.property(
        fc.array(triple, { maxLength: 25 }),
        fc.array(write, { minLength: 1, maxLength: 6 }),
        (initial, writes) => {
          const dictionary = new MemoryDictionary();
          const store = new QuadStore();
          for (const term of parseTurtle(SHAPES)) dictionary.intern(termKey(term.subject));
          store.addMany(pack(dictionary, initial));
          const data = { dictionary, quads: store };
          let report = validate(program, data);
          let results = report.results.map((result) => resultKey(report, result));

          for (const { adds, deletes } of writes) {
            // Deletes apply first, then adds, as one transaction.
            const deleted = filterPresent(store, pack(dictionary, deletes), true);
            store.deleteMany(deleted);
            const added = filterPresent(store, pack(dictionary, adds), false);
            store.addMany(added);

            const affected = affectedFocusNodes(program, data, { adds: added, deletes: deleted });
            report = validate(program, data);
            const full = report.results.map((result) => resultKey(report, result)).sort();
            if (affected.all) {
              results = full;
              continue;
            }
            const affectedKeys = new Set([...affected.nodes].map((id) => dictionary.key(id)));
            const kept = results.filter(
              (line) => !affectedKeys.has(line.slice(line.lastIndexOf(' ') + 1)),
            );
            const partial = validateFocusNodes(program, data, affected.nodes);
            results = [
              ...kept,
              ...partial.results.map((result) => resultKey(partial, result)),
            ].sort();
            assert.deepEqual(results, full);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('returns only nodes near a small write', () => {
    const dictionary = new MemoryDictionary();
    const store = new QuadStore();
    const triples: Triple[] = [];
    for (let i = 0; i < 200; i++)
      triples.push([`${EX}x${i}`, RDF_TYPE, `${EX}A`], [`${EX}x${i}`, `${EX}p`, `${EX}y${i}`]);
    store.addMany(pack(dictionary, triples));
    const added = pack(dictionary, [[`${EX}y7`, `${EX}q`, `${EX}z`]]);
    store.addMany(added);
    const affected = affectedFocusNodes(
      program,
      { dictionary, quads: store },
      { adds: added, deletes: new Uint32Array(0) },
    );
    assert.equal(affected.all, false);
    const keys = [...affected.nodes].map((id) => dictionary.key(id)).sort();
    assert.deepEqual(keys, [`${EX}x7`, `${EX}z`]);
  });
});
