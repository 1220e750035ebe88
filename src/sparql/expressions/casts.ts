/**
 * XSD constructor functions (casts), following the SPARQL 1.1 cast table (section 17.5):
 * xsd:string, xsd:boolean, xsd:integer, xsd:decimal, xsd:float, xsd:double, xsd:dateTime.
 */
import { ExpressionError } from '../../errors.js';
import { XSD, XSD_STRING } from '../../rdf/terms.js';
import {
  formatNumeric,
  formatNumericAsString,
  integerNumeric,
  parseNumeric,
  toDecimal,
  toDouble,
  toFloating,
  truncateToInteger,
  XSD_DECIMAL,
  XSD_DOUBLE,
  XSD_FLOAT,
  XSD_INTEGER,
  type NumericValue,
} from './numeric.js';
import {
  booleanOf,
  booleanValue,
  dateTimeOf,
  isSimpleString,
  literalValue,
  numericOf,
  type Value,
  XSD_BOOLEAN,
  XSD_DATETIME,
} from './values.js';

export const CAST_DATATYPES: ReadonlySet<string> = new Set([
  XSD_STRING,
  XSD_BOOLEAN,
  XSD_INTEGER,
  XSD_DECIMAL,
  XSD_FLOAT,
  XSD_DOUBLE,
  XSD_DATETIME,
]);

function fail(v: Value, datatype: string): never {
  throw new ExpressionError(`Cannot cast ${v.key} to ${datatype.replace(XSD, 'xsd:')}`);
}

/** Casts a value to one of CAST_DATATYPES; throws ExpressionError when the cast is invalid. */
export function castValue(v: Value, datatype: string): Value {
  if (v.kind === 'BlankNode') fail(v, datatype);
  if (v.kind === 'NamedNode') {
    if (datatype === XSD_STRING) return literalValue(v.value, XSD_STRING);
    fail(v, datatype);
  }
  if (datatype === XSD_STRING) return literalValue(canonicalLexical(v), XSD_STRING);
  if (datatype === XSD_BOOLEAN) return castToBoolean(v);
  if (datatype === XSD_DATETIME) {
    if (
      (isSimpleString(v) || v.datatype === XSD_DATETIME) &&
      dateTimeOf(literalValue(v.value.trim(), XSD_DATETIME))
    ) {
      return literalValue(v.value.trim(), XSD_DATETIME);
    }
    fail(v, datatype);
  }
  const n = castToNumeric(v, datatype);
  return literalValue(formatNumeric(n), datatype);
}

/** Returns the canonical lexical form of valid numerics and booleans, else the lexical form. */
function canonicalLexical(v: Value): string {
  const n = numericOf(v);
  if (n !== null) return formatNumericAsString(n);
  const b = booleanOf(v);
  if (b !== null) return String(b);
  return v.value;
}

function castToBoolean(v: Value): Value {
  const b = booleanOf(v);
  if (b !== null) return booleanValue(b);
  const n = numericOf(v);
  if (n !== null) {
    const d = toDouble(n);
    return booleanValue(!(d === 0 || Number.isNaN(d)));
  }
  if (isSimpleString(v)) {
    const text = v.value.trim();
    if (text === 'true' || text === '1') return booleanValue(true);
    if (text === 'false' || text === '0') return booleanValue(false);
  }
  fail(v, XSD_BOOLEAN);
}

function castToNumeric(v: Value, datatype: string): NumericValue {
  let source = numericOf(v);
  if (source === null) {
    const b = booleanOf(v);
    if (b !== null) source = integerNumeric(b ? 1n : 0n);
  }
  if (source === null) {
    if (!isSimpleString(v)) fail(v, datatype);
    const parsed = parseNumeric(v.value, datatype);
    if (parsed === null) fail(v, datatype);
    return parsed;
  }
  if (datatype === XSD_INTEGER) return truncateToInteger(source);
  if (datatype === XSD_DECIMAL) return toDecimal(source);
  return toFloating(source, datatype === XSD_FLOAT ? 2 : 3);
}
