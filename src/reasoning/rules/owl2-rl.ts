/**
 * The OWL 2 RL/RDF rules of OWL 2 Web Ontology Language Profiles (Second Edition), section 4.3,
 * tables 4 to 9, in the rule text of rule.ts. Rules with head `false` detect inconsistencies.
 *
 * Left out, each for a stated reason:
 * - eq-ref (every term is owl:sameAs itself) adds up to three triples per triple, and with
 *   the other eq-* rules those entail nothing new. Reflexive owl:sameAs still appears for
 *   members of a non-trivial equivalence class, through eq-sym and eq-trans.
 * - Of table 8, dt-type1 is here and dt-not-type is a check in consistency.ts for the XSD
 *   numeric, boolean and dateTime types. dt-type2 is left out because its heads have literal
 *   subjects, and dt-eq and dt-diff because they compare literal values.
 * - prp-spo2 (property chains) and prp-key (keys) join once per property of a list, so their
 *   body length varies. They are written as code in special-rules.ts instead.
 *
 * cls-maxc and cls-maxqc match the cardinality literals "0" and "1" typed xsd:nonNegativeInteger,
 * as RDF/XML and Turtle ontologies write them. Another lexical form (say "01") does not match.
 */
/** The datatypes of the OWL 2 RL profile (section 4.2), which dt-type1 types rdfs:Datatype. */
const RL_DATATYPES = [
  'rdf:PlainLiteral',
  'rdf:XMLLiteral',
  'rdfs:Literal',
  ...[
    'decimal',
    'integer',
    'nonNegativeInteger',
    'nonPositiveInteger',
    'positiveInteger',
    'negativeInteger',
    'long',
    'int',
    'short',
    'byte',
    'unsignedLong',
    'unsignedInt',
    'unsignedShort',
    'unsignedByte',
    'float',
    'double',
    'string',
    'normalizedString',
    'token',
    'language',
    'Name',
    'NCName',
    'NMTOKEN',
    'boolean',
    'hexBinary',
    'base64Binary',
    'anyURI',
    'dateTime',
    'dateTimeStamp',
  ].map((name) => `xsd:${name}`),
];

export const OWL2_RL_RULES: readonly string[] = [
  // Table 4: equality.
  'eq-sym: ?x owl:sameAs ?y -> ?y owl:sameAs ?x',
  'eq-trans: ?x owl:sameAs ?y . ?y owl:sameAs ?z -> ?x owl:sameAs ?z',
  'eq-rep-s: ?s owl:sameAs ?s2 . ?s ?p ?o -> ?s2 ?p ?o',
  'eq-rep-p: ?p owl:sameAs ?p2 . ?s ?p ?o -> ?s ?p2 ?o',
  'eq-rep-o: ?o owl:sameAs ?o2 . ?s ?p ?o -> ?s ?p ?o2',
  'eq-diff1: ?x owl:sameAs ?y . ?x owl:differentFrom ?y -> false',
  'eq-diff2: ?x rdf:type owl:AllDifferent . ?x owl:members ?l . member(?l, ?y1) . ' +
    'member(?l, ?y2) . different(?y1, ?y2) . ?y1 owl:sameAs ?y2 -> false',
  'eq-diff3: ?x rdf:type owl:AllDifferent . ?x owl:distinctMembers ?l . member(?l, ?y1) . ' +
    'member(?l, ?y2) . different(?y1, ?y2) . ?y1 owl:sameAs ?y2 -> false',

  // Table 5: properties.
  'prp-ap: -> rdfs:label rdf:type owl:AnnotationProperty',
  'prp-ap: -> rdfs:comment rdf:type owl:AnnotationProperty',
  'prp-ap: -> rdfs:seeAlso rdf:type owl:AnnotationProperty',
  'prp-ap: -> rdfs:isDefinedBy rdf:type owl:AnnotationProperty',
  'prp-ap: -> owl:deprecated rdf:type owl:AnnotationProperty',
  'prp-ap: -> owl:versionInfo rdf:type owl:AnnotationProperty',
  'prp-ap: -> owl:priorVersion rdf:type owl:AnnotationProperty',
  'prp-ap: -> owl:backwardCompatibleWith rdf:type owl:AnnotationProperty',
  'prp-ap: -> owl:incompatibleWith rdf:type owl:AnnotationProperty',
  'prp-dom: ?p rdfs:domain ?c . ?x ?p ?y -> ?x rdf:type ?c',
  'prp-rng: ?p rdfs:range ?c . ?x ?p ?y -> ?y rdf:type ?c',
  'prp-fp: ?p rdf:type owl:FunctionalProperty . ?x ?p ?y1 . ?x ?p ?y2 . different(?y1, ?y2) ' +
    '-> ?y1 owl:sameAs ?y2',
  // prp-fp on two different literals: owl:sameAs between them would be a literal subject, which
  // is not materialised, so the clash is reported directly. Ids differ for equal values written
  // differently ("1" and "01" as xsd:integer), which this reports as a clash too.
  'prp-fp-literal: ?p rdf:type owl:FunctionalProperty . ?x ?p ?y1 . ?x ?p ?y2 . ' +
    'different(?y1, ?y2) . literal(?y1) . literal(?y2) -> false',
  'prp-ifp: ?p rdf:type owl:InverseFunctionalProperty . ?x1 ?p ?y . ?x2 ?p ?y . ' +
    'different(?x1, ?x2) -> ?x1 owl:sameAs ?x2',
  'prp-irp: ?p rdf:type owl:IrreflexiveProperty . ?x ?p ?x -> false',
  'prp-symp: ?p rdf:type owl:SymmetricProperty . ?x ?p ?y -> ?y ?p ?x',
  'prp-asyp: ?p rdf:type owl:AsymmetricProperty . ?x ?p ?y . ?y ?p ?x -> false',
  'prp-trp: ?p rdf:type owl:TransitiveProperty . ?x ?p ?y . ?y ?p ?z -> ?x ?p ?z',
  'prp-spo1: ?p1 rdfs:subPropertyOf ?p2 . ?x ?p1 ?y -> ?x ?p2 ?y',
  'prp-eqp1: ?p1 owl:equivalentProperty ?p2 . ?x ?p1 ?y -> ?x ?p2 ?y',
  'prp-eqp2: ?p1 owl:equivalentProperty ?p2 . ?x ?p2 ?y -> ?x ?p1 ?y',
  'prp-pdw: ?p1 owl:propertyDisjointWith ?p2 . ?x ?p1 ?y . ?x ?p2 ?y -> false',
  'prp-adp: ?x rdf:type owl:AllDisjointProperties . ?x owl:members ?l . member(?l, ?p1) . ' +
    'member(?l, ?p2) . different(?p1, ?p2) . ?u ?p1 ?w . ?u ?p2 ?w -> false',
  'prp-inv1: ?p1 owl:inverseOf ?p2 . ?x ?p1 ?y -> ?y ?p2 ?x',
  'prp-inv2: ?p1 owl:inverseOf ?p2 . ?x ?p2 ?y -> ?y ?p1 ?x',
  'prp-npa1: ?x owl:sourceIndividual ?i1 . ?x owl:assertionProperty ?p . ' +
    '?x owl:targetIndividual ?i2 . ?i1 ?p ?i2 -> false',
  'prp-npa2: ?x owl:sourceIndividual ?i . ?x owl:assertionProperty ?p . ' +
    '?x owl:targetValue ?lt . ?i ?p ?lt -> false',

  // Table 6: classes.
  'cls-thing: -> owl:Thing rdf:type owl:Class',
  'cls-nothing1: -> owl:Nothing rdf:type owl:Class',
  'cls-nothing2: ?x rdf:type owl:Nothing -> false',
  'cls-int1: ?c owl:intersectionOf ?l . member(?l, ?ci) . ?y rdf:type ?ci . allTypes(?y, ?l) ' +
    '-> ?y rdf:type ?c',
  'cls-int2: ?c owl:intersectionOf ?l . member(?l, ?ci) . ?y rdf:type ?c -> ?y rdf:type ?ci',
  'cls-uni: ?c owl:unionOf ?l . member(?l, ?ci) . ?y rdf:type ?ci -> ?y rdf:type ?c',
  'cls-com: ?c1 owl:complementOf ?c2 . ?x rdf:type ?c1 . ?x rdf:type ?c2 -> false',
  'cls-svf1: ?x owl:someValuesFrom ?y . ?x owl:onProperty ?p . ?u ?p ?v . ?v rdf:type ?y ' +
    '-> ?u rdf:type ?x',
  'cls-svf2: ?x owl:someValuesFrom owl:Thing . ?x owl:onProperty ?p . ?u ?p ?v -> ?u rdf:type ?x',
  'cls-avf: ?x owl:allValuesFrom ?y . ?x owl:onProperty ?p . ?u rdf:type ?x . ?u ?p ?v ' +
    '-> ?v rdf:type ?y',
  'cls-hv1: ?x owl:hasValue ?y . ?x owl:onProperty ?p . ?u rdf:type ?x -> ?u ?p ?y',
  'cls-hv2: ?x owl:hasValue ?y . ?x owl:onProperty ?p . ?u ?p ?y -> ?u rdf:type ?x',
  'cls-maxc1: ?x owl:maxCardinality "0"^^xsd:nonNegativeInteger . ?x owl:onProperty ?p . ' +
    '?u rdf:type ?x . ?u ?p ?y -> false',
  'cls-maxc2: ?x owl:maxCardinality "1"^^xsd:nonNegativeInteger . ?x owl:onProperty ?p . ' +
    '?u rdf:type ?x . ?u ?p ?y1 . ?u ?p ?y2 . different(?y1, ?y2) -> ?y1 owl:sameAs ?y2',
  'cls-maxqc1: ?x owl:maxQualifiedCardinality "0"^^xsd:nonNegativeInteger . ' +
    '?x owl:onProperty ?p . ?x owl:onClass ?c . ?u rdf:type ?x . ?u ?p ?y . ?y rdf:type ?c ' +
    '-> false',
  'cls-maxqc2: ?x owl:maxQualifiedCardinality "0"^^xsd:nonNegativeInteger . ' +
    '?x owl:onProperty ?p . ?x owl:onClass owl:Thing . ?u rdf:type ?x . ?u ?p ?y -> false',
  'cls-maxqc3: ?x owl:maxQualifiedCardinality "1"^^xsd:nonNegativeInteger . ' +
    '?x owl:onProperty ?p . ?x owl:onClass ?c . ?u rdf:type ?x . ?u ?p ?y1 . ' +
    '?y1 rdf:type ?c . ?u ?p ?y2 . ?y2 rdf:type ?c . different(?y1, ?y2) -> ?y1 owl:sameAs ?y2',
  'cls-maxqc4: ?x owl:maxQualifiedCardinality "1"^^xsd:nonNegativeInteger . ' +
    '?x owl:onProperty ?p . ?x owl:onClass owl:Thing . ?u rdf:type ?x . ?u ?p ?y1 . ' +
    '?u ?p ?y2 . different(?y1, ?y2) -> ?y1 owl:sameAs ?y2',
  'cls-oo: ?c owl:oneOf ?l . member(?l, ?y) -> ?y rdf:type ?c',

  // Table 7: class axioms.
  'cax-sco: ?c1 rdfs:subClassOf ?c2 . ?x rdf:type ?c1 -> ?x rdf:type ?c2',
  'cax-eqc1: ?c1 owl:equivalentClass ?c2 . ?x rdf:type ?c1 -> ?x rdf:type ?c2',
  'cax-eqc2: ?c1 owl:equivalentClass ?c2 . ?x rdf:type ?c2 -> ?x rdf:type ?c1',
  'cax-dw: ?c1 owl:disjointWith ?c2 . ?x rdf:type ?c1 . ?x rdf:type ?c2 -> false',
  'cax-adc: ?x rdf:type owl:AllDisjointClasses . ?x owl:members ?l . member(?l, ?c1) . ' +
    'member(?l, ?c2) . different(?c1, ?c2) . ?z rdf:type ?c1 . ?z rdf:type ?c2 -> false',

  // Table 9: schema vocabulary.
  'scm-cls: ?c rdf:type owl:Class -> ?c rdfs:subClassOf ?c',
  'scm-cls: ?c rdf:type owl:Class -> ?c owl:equivalentClass ?c',
  'scm-cls: ?c rdf:type owl:Class -> ?c rdfs:subClassOf owl:Thing',
  'scm-cls: ?c rdf:type owl:Class -> owl:Nothing rdfs:subClassOf ?c',
  'scm-sco: ?c1 rdfs:subClassOf ?c2 . ?c2 rdfs:subClassOf ?c3 -> ?c1 rdfs:subClassOf ?c3',
  'scm-eqc1: ?c1 owl:equivalentClass ?c2 -> ?c1 rdfs:subClassOf ?c2',
  'scm-eqc1: ?c1 owl:equivalentClass ?c2 -> ?c2 rdfs:subClassOf ?c1',
  'scm-eqc2: ?c1 rdfs:subClassOf ?c2 . ?c2 rdfs:subClassOf ?c1 -> ?c1 owl:equivalentClass ?c2',
  'scm-op: ?p rdf:type owl:ObjectProperty -> ?p rdfs:subPropertyOf ?p',
  'scm-op: ?p rdf:type owl:ObjectProperty -> ?p owl:equivalentProperty ?p',
  'scm-dp: ?p rdf:type owl:DatatypeProperty -> ?p rdfs:subPropertyOf ?p',
  'scm-dp: ?p rdf:type owl:DatatypeProperty -> ?p owl:equivalentProperty ?p',
  'scm-spo: ?p1 rdfs:subPropertyOf ?p2 . ?p2 rdfs:subPropertyOf ?p3 -> ?p1 rdfs:subPropertyOf ?p3',
  'scm-eqp1: ?p1 owl:equivalentProperty ?p2 -> ?p1 rdfs:subPropertyOf ?p2',
  'scm-eqp1: ?p1 owl:equivalentProperty ?p2 -> ?p2 rdfs:subPropertyOf ?p1',
  'scm-eqp2: ?p1 rdfs:subPropertyOf ?p2 . ?p2 rdfs:subPropertyOf ?p1 ' +
    '-> ?p1 owl:equivalentProperty ?p2',
  'scm-dom1: ?p rdfs:domain ?c1 . ?c1 rdfs:subClassOf ?c2 -> ?p rdfs:domain ?c2',
  'scm-dom2: ?p2 rdfs:domain ?c . ?p1 rdfs:subPropertyOf ?p2 -> ?p1 rdfs:domain ?c',
  'scm-rng1: ?p rdfs:range ?c1 . ?c1 rdfs:subClassOf ?c2 -> ?p rdfs:range ?c2',
  'scm-rng2: ?p2 rdfs:range ?c . ?p1 rdfs:subPropertyOf ?p2 -> ?p1 rdfs:range ?c',
  'scm-hv: ?c1 owl:hasValue ?i . ?c1 owl:onProperty ?p1 . ?c2 owl:hasValue ?i . ' +
    '?c2 owl:onProperty ?p2 . ?p1 rdfs:subPropertyOf ?p2 -> ?c1 rdfs:subClassOf ?c2',
  'scm-svf1: ?c1 owl:someValuesFrom ?y1 . ?c1 owl:onProperty ?p . ?c2 owl:someValuesFrom ?y2 . ' +
    '?c2 owl:onProperty ?p . ?y1 rdfs:subClassOf ?y2 -> ?c1 rdfs:subClassOf ?c2',
  'scm-svf2: ?c1 owl:someValuesFrom ?y . ?c1 owl:onProperty ?p1 . ?c2 owl:someValuesFrom ?y . ' +
    '?c2 owl:onProperty ?p2 . ?p1 rdfs:subPropertyOf ?p2 -> ?c1 rdfs:subClassOf ?c2',
  'scm-avf1: ?c1 owl:allValuesFrom ?y1 . ?c1 owl:onProperty ?p . ?c2 owl:allValuesFrom ?y2 . ' +
    '?c2 owl:onProperty ?p . ?y1 rdfs:subClassOf ?y2 -> ?c1 rdfs:subClassOf ?c2',
  'scm-avf2: ?c1 owl:allValuesFrom ?y . ?c1 owl:onProperty ?p1 . ?c2 owl:allValuesFrom ?y . ' +
    '?c2 owl:onProperty ?p2 . ?p1 rdfs:subPropertyOf ?p2 -> ?c2 rdfs:subClassOf ?c1',
  'scm-int: ?c owl:intersectionOf ?l . member(?l, ?ci) -> ?c rdfs:subClassOf ?ci',
  'scm-uni: ?c owl:unionOf ?l . member(?l, ?ci) -> ?ci rdfs:subClassOf ?c',

  // Table 8: datatypes.
  ...RL_DATATYPES.map((datatype) => `dt-type1: -> ${datatype} rdf:type rdfs:Datatype`),
];
