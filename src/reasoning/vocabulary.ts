/**
 * Prefixes of the vocabularies the rule sets mention, and the expansion of the prefixed names
 * and literals that rule texts use into dictionary term keys.
 */
import { RDF_NS, XSD } from '../rdf/terms.js';

export const RDFS_NS = 'http://www.w3.org/2000/01/rdf-schema#';
export const OWL_NS = 'http://www.w3.org/2002/07/owl#';

export const PREFIXES: Readonly<Record<string, string>> = {
  rdf: RDF_NS,
  rdfs: RDFS_NS,
  owl: OWL_NS,
  xsd: XSD,
};

export const RDF_TYPE = `${RDF_NS}type`;
export const RDF_FIRST = `${RDF_NS}first`;
export const RDF_REST = `${RDF_NS}rest`;
export const RDF_NIL = `${RDF_NS}nil`;
export const OWL_SAME_AS = `${OWL_NS}sameAs`;

/**
 * Expands one rule-text constant to its term key: `prefix:local` to an IRI, and
 * `"lexical"^^prefix:local` to a typed literal. Throws for an unknown prefix, so a typo in a
 * rule set fails at construction instead of silently never matching.
 */
export function expandConstant(text: string): string {
  const literal = /^"([^"]*)"\^\^(\w+):(\w+)$/.exec(text);
  if (literal !== null) return `"${literal[1]}"^^${expandName(literal[2]!, literal[3]!, text)}`;
  const name = /^(\w+):(\w+)$/.exec(text);
  if (name === null) throw new SyntaxError(`Invalid constant ${text} in a rule text`);
  return expandName(name[1]!, name[2]!, text);
}

function expandName(prefix: string, local: string, text: string): string {
  const namespace = PREFIXES[prefix];
  if (namespace === undefined) throw new SyntaxError(`Unknown prefix in rule constant ${text}`);
  return namespace + local;
}

/** Ids of the terms the engine itself reads, interned once when a rule set is built. */
export interface VocabularyIds {
  type: number;
  first: number;
  rest: number;
  nil: number;
  sameAs: number;
  differentFrom: number;
  propertyChainAxiom: number;
  hasKey: number;
}

export function internVocabulary(dictionary: { intern(key: string): number }): VocabularyIds {
  return {
    type: dictionary.intern(RDF_TYPE),
    first: dictionary.intern(RDF_FIRST),
    rest: dictionary.intern(RDF_REST),
    nil: dictionary.intern(RDF_NIL),
    sameAs: dictionary.intern(OWL_SAME_AS),
    differentFrom: dictionary.intern(`${OWL_NS}differentFrom`),
    propertyChainAxiom: dictionary.intern(`${OWL_NS}propertyChainAxiom`),
    hasKey: dictionary.intern(`${OWL_NS}hasKey`),
  };
}
