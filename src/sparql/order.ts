/**
 * The ORDER BY ordering (SPARQL 1.1 section 15.1): unbound < blank nodes < IRIs < literals.
 * Literals are grouped by kind and ordered within a group as the `<` operator orders them.
 * Ties and literals that `<` cannot compare fall back to lexical form, datatype and language,
 * so the order stays total.
 */
import { compareNumbers, compareNumeric } from './expressions/numeric.js';
import {
  booleanOf,
  compareCodePoints,
  dateTimeOf,
  isSimpleString,
  numericOf,
  type Value,
} from './expressions/values.js';

const enum LiteralGroup {
  Numeric,
  String,
  Boolean,
  DateTime,
  LanguageTagged,
  Other,
}

function literalGroup(v: Value): LiteralGroup {
  if (numericOf(v) !== null) return LiteralGroup.Numeric;
  if (isSimpleString(v)) return LiteralGroup.String;
  if (booleanOf(v) !== null) return LiteralGroup.Boolean;
  if (dateTimeOf(v) !== null) return LiteralGroup.DateTime;
  if (v.language !== '') return LiteralGroup.LanguageTagged;
  return LiteralGroup.Other;
}

function kindRank(v: Value | undefined): number {
  if (v === undefined) return 0;
  if (v.kind === 'BlankNode') return 1;
  if (v.kind === 'NamedNode') return 2;
  return 3;
}

/** Compares two ORDER BY keys; undefined is an unbound variable or an expression error. */
export function compareOrderKeys(a: Value | undefined, b: Value | undefined): number {
  const rankA = kindRank(a);
  const rankB = kindRank(b);
  if (rankA !== rankB) return rankA - rankB;
  if (a === undefined || b === undefined) return 0;
  if (a.kind !== 'Literal') return compareCodePoints(a.value, b.value);
  const groupA = literalGroup(a);
  const groupB = literalGroup(b);
  if (groupA !== groupB) return groupA - groupB;
  const byValue = compareWithinGroup(groupA, a, b);
  if (byValue !== 0) return byValue;
  return (
    compareCodePoints(a.value, b.value) ||
    compareCodePoints(a.datatype, b.datatype) ||
    compareCodePoints(a.language, b.language)
  );
}

function compareWithinGroup(group: LiteralGroup, a: Value, b: Value): number {
  switch (group) {
    case LiteralGroup.Numeric: {
      const order = compareNumeric(numericOf(a)!, numericOf(b)!);
      if (!Number.isNaN(order)) return order;
      // NaN sorts below every number so that the order stays total.
      const aNaN = Number.isNaN(compareNumeric(numericOf(a)!, numericOf(a)!));
      const bNaN = Number.isNaN(compareNumeric(numericOf(b)!, numericOf(b)!));
      if (aNaN === bNaN) return 0;
      return aNaN ? -1 : 1;
    }
    case LiteralGroup.String:
      return compareCodePoints(a.value, b.value);
    case LiteralGroup.Boolean:
      return Number(booleanOf(a)) - Number(booleanOf(b));
    case LiteralGroup.DateTime: {
      // Zoneless values are read as UTC here; the `<` operator would call some pairs indeterminate.
      const x = dateTimeOf(a)!;
      const y = dateTimeOf(b)!;
      if (x.datatype !== y.datatype) return compareCodePoints(x.datatype, y.datatype);
      return compareNumbers(x.epochMs, y.epochMs);
    }
    case LiteralGroup.LanguageTagged:
      return compareCodePoints(a.value, b.value) || compareCodePoints(a.language, b.language);
    case LiteralGroup.Other:
      return 0;
  }
}
