/**
 * SPARQL's comparison operators and effective boolean value, with the type errors the
 * specification prescribes (section 17.3 operator mapping, 17.4.1.7 RDFterm-equal).
 */
import { ExpressionError } from '../../errors.js';
import { compareNumeric, isNumericDatatype, toDouble } from './numeric.js';
import {
  booleanOf,
  compareCodePoints,
  compareDateTimes,
  dateTimeOf,
  isSimpleString,
  numericOf,
  type Value,
  XSD_BOOLEAN,
} from './values.js';

/**
 * Evaluates `=`: value equality for numerics, strings, booleans, dates and dateTimes, false
 * for valid literals of two different such types, and otherwise RDFterm-equal, which throws
 * ExpressionError for two different literals.
 */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a.kind !== 'Literal' || b.kind !== 'Literal') return a.key === b.key;
  if (a.key === b.key) return true;
  const x = numericOf(a);
  const y = numericOf(b);
  if (x !== null && y !== null) return compareNumeric(x, y) === 0;
  if (isSimpleString(a) && isSimpleString(b)) return a.value === b.value;
  // A language-tagged literal equals only the same lexical form with the same tag. Against
  // any other literal the result is false, not an error, as the W3C test open-eq-10 expects.
  if (a.language !== '' || b.language !== '') {
    return a.value === b.value && a.language === b.language;
  }
  const p = booleanOf(a);
  const q = booleanOf(b);
  if (p !== null && q !== null) return p === q;
  const s = dateTimeOf(a);
  const t = dateTimeOf(b);
  if (s !== null && t !== null && s.datatype === t.datatype) return compareDateTimes(s, t) === 0;
  // Two valid literals of different understood types have different values.
  if (understoodType(a) !== undefined && understoodType(b) !== undefined) return false;
  throw new ExpressionError(`Cannot compare ${a.key} and ${b.key} for equality`);
}

/** Returns the value space of a valid literal whose datatype the evaluator implements. */
function understoodType(v: Value): string | undefined {
  if (numericOf(v) !== null) return 'numeric';
  if (isSimpleString(v)) return 'string';
  if (booleanOf(v) !== null) return 'boolean';
  return dateTimeOf(v)?.datatype;
}

/**
 * The `<`, `>`, `<=`, `>=` operators: returns -1, 0 or 1, and throws ExpressionError for
 * operands without a SPARQL ordering (IRIs, blank nodes, mixed types, NaN).
 */
export function compareValues(a: Value, b: Value): number {
  if (a.kind === 'Literal' && b.kind === 'Literal') {
    const x = numericOf(a);
    const y = numericOf(b);
    if (x !== null && y !== null) {
      const order = compareNumeric(x, y);
      if (Number.isNaN(order)) throw new ExpressionError('Comparison with NaN');
      return order;
    }
    if (isSimpleString(a) && isSimpleString(b)) return compareCodePoints(a.value, b.value);
    const p = booleanOf(a);
    const q = booleanOf(b);
    if (p !== null && q !== null) return Number(p) - Number(q);
    const s = dateTimeOf(a);
    const t = dateTimeOf(b);
    if (s !== null && t !== null) return compareDateTimes(s, t);
  }
  throw new ExpressionError(`Cannot order ${a.key} and ${b.key}`);
}

/** Effective boolean value (SPARQL 1.1 section 17.2.2); throws for terms that have none. */
export function effectiveBooleanValue(v: Value): boolean {
  if (v.kind === 'Literal') {
    if (v.datatype === XSD_BOOLEAN) return booleanOf(v) === true;
    if (isSimpleString(v) || v.language !== '') return v.value.length > 0;
    const n = numericOf(v);
    if (n !== null) {
      const d = toDouble(n);
      return !(d === 0 || Number.isNaN(d));
    }
    // An ill-typed numeric literal such as "x"^^xsd:integer has EBV false, not an error.
    if (isNumericDatatype(v.datatype)) return false;
  }
  throw new ExpressionError(`No effective boolean value for ${v.key}`);
}
