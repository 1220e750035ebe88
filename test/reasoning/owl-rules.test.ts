import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { reason, turtleQuads } from './helpers.js';

describe('OWL 2 RL equality rules', () => {
  it('eq-sym and eq-trans close owl:sameAs', async () => {
    const data = await reason('ex:a owl:sameAs ex:b . ex:b owl:sameAs ex:c .');
    assert.ok(data.has('ex:b owl:sameAs ex:a'));
    assert.ok(data.has('ex:a owl:sameAs ex:c'));
    assert.ok(data.has('ex:c owl:sameAs ex:a'));
  });

  it('eq-rep-s, eq-rep-p and eq-rep-o copy triples', async () => {
    const data = await reason(
      'ex:a owl:sameAs ex:a2 . ex:p owl:sameAs ex:p2 . ex:o owl:sameAs ex:o2 . ex:a ex:p ex:o .',
    );
    assert.ok(data.has('ex:a2 ex:p ex:o'));
    assert.ok(data.has('ex:a ex:p2 ex:o'));
    assert.ok(data.has('ex:a ex:p ex:o2'));
    assert.ok(data.has('ex:a2 ex:p2 ex:o2'));
  });
});

describe('OWL 2 RL property rules', () => {
  it('prp-dom and prp-rng type subject and object', async () => {
    const data = await reason('ex:p rdfs:domain ex:A ; rdfs:range ex:B . ex:x ex:p ex:y .');
    assert.ok(data.has('ex:x rdf:type ex:A'));
    assert.ok(data.has('ex:y rdf:type ex:B'));
  });

  it('prp-fp and prp-ifp derive owl:sameAs', async () => {
    const data = await reason(`
      ex:f a owl:FunctionalProperty . ex:x ex:f ex:y1 , ex:y2 .
      ex:i a owl:InverseFunctionalProperty . ex:u1 ex:i ex:v . ex:u2 ex:i ex:v .`);
    assert.ok(data.has('ex:y1 owl:sameAs ex:y2'));
    assert.ok(data.has('ex:u1 owl:sameAs ex:u2'));
  });

  it('prp-symp, prp-trp and prp-inv', async () => {
    const data = await reason(`
      ex:s a owl:SymmetricProperty . ex:a ex:s ex:b .
      ex:t a owl:TransitiveProperty . ex:a ex:t ex:b . ex:b ex:t ex:c . ex:c ex:t ex:d .
      ex:p owl:inverseOf ex:q . ex:a ex:p ex:b . ex:c ex:q ex:d .`);
    assert.ok(data.has('ex:b ex:s ex:a'));
    assert.ok(data.has('ex:a ex:t ex:d'));
    assert.ok(data.has('ex:b ex:q ex:a'));
    assert.ok(data.has('ex:d ex:p ex:c'));
  });

  it('prp-spo1 and prp-eqp', async () => {
    const data = await reason(`
      ex:p rdfs:subPropertyOf ex:q . ex:a ex:p ex:b .
      ex:e1 owl:equivalentProperty ex:e2 . ex:a ex:e1 ex:c . ex:d ex:e2 ex:e .`);
    assert.ok(data.has('ex:a ex:q ex:b'));
    assert.ok(data.has('ex:a ex:e2 ex:c'));
    assert.ok(data.has('ex:d ex:e1 ex:e'));
  });

  it('prp-spo2 follows a property chain', async () => {
    const data = await reason(`
      ex:uncle owl:propertyChainAxiom ( ex:parent ex:brother ) .
      ex:a ex:parent ex:b . ex:b ex:brother ex:c . ex:b ex:brother ex:d .
      ex:g owl:propertyChainAxiom ( ex:r ex:r ex:r ) . ex:n1 ex:r ex:n2 . ex:n2 ex:r ex:n3 .`);
    assert.ok(data.has('ex:a ex:uncle ex:c'));
    assert.ok(data.has('ex:a ex:uncle ex:d'));
    assert.ok(!data.has('ex:n1 ex:g ex:n3'));
    data.reasoner.applyDelta({ adds: await turtle(data, 'ex:n3 ex:r ex:n4 .') });
    assert.ok(data.has('ex:n1 ex:g ex:n4'));
  });

  it('prp-key identifies instances with equal keys', async () => {
    const data = await reason(`
      ex:Person owl:hasKey ( ex:ssn ) .
      ex:a a ex:Person ; ex:ssn "1" . ex:b a ex:Person ; ex:ssn "1" .
      ex:c a ex:Person ; ex:ssn "2" . ex:d ex:ssn "1" .`);
    assert.ok(data.has('ex:a owl:sameAs ex:b'));
    assert.ok(!data.has('ex:a owl:sameAs ex:c'));
    assert.ok(!data.has('ex:a owl:sameAs ex:d'));
  });
});

describe('OWL 2 RL class rules', () => {
  it('cls-int1 and cls-int2 for intersections', async () => {
    const data = await reason(`
      ex:C owl:intersectionOf ( ex:A ex:B ) .
      ex:x a ex:A , ex:B . ex:y a ex:A . ex:z a ex:C .`);
    assert.ok(data.has('ex:x rdf:type ex:C'));
    assert.ok(!data.has('ex:y rdf:type ex:C'));
    assert.ok(data.has('ex:z rdf:type ex:A'));
    assert.ok(data.has('ex:z rdf:type ex:B'));
  });

  it('cls-uni and cls-oo', async () => {
    const data = await reason(`
      ex:U owl:unionOf ( ex:A ex:B ) . ex:x a ex:B .
      ex:O owl:oneOf ( ex:m ex:n ) .`);
    assert.ok(data.has('ex:x rdf:type ex:U'));
    assert.ok(data.has('ex:m rdf:type ex:O'));
    assert.ok(data.has('ex:n rdf:type ex:O'));
  });

  it('cls-svf1, cls-svf2 and cls-avf', async () => {
    const data = await reason(`
      ex:R owl:someValuesFrom ex:B ; owl:onProperty ex:p . ex:x ex:p ex:y . ex:y a ex:B .
      ex:T owl:someValuesFrom owl:Thing ; owl:onProperty ex:q . ex:u ex:q ex:v .
      ex:V owl:allValuesFrom ex:D ; owl:onProperty ex:r . ex:w a ex:V ; ex:r ex:z .`);
    assert.ok(data.has('ex:x rdf:type ex:R'));
    assert.ok(data.has('ex:u rdf:type ex:T'));
    assert.ok(data.has('ex:z rdf:type ex:D'));
  });

  it('cls-hv1 and cls-hv2', async () => {
    const data = await reason(`
      ex:H owl:hasValue ex:v ; owl:onProperty ex:p . ex:x a ex:H . ex:y ex:p ex:v .`);
    assert.ok(data.has('ex:x ex:p ex:v'));
    assert.ok(data.has('ex:y rdf:type ex:H'));
  });

  it('cls-maxc2 and cls-maxqc4 derive owl:sameAs', async () => {
    const data = await reason(`
      ex:M owl:maxCardinality "1"^^xsd:nonNegativeInteger ; owl:onProperty ex:p .
      ex:x a ex:M ; ex:p ex:y1 , ex:y2 .
      ex:Q owl:maxQualifiedCardinality "1"^^xsd:nonNegativeInteger ; owl:onProperty ex:q ;
        owl:onClass owl:Thing .
      ex:u a ex:Q ; ex:q ex:v1 , ex:v2 .`);
    assert.ok(data.has('ex:y1 owl:sameAs ex:y2'));
    assert.ok(data.has('ex:v1 owl:sameAs ex:v2'));
  });

  it('cax-sco and cax-eqc', async () => {
    const data = await reason(`
      ex:A rdfs:subClassOf ex:B . ex:x a ex:A .
      ex:E1 owl:equivalentClass ex:E2 . ex:y a ex:E2 .`);
    assert.ok(data.has('ex:x rdf:type ex:B'));
    assert.ok(data.has('ex:y rdf:type ex:E1'));
  });
});

describe('OWL 2 RL schema rules', () => {
  it('scm-cls, scm-sco and scm-eqc2', async () => {
    const data = await reason(`
      ex:A a owl:Class ; rdfs:subClassOf ex:B . ex:B rdfs:subClassOf ex:C , ex:A .`);
    assert.ok(data.has('ex:A rdfs:subClassOf owl:Thing'));
    assert.ok(data.has('owl:Nothing rdfs:subClassOf ex:A'));
    assert.ok(data.has('ex:A rdfs:subClassOf ex:C'));
    assert.ok(data.has('ex:A owl:equivalentClass ex:B'));
  });

  it('scm-dom, scm-rng, scm-int and scm-uni', async () => {
    const data = await reason(`
      ex:p rdfs:domain ex:A ; rdfs:range ex:B . ex:A rdfs:subClassOf ex:A2 .
      ex:q rdfs:subPropertyOf ex:p .
      ex:I owl:intersectionOf ( ex:X ex:Y ) . ex:U owl:unionOf ( ex:X ex:Y ) .`);
    assert.ok(data.has('ex:p rdfs:domain ex:A2'));
    assert.ok(data.has('ex:q rdfs:domain ex:A'));
    assert.ok(data.has('ex:q rdfs:range ex:B'));
    assert.ok(data.has('ex:I rdfs:subClassOf ex:X'));
    assert.ok(data.has('ex:Y rdfs:subClassOf ex:U'));
  });

  it('scm-svf1 and scm-avf1 compare restrictions', async () => {
    const data = await reason(`
      ex:B1 rdfs:subClassOf ex:B2 .
      ex:R1 owl:someValuesFrom ex:B1 ; owl:onProperty ex:p .
      ex:R2 owl:someValuesFrom ex:B2 ; owl:onProperty ex:p .
      ex:V1 owl:allValuesFrom ex:B1 ; owl:onProperty ex:p .
      ex:V2 owl:allValuesFrom ex:B2 ; owl:onProperty ex:p .`);
    assert.ok(data.has('ex:R1 rdfs:subClassOf ex:R2'));
    assert.ok(data.has('ex:V1 rdfs:subClassOf ex:V2'));
  });
});

async function turtle(
  data: { dictionary: Parameters<typeof turtleQuads>[0] },
  text: string,
): Promise<Uint32Array> {
  return turtleQuads(data.dictionary, text);
}
