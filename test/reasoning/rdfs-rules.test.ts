import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { id, reason } from './helpers.js';

describe('RDFS rules', () => {
  it('rdfs2 and rdfs3 type by domain and range', async () => {
    const data = await reason('ex:p rdfs:domain ex:A ; rdfs:range ex:B . ex:x ex:p ex:y .', 'rdfs');
    assert.ok(data.has('ex:x rdf:type ex:A'));
    assert.ok(data.has('ex:y rdf:type ex:B'));
    assert.ok(!data.has('ex:y rdf:type ex:A'));
  });

  it('rdfs3 never types a literal', async () => {
    const data = await reason('ex:p rdfs:range ex:B . ex:x ex:p "v" .', 'rdfs');
    const literal = data.dictionary.lookup('"v"')!;
    const type = data.dictionary.lookup('http://www.w3.org/1999/02/22-rdf-syntax-ns#type')!;
    assert.equal(data.reasoner.union().count(literal, type, -1, 0), 0);
  });

  it('rdfs5 and rdfs7 follow subproperties transitively', async () => {
    const data = await reason(
      'ex:p rdfs:subPropertyOf ex:q . ex:q rdfs:subPropertyOf ex:r . ex:x ex:p ex:y .',
      'rdfs',
    );
    assert.ok(data.has('ex:p rdfs:subPropertyOf ex:r'));
    assert.ok(data.has('ex:x ex:q ex:y'));
    assert.ok(data.has('ex:x ex:r ex:y'));
  });

  it('rdfs9 and rdfs11 follow subclasses transitively', async () => {
    const data = await reason(
      'ex:A rdfs:subClassOf ex:B . ex:B rdfs:subClassOf ex:C . ex:x a ex:A .',
      'rdfs',
    );
    assert.ok(data.has('ex:A rdfs:subClassOf ex:C'));
    assert.ok(data.has('ex:x rdf:type ex:B'));
    assert.ok(data.has('ex:x rdf:type ex:C'));
  });

  it('rdf1, rdfs6, rdfs8 and rdfs10 add the schema axioms', async () => {
    const data = await reason('ex:x ex:p ex:y . ex:A a rdfs:Class .', 'rdfs');
    assert.ok(data.has('ex:p rdf:type rdf:Property'));
    assert.ok(data.has('ex:p rdfs:subPropertyOf ex:p'));
    assert.ok(data.has('ex:A rdfs:subClassOf rdfs:Resource'));
    assert.ok(data.has('ex:A rdfs:subClassOf ex:A'));
  });

  it('rdfs ruleset leaves OWL vocabulary alone', async () => {
    const data = await reason(
      'ex:p a owl:TransitiveProperty . ex:a ex:p ex:b . ex:b ex:p ex:c .',
      'rdfs',
    );
    assert.ok(!data.has('ex:a ex:p ex:c'));
  });

  it('none ruleset infers nothing', async () => {
    const data = await reason('ex:A rdfs:subClassOf ex:B . ex:x a ex:A .', 'none');
    assert.equal(data.reasoner.inferred.size, 0);
    assert.ok(!data.has('ex:x rdf:type ex:B'));
  });

  it('named graphs take no part', async () => {
    const data = await reason('ex:A rdfs:subClassOf ex:B .', 'rdfs');
    const graph = id(data.dictionary, 'ex:g');
    const x = id(data.dictionary, 'ex:x');
    const type = id(data.dictionary, 'rdf:type');
    const a = id(data.dictionary, 'ex:A');
    const b = id(data.dictionary, 'ex:B');
    const delta = data.reasoner.applyDelta({ adds: Uint32Array.of(x, type, a, graph) });
    assert.equal(delta.inferredAdds.length, 0);
    assert.ok(data.asserted.has(x, type, a, graph));
    assert.equal(data.reasoner.union().count(x, type, b, -1), 0);
  });
});
