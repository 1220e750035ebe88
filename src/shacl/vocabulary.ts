/** IRIs of the SHACL, RDF and RDFS terms that the validator reads or writes. */
import { RDF_NS, XSD } from '../rdf/terms.js';

export const SH = 'http://www.w3.org/ns/shacl#';
export const RDFS = 'http://www.w3.org/2000/01/rdf-schema#';

export const RDF_TYPE = `${RDF_NS}type`;
export const RDF_FIRST = `${RDF_NS}first`;
export const RDF_REST = `${RDF_NS}rest`;
export const RDF_NIL = `${RDF_NS}nil`;
export const RDFS_CLASS = `${RDFS}Class`;
export const RDFS_SUBCLASS_OF = `${RDFS}subClassOf`;
export const XSD_BOOLEAN = `${XSD}boolean`;
export const XSD_INTEGER = `${XSD}integer`;

/** Returns the IRI of a term in the SHACL namespace. */
export function sh(localName: string): string {
  return SH + localName;
}

export const SH_VIOLATION = sh('Violation');
export const SH_VALIDATION_REPORT = sh('ValidationReport');
export const SH_VALIDATION_RESULT = sh('ValidationResult');
