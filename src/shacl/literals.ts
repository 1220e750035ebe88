/**
 * Literal checks shared by the constraint components: whether a literal is well-formed for its
 * datatype (sh:datatype), and reading integer and boolean parameters of the shapes graph.
 */
import { InvalidArgumentError } from '../errors.js';
import { RDF_LANG_STRING, XSD, XSD_STRING } from '../rdf/terms.js';
import { parseDateTime } from '../sparql/expressions/datetime.js';
import { isNumericDatatype, parseNumeric, toDouble } from '../sparql/expressions/numeric.js';
import { booleanOf, type Value, valueFromKey } from '../sparql/expressions/values.js';
import { XSD_BOOLEAN } from './vocabulary.js';

/**
 * Returns true when the literal's lexical form is valid for its datatype. Numerics, booleans,
 * xsd:date and xsd:dateTime are checked, rdf:langString needs a language tag, and xsd:string
 * must have none.
 * NOTE: other XSD datatypes (xsd:time, xsd:gYear, xsd:anyURI, ...) are accepted unchecked.
 */
export function isWellFormed(literal: Value): boolean {
  const datatype = literal.datatype;
  if (datatype === RDF_LANG_STRING) return literal.language !== '';
  if (datatype === XSD_STRING) return literal.language === '';
  if (!datatype.startsWith(XSD)) return true;
  if (isNumericDatatype(datatype)) return parseNumeric(literal.value, datatype) !== null;
  if (datatype === XSD_BOOLEAN) return booleanOf(literal) !== null;
  if (datatype === `${XSD}dateTime` || datatype === `${XSD}date`) {
    return parseDateTime(literal.value, datatype) !== null;
  }
  return true;
}

/** Reads a non-negative integer parameter such as sh:minCount. Throws for any other value. */
export function integerParameter(key: string, name: string): number {
  const literal = valueFromKey(key);
  const numeric = literal.kind === 'Literal' ? parseNumeric(literal.value, literal.datatype) : null;
  const n = numeric === null ? NaN : toDouble(numeric);
  if (!Number.isInteger(n) || n < 0) {
    throw new InvalidArgumentError(
      `Invalid shapes graph: ${name} must be a non-negative integer, got ${key}`,
    );
  }
  return n;
}

const TRUE_KEY = `"true"^^${XSD_BOOLEAN}`;

/**
 * Returns true when a boolean parameter such as sh:closed is the literal "true"^^xsd:boolean.
 * SHACL activates these parameters only for the value true, so "1"^^xsd:boolean, which has
 * the same value but another lexical form, leaves them off, as the W3C test uniqueLang-002
 * expects.
 */
export function isTrueParameter(key: string): boolean {
  return key === TRUE_KEY;
}
