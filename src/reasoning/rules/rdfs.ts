/**
 * The RDFS entailment patterns of RDF 1.1 Semantics, in the rule text of rule.ts. Left out:
 * - rdfs4a and rdfs4b (every subject and object is an rdfs:Resource), because they add one
 *   triple per term and entail nothing else.
 * - rdf2 (a typed literal has its datatype as rdf:type), because its head has a literal subject.
 * - rdfs1 (each recognised datatype is an rdfs:Datatype), because no datatype is recognised.
 * - The axiomatic triples, including rdf:_1, rdf:_2, ... as container membership properties.
 */
export const RDFS_RULES: readonly string[] = [
  'rdf1: ?x ?p ?y -> ?p rdf:type rdf:Property',
  'rdfs2: ?p rdfs:domain ?c . ?x ?p ?y -> ?x rdf:type ?c',
  'rdfs3: ?p rdfs:range ?c . ?x ?p ?y -> ?y rdf:type ?c',
  'rdfs5: ?p rdfs:subPropertyOf ?q . ?q rdfs:subPropertyOf ?r -> ?p rdfs:subPropertyOf ?r',
  'rdfs6: ?p rdf:type rdf:Property -> ?p rdfs:subPropertyOf ?p',
  'rdfs7: ?p rdfs:subPropertyOf ?q . ?x ?p ?y -> ?x ?q ?y',
  'rdfs8: ?c rdf:type rdfs:Class -> ?c rdfs:subClassOf rdfs:Resource',
  'rdfs9: ?c rdfs:subClassOf ?d . ?x rdf:type ?c -> ?x rdf:type ?d',
  'rdfs10: ?c rdf:type rdfs:Class -> ?c rdfs:subClassOf ?c',
  'rdfs11: ?c rdfs:subClassOf ?d . ?d rdfs:subClassOf ?e -> ?c rdfs:subClassOf ?e',
  'rdfs12: ?p rdf:type rdfs:ContainerMembershipProperty -> ?p rdfs:subPropertyOf rdfs:member',
  'rdfs13: ?d rdf:type rdfs:Datatype -> ?d rdfs:subClassOf rdfs:Literal',
];
