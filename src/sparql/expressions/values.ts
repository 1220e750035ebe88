/**
 * Values of SPARQL expressions: RDF terms parsed from their keys, with the typed views
 * (number, boolean, dateTime) that operators need computed on demand.
 */
import { RDF_LANG_STRING, XSD, XSD_STRING } from '../../rdf/terms.js';
import { compareNumbers, type NumericValue, parseNumeric } from './numeric.js';

export const XSD_BOOLEAN = `${XSD}boolean`;
export const XSD_DATETIME = `${XSD}dateTime`;
export const XSD_DATE = `${XSD}date`;

export type ValueKind = 'NamedNode' | 'BlankNode' | 'Literal';

/** An RDF term as an expression operand. `value` is the IRI, label or lexical form. */
export interface Value {
  readonly kind: ValueKind;
  readonly value: string;
  /** Language tag in lower case, '' when none. */
  readonly language: string;
  /** Datatype IRI; xsd:string for simple literals, rdf:langString for tagged ones, '' otherwise. */
  readonly datatype: string;
  /** The term key (see rdf/terms.ts). */
  readonly key: string;
  /** Cached numeric view: undefined before the first look, null when not a valid number. */
  numeric?: NumericValue | null;
}

/** Parses a term key into a Value. Keys of literals end at their last double quote. */
export function valueFromKey(key: string): Value {
  if (key.charCodeAt(0) === 0x22) {
    const end = key.lastIndexOf('"');
    const lexical = key.slice(1, end);
    const rest = key.slice(end + 1);
    if (rest.startsWith('@')) {
      return literalValue(lexical, RDF_LANG_STRING, rest.slice(1), key);
    }
    const datatype = rest.startsWith('^^') ? rest.slice(2) : XSD_STRING;
    return literalValue(lexical, datatype, '', key);
  }
  if (key.startsWith('_:')) {
    return { kind: 'BlankNode', value: key.slice(2), language: '', datatype: '', key };
  }
  return { kind: 'NamedNode', value: key, language: '', datatype: '', key };
}

/** Builds a literal Value. The language tag is compared case-insensitively, so it is lowered. */
export function literalValue(
  lexical: string,
  datatype: string,
  language = '',
  key?: string,
): Value {
  const lang = language.toLowerCase();
  let computedKey = key;
  if (computedKey === undefined) {
    if (lang !== '') computedKey = `"${lexical}"@${lang}`;
    else if (datatype === XSD_STRING) computedKey = `"${lexical}"`;
    else computedKey = `"${lexical}"^^${datatype}`;
  }
  return {
    kind: 'Literal',
    value: lexical,
    language: lang,
    datatype: lang !== '' ? RDF_LANG_STRING : datatype,
    key: computedKey,
  };
}

export function iriValue(iri: string): Value {
  return { kind: 'NamedNode', value: iri, language: '', datatype: '', key: iri };
}

export function stringValue(text: string): Value {
  return literalValue(text, XSD_STRING);
}

export const TRUE_VALUE = literalValue('true', XSD_BOOLEAN);
export const FALSE_VALUE = literalValue('false', XSD_BOOLEAN);

export function booleanValue(flag: boolean): Value {
  return flag ? TRUE_VALUE : FALSE_VALUE;
}

/** Returns the numeric view of a literal, or null for non-numeric or ill-typed literals. */
export function numericOf(v: Value): NumericValue | null {
  if (v.numeric === undefined) {
    v.numeric = v.kind === 'Literal' ? parseNumeric(v.value, v.datatype) : null;
  }
  return v.numeric;
}

/** True for simple literals and xsd:string literals (one term since RDF 1.1). */
export function isSimpleString(v: Value): boolean {
  return v.kind === 'Literal' && v.datatype === XSD_STRING;
}

/** True for literals whose value is a string: xsd:string or language-tagged. */
export function isStringLiteral(v: Value): boolean {
  return v.kind === 'Literal' && (v.datatype === XSD_STRING || v.language !== '');
}

/** Returns the boolean of a valid xsd:boolean literal, or null. */
export function booleanOf(v: Value): boolean | null {
  if (v.kind !== 'Literal' || v.datatype !== XSD_BOOLEAN) return null;
  const text = v.value.trim();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  return null;
}

export { compareDateTimes, dateTimeOf, type DateTimeValue } from './datetime.js';

/** Compares two strings by Unicode code point, as SPARQL requires (not by UTF-16 unit). */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (an astral code point) sorts above every BMP unit from U+E000 upward.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return compareNumbers(a.length, b.length);
}
