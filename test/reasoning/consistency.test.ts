import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { id, reason, turtleQuads } from './helpers.js';

/** Each case: the rule expected, and Turtle that violates it. */
const VIOLATIONS: [string, string][] = [
  ['cls-nothing2', 'ex:x a owl:Nothing .'],
  ['cax-dw', 'ex:A owl:disjointWith ex:B . ex:x a ex:A , ex:B .'],
  [
    'cax-adc',
    '[] a owl:AllDisjointClasses ; owl:members ( ex:A ex:B ex:C ) . ex:x a ex:A , ex:C .',
  ],
  ['cls-com', 'ex:A owl:complementOf ex:B . ex:x a ex:A , ex:B .'],
  ['eq-diff1', 'ex:a owl:sameAs ex:b . ex:a owl:differentFrom ex:b .'],
  ['eq-diff2', '[] a owl:AllDifferent ; owl:members ( ex:a ex:b ) . ex:a owl:sameAs ex:b .'],
  [
    'eq-diff3',
    '[] a owl:AllDifferent ; owl:distinctMembers ( ex:a ex:b ) . ex:a owl:sameAs ex:b .',
  ],
  ['prp-irp', 'ex:p a owl:IrreflexiveProperty . ex:a ex:p ex:a .'],
  ['prp-asyp', 'ex:p a owl:AsymmetricProperty . ex:a ex:p ex:b . ex:b ex:p ex:a .'],
  ['prp-pdw', 'ex:p owl:propertyDisjointWith ex:q . ex:a ex:p ex:b ; ex:q ex:b .'],
  [
    'prp-adp',
    '[] a owl:AllDisjointProperties ; owl:members ( ex:p ex:q ) . ex:a ex:p ex:b ; ex:q ex:b .',
  ],
  [
    'prp-npa1',
    '[] owl:sourceIndividual ex:a ; owl:assertionProperty ex:p ; owl:targetIndividual ex:b . ' +
      'ex:a ex:p ex:b .',
  ],
  [
    'prp-npa2',
    '[] owl:sourceIndividual ex:a ; owl:assertionProperty ex:p ; owl:targetValue "v" . ' +
      'ex:a ex:p "v" .',
  ],
  ['prp-fp-literal', 'ex:p a owl:FunctionalProperty . ex:a ex:p "1" , "2" .'],
  [
    'cls-maxc1',
    'ex:R owl:maxCardinality "0"^^xsd:nonNegativeInteger ; owl:onProperty ex:p . ' +
      'ex:a a ex:R ; ex:p ex:b .',
  ],
  [
    'cls-maxqc1',
    'ex:R owl:maxQualifiedCardinality "0"^^xsd:nonNegativeInteger ; owl:onProperty ex:p ; ' +
      'owl:onClass ex:C . ex:a a ex:R ; ex:p ex:b . ex:b a ex:C .',
  ],
  [
    'cls-maxqc2',
    'ex:R owl:maxQualifiedCardinality "0"^^xsd:nonNegativeInteger ; owl:onProperty ex:p ; ' +
      'owl:onClass owl:Thing . ex:a a ex:R ; ex:p ex:b .',
  ],
];

describe('consistency checks', () => {
  for (const [rule, text] of VIOLATIONS) {
    it(`${rule} reports its violation`, async () => {
      const data = await reason(text);
      const found = data.reasoner.checkConsistency();
      // owl:sameAs copies the clashing triples, so one clash can match several times.
      assert.deepEqual([...new Set(found.map((inconsistency) => inconsistency.rule))], [rule]);
      assert.ok(found[0]!.quads.length > 0);
      assert.equal(found[0]!.quads.length % 4, 0);
    });
  }

  it('cax-dw through inferred types', async () => {
    const data = await reason(
      'ex:A owl:disjointWith ex:B . ex:A1 rdfs:subClassOf ex:A . ex:x a ex:A1 , ex:B .',
    );
    const [found] = data.reasoner.checkConsistency();
    assert.equal(found?.rule, 'cax-dw');
    const x = id(data.dictionary, 'ex:x');
    const type = id(data.dictionary, 'rdf:type');
    const a = id(data.dictionary, 'ex:A');
    const quads = [...found!.quads];
    assert.ok(quads.join(',').includes(`${x},${type},${a},0`));
  });

  it('consistent data reports nothing', async () => {
    const data = await reason(
      'ex:A owl:disjointWith ex:B . ex:x a ex:A . ex:p a owl:FunctionalProperty . ex:a ex:p "1" .',
    );
    assert.deepEqual(data.reasoner.checkConsistency(), []);
  });

  it('maxResults caps the report', async () => {
    const data = await reason('ex:x a owl:Nothing . ex:y a owl:Nothing . ex:z a owl:Nothing .');
    assert.equal(data.reasoner.checkConsistency(2).length, 2);
    assert.equal(data.reasoner.checkConsistency().length, 3);
  });
});

describe('datatype checks', () => {
  it('dt-not-type reports ill-typed literals', async () => {
    const data = await reason(`
      ex:a ex:p "abc"^^xsd:integer ; ex:q "300"^^xsd:byte ; ex:r "maybe"^^xsd:boolean .
      ex:b ex:p "12"^^xsd:integer ; ex:q "-128"^^xsd:byte ; ex:r "true"^^xsd:boolean .
      ex:c ex:s "2024-02-30T10:00:00Z"^^xsd:dateTime ; ex:t "anything"^^ex:custom .`);
    const found = data.reasoner.checkConsistency();
    assert.equal(found.length, 4);
    assert.ok(found.every((inconsistency) => inconsistency.rule === 'dt-not-type'));
    const objects = found.map((inconsistency) => data.dictionary.key(inconsistency.quads[2]!));
    assert.deepEqual(objects.sort(), [
      '"2024-02-30T10:00:00Z"^^http://www.w3.org/2001/XMLSchema#dateTime',
      '"300"^^http://www.w3.org/2001/XMLSchema#byte',
      '"abc"^^http://www.w3.org/2001/XMLSchema#integer',
      '"maybe"^^http://www.w3.org/2001/XMLSchema#boolean',
    ]);
  });

  it('dt-type1 types the RL datatypes', async () => {
    const data = await reason('');
    assert.ok(data.has('xsd:integer rdf:type rdfs:Datatype'));
    assert.ok(data.has('rdfs:Literal rdf:type rdfs:Datatype'));
  });

  it('rdfs ruleset checks no datatypes', async () => {
    const data = await reason('ex:a ex:p "abc"^^xsd:integer .', 'rdfs');
    assert.deepEqual(data.reasoner.checkConsistency(), []);
  });
});

describe('plan consistency', () => {
  const SCHEMA = `
    ex:A owl:disjointWith ex:B . ex:B1 rdfs:subClassOf ex:B .
    ex:p a owl:IrreflexiveProperty . ex:x a ex:A .`;

  it('reports a clash the write introduces', async () => {
    const data = await reason(SCHEMA);
    const plan = data.reasoner.planDelta({
      adds: await turtleQuads(data.dictionary, 'ex:x a ex:B1 .'),
    });
    const found = data.reasoner.checkPlanConsistency(plan);
    assert.deepEqual(
      found.map((inconsistency) => inconsistency.rule),
      ['cax-dw'],
    );
    assert.ok(!data.has('ex:x rdf:type ex:B1'), 'planning wrote nothing');
  });

  it('consistent write reports nothing', async () => {
    const data = await reason(SCHEMA);
    const plan = data.reasoner.planDelta({
      adds: await turtleQuads(data.dictionary, 'ex:y a ex:B1 . ex:x ex:p ex:y .'),
    });
    assert.deepEqual(data.reasoner.checkPlanConsistency(plan), []);
  });

  it('reports ill-typed literals and property clashes', async () => {
    const data = await reason(SCHEMA);
    const plan = data.reasoner.planDelta({
      adds: await turtleQuads(data.dictionary, 'ex:y ex:p ex:y ; ex:q "x"^^xsd:int .'),
    });
    const rules = data.reasoner.checkPlanConsistency(plan).map((found) => found.rule);
    assert.deepEqual(rules.sort(), ['dt-not-type', 'prp-irp']);
  });

  it('agrees with a full check after commit', async () => {
    const data = await reason(SCHEMA);
    const plan = data.reasoner.planDelta({
      adds: await turtleQuads(data.dictionary, 'ex:x a ex:B1 . ex:z a ex:A , ex:B .'),
    });
    const planned = data.reasoner.checkPlanConsistency(plan);
    data.reasoner.commit(plan);
    const full = data.reasoner.checkConsistency();
    assert.equal(planned.length, full.length);
    assert.equal(full.length, 2);
  });
});
