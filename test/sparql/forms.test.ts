import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { termKey } from '../../src/rdf/terms.js';
import { ask, BACKENDS, quadsOf, TRIG_PREFIXES } from './helpers.js';

const DATA = `${TRIG_PREFIXES}
:alice :knows :bob ; :name "Alice" ; :address [ :city "Paris" ; :geo [ :lat 48 ] ] .
:bob :knows :alice ; :name "Bob" .
:loop :next _:x .
_:x :next _:y .
_:y :next _:x .
:g { :alice :secret "hidden" }
`;

function triples(quads: { subject: unknown; predicate: unknown; object: unknown }[]): string[] {
  return quads
    .map((quad) =>
      [quad.subject, quad.predicate, quad.object]
        .map((term) => termKey(term as Parameters<typeof termKey>[0]))
        .join(' '),
    )
    .sort();
}

for (const backend of BACKENDS) {
  const data = backend.load(DATA);

  describe(`ASK (${backend.name})`, () => {
    it('is true when a solution exists', async () => {
      assert.equal(await ask(data, 'ASK { :alice :knows ?x }'), true);
    });

    it('is false when none exists', async () => {
      assert.equal(await ask(data, 'ASK { :bob :knows :bob }'), false);
    });

    it('is false for a failing FILTER', async () => {
      assert.equal(await ask(data, 'ASK { :alice :name ?n FILTER(?n = "Bob") }'), false);
    });

    it('is true for the empty pattern', async () => {
      assert.equal(await ask(data, 'ASK {}'), true);
    });
  });

  describe(`CONSTRUCT (${backend.name})`, () => {
    it('instantiates the template per solution', async () => {
      const quads = await quadsOf(data, 'CONSTRUCT { ?y :knownBy ?x } WHERE { ?x :knows ?y }');
      assert.deepEqual(triples(quads), [
        'http://example.org/alice http://example.org/knownBy http://example.org/bob',
        'http://example.org/bob http://example.org/knownBy http://example.org/alice',
      ]);
      assert.ok(quads.every((quad) => quad.graph.termType === 'DefaultGraph'));
    });

    it('creates fresh blank nodes per solution and shares them within one', async () => {
      const quads = await quadsOf(
        data,
        'CONSTRUCT { ?x :card _:c . _:c :label ?n } WHERE { ?x :name ?n }',
      );
      assert.equal(quads.length, 4);
      const cards = quads.filter((quad) => quad.predicate.value === 'http://example.org/card');
      const labels = quads.filter((quad) => quad.predicate.value === 'http://example.org/label');
      assert.equal(new Set(cards.map((quad) => quad.object.value)).size, 2);
      for (const card of cards) {
        assert.equal(card.object.termType, 'BlankNode');
        assert.ok(labels.some((label) => label.subject.equals(card.object)));
      }
    });

    it('skips triples with unbound variables or invalid positions', async () => {
      const quads = await quadsOf(
        data,
        'CONSTRUCT { ?x :age ?missing . ?n :nameOf ?x . ?x :named ?n } WHERE { ?x :name ?n OPTIONAL { ?x :age ?missing } }',
      );
      assert.deepEqual(triples(quads), [
        'http://example.org/alice http://example.org/named "Alice"',
        'http://example.org/bob http://example.org/named "Bob"',
      ]);
    });

    it('emits each triple once', async () => {
      const quads = await quadsOf(data, 'CONSTRUCT { :x :y :z } WHERE { ?s :name ?n }');
      assert.equal(quads.length, 1);
    });

    it('supports the short form CONSTRUCT WHERE', async () => {
      const quads = await quadsOf(data, 'CONSTRUCT WHERE { :bob ?p ?o }');
      assert.equal(quads.length, 2);
    });

    it('applies LIMIT to solutions', async () => {
      const quads = await quadsOf(
        data,
        'CONSTRUCT { ?x :n ?n } WHERE { ?x :name ?n } ORDER BY ?n LIMIT 1',
      );
      assert.deepEqual(triples(quads), ['http://example.org/alice http://example.org/n "Alice"']);
    });
  });

  describe(`DESCRIBE (${backend.name})`, () => {
    it('returns the concise bounded description of an IRI', async () => {
      const quads = await quadsOf(data, 'DESCRIBE :alice');
      assert.equal(quads.length, 6);
      const lat = quads.find((quad) => quad.predicate.value === 'http://example.org/lat');
      assert.equal(lat?.object.value, '48');
      assert.ok(quads.every((quad) => quad.object.value !== 'hidden'));
    });

    it('describes the values of a variable', async () => {
      const quads = await quadsOf(data, 'DESCRIBE ?x WHERE { ?x :name "Bob" }');
      assert.deepEqual(triples(quads), [
        'http://example.org/bob http://example.org/knows http://example.org/alice',
        'http://example.org/bob http://example.org/name "Bob"',
      ]);
    });

    it('stops at blank node cycles', async () => {
      const quads = await quadsOf(data, 'DESCRIBE :loop');
      assert.equal(quads.length, 3);
    });

    it('returns nothing for an unknown resource', async () => {
      assert.deepEqual(await quadsOf(data, 'DESCRIBE :nobody'), []);
    });
  });
}
