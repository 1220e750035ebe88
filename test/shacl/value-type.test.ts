import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { check } from './helpers.js';

describe('value type components', () => {
  it('sh:class follows rdfs:subClassOf and rejects literals', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b, ex:c ;
      sh:property [ sh:path ex:p ; sh:class ex:Person ] .`;
    const data = `ex:Student rdfs:subClassOf ex:Person .
      ex:a ex:p ex:alice . ex:alice a ex:Student .
      ex:b ex:p ex:rock . ex:rock a ex:Stone .
      ex:c ex:p "text" .`;
    assert.deepEqual(check(shapes, data), [
      'sh:Class ex:b ex:rock ex:p',
      'sh:Class ex:c "text" ex:p',
    ]);
  });

  it('sh:class on a node shape checks the focus node', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b ; sh:class ex:C .`;
    const data = `ex:a a ex:C .`;
    assert.deepEqual(check(shapes, data), ['sh:Class ex:b ex:b -']);
  });

  it('sh:datatype rejects ill-formed and mistyped literals', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ;
      sh:property [ sh:path ex:n ; sh:datatype xsd:integer ] ;
      sh:property [ sh:path ex:d ; sh:datatype xsd:date ] ;
      sh:property [ sh:path ex:t ; sh:datatype rdf:langString ] ;
      sh:property [ sh:path ex:s ; sh:datatype xsd:string ] .`;
    const data = `ex:a ex:n 5, "x"^^xsd:integer, "5.0"^^xsd:decimal ;
      ex:d "2024-02-29"^^xsd:date, "2023-02-29"^^xsd:date ;
      ex:t "hi"@en, "hi" ;
      ex:s "plain", "tagged"@en, ex:iri .`;
    assert.deepEqual(check(shapes, data), [
      'sh:Datatype ex:a "2023-02-29"^^http://www.w3.org/2001/XMLSchema#date ex:d',
      'sh:Datatype ex:a "5.0"^^http://www.w3.org/2001/XMLSchema#decimal ex:n',
      'sh:Datatype ex:a "hi" ex:t',
      'sh:Datatype ex:a "tagged"@en ex:s',
      'sh:Datatype ex:a "x"^^http://www.w3.org/2001/XMLSchema#integer ex:n',
      'sh:Datatype ex:a ex:iri ex:s',
    ]);
  });

  it('sh:nodeKind accepts only the named kinds', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ;
      sh:property [ sh:path ex:p ; sh:nodeKind sh:BlankNodeOrIRI ] ;
      sh:property [ sh:path ex:q ; sh:nodeKind sh:Literal ] .`;
    const data = `ex:a ex:p ex:x, _:b, "lit" ; ex:q "ok", ex:y .`;
    assert.deepEqual(check(shapes, data), [
      'sh:NodeKind ex:a "lit" ex:p',
      'sh:NodeKind ex:a ex:y ex:q',
    ]);
  });
});
