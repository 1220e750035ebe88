/**
 * The table of SPARQL 1.1 built-in functions (section 17.4) whose arguments are all
 * evaluated before the call, by the names sparqljs gives them. IF, COALESCE, BOUND, IN and
 * the logical operators need lazy arguments and stay in evaluate.ts.
 */
import { ExpressionError } from '../../errors.js';
import { RDF_LANG_STRING, XSD_STRING } from '../../rdf/terms.js';
import type { Solution } from '../context.js';
import { dateTimeAccessor, type DateTimeAccessor } from './datetime.js';
import { HASH_FUNCTIONS, hashValue } from './hashes.js';
import {
  datatypeOfRank,
  doubleNumeric,
  formatNumeric,
  integerNumeric,
  roundNumeric,
  type NumericValue,
  type RoundingFunction,
} from './numeric.js';
import type { RegexCache } from './regex.js';
import {
  codePointLength,
  concat,
  encodeForUri,
  langMatches,
  requireCompatible,
  requireString,
  sameKindString,
  strBeforeOrAfter,
  substring,
} from './strings.js';
import { blankNode, iriFunction, now, strDt, strLang, strUuid, uuid } from './terms.js';
import {
  booleanValue,
  iriValue,
  isSimpleString,
  literalValue,
  numericOf,
  type Value,
} from './values.js';

/** Inputs of a built-in function call besides its arguments. */
export interface CallContext {
  /** The query execution's expression environment; it keys per-execution state. */
  readonly environment: object;
  readonly solution: Solution;
  readonly regexCache: RegexCache;
}

export type BuiltinFunction = (args: readonly Value[], call: CallContext) => Value;

export function numericArgument(v: Value, fn: string): NumericValue {
  const n = numericOf(v);
  if (n === null) throw new ExpressionError(`${fn} expects a number, got ${v.key}`);
  return n;
}

export function numericResult(n: NumericValue): Value {
  return literalValue(formatNumeric(n), datatypeOfRank(n.rank));
}

function simpleStringArgument(v: Value | undefined, role: string): string {
  if (v === undefined) return '';
  if (!isSimpleString(v))
    throw new ExpressionError(`${role} must be a simple literal, got ${v.key}`);
  return v.value;
}

const table = new Map<string, BuiltinFunction>([
  ['isiri', ([a]) => booleanValue(a!.kind === 'NamedNode')],
  ['isuri', ([a]) => booleanValue(a!.kind === 'NamedNode')],
  ['isblank', ([a]) => booleanValue(a!.kind === 'BlankNode')],
  ['isliteral', ([a]) => booleanValue(a!.kind === 'Literal')],
  ['isnumeric', ([a]) => booleanValue(numericOf(a!) !== null)],
  [
    'str',
    ([a]) => {
      if (a!.kind === 'BlankNode') throw new ExpressionError('STR of a blank node');
      return literalValue(a!.value, XSD_STRING);
    },
  ],
  [
    'lang',
    ([a]) => {
      if (a!.kind !== 'Literal') throw new ExpressionError('LANG expects a literal');
      return literalValue(a!.language, XSD_STRING);
    },
  ],
  [
    'datatype',
    ([a]) => {
      if (a!.kind !== 'Literal') throw new ExpressionError('DATATYPE expects a literal');
      return iriValue(a!.language !== '' ? RDF_LANG_STRING : a!.datatype);
    },
  ],
  // The translator appends the query's base IRI as a constant second argument ('' when none).
  ['iri', ([a, base]) => iriFunction(a!, base?.value || undefined)],
  ['uri', ([a, base]) => iriFunction(a!, base?.value || undefined)],
  ['BNODE', ([label], call) => blankNode(call.environment, call.solution, label)],
  ['strdt', ([a, b]) => strDt(a!, b!)],
  ['strlang', ([a, b]) => strLang(a!, b!)],
  ['uuid', () => uuid()],
  ['struuid', () => strUuid()],
  ['sameterm', ([a, b]) => booleanValue(a!.key === b!.key)],
  ['langmatches', ([a, b]) => booleanValue(langMatches(a!, b!))],
  [
    'regex',
    ([text, pattern, flags], call) => {
      requireString(text!, 'REGEX');
      const source = simpleStringArgument(pattern, 'REGEX pattern');
      const options = simpleStringArgument(flags, 'REGEX flags');
      return booleanValue(call.regexCache.test(text!.value, source, options));
    },
  ],
  [
    'replace',
    ([text, pattern, replacement, flags], call) => {
      requireString(text!, 'REPLACE');
      const source = simpleStringArgument(pattern, 'REPLACE pattern');
      const template = simpleStringArgument(replacement, 'REPLACE replacement');
      const options = simpleStringArgument(flags, 'REPLACE flags');
      return sameKindString(call.regexCache.replace(text!.value, source, template, options), text!);
    },
  ],
  [
    'contains',
    ([a, b]) => {
      requireCompatible(a!, b!, 'CONTAINS');
      return booleanValue(a!.value.includes(b!.value));
    },
  ],
  [
    'strstarts',
    ([a, b]) => {
      requireCompatible(a!, b!, 'STRSTARTS');
      return booleanValue(a!.value.startsWith(b!.value));
    },
  ],
  [
    'strends',
    ([a, b]) => {
      requireCompatible(a!, b!, 'STRENDS');
      return booleanValue(a!.value.endsWith(b!.value));
    },
  ],
  ['strbefore', ([a, b]) => strBeforeOrAfter(a!, b!, 'strbefore')],
  ['strafter', ([a, b]) => strBeforeOrAfter(a!, b!, 'strafter')],
  [
    'strlen',
    ([a]) =>
      numericResult(integerNumeric(BigInt(codePointLength(requireString(a!, 'STRLEN').value)))),
  ],
  ['ucase', ([a]) => sameKindString(requireString(a!, 'UCASE').value.toUpperCase(), a!)],
  ['lcase', ([a]) => sameKindString(requireString(a!, 'LCASE').value.toLowerCase(), a!)],
  ['encode_for_uri', ([a]) => encodeForUri(a!)],
  ['concat', (args) => concat(args)],
  [
    'substr',
    ([a, start, length]) => {
      requireString(a!, 'SUBSTR');
      const count = length === undefined ? undefined : numericArgument(length, 'SUBSTR');
      return substring(a!, numericArgument(start!, 'SUBSTR'), count);
    },
  ],
  ['rand', () => numericResult(doubleNumeric(Math.random()))],
  ['now', (_args, call) => now(call.environment)],
]);

for (const fn of ['abs', 'ceil', 'floor', 'round'] as RoundingFunction[]) {
  table.set(fn, ([a]) => numericResult(roundNumeric(fn, numericArgument(a!, fn.toUpperCase()))));
}
for (const fn of HASH_FUNCTIONS) table.set(fn, ([a]) => hashValue(fn, a!));
const accessors: DateTimeAccessor[] = [
  'year',
  'month',
  'day',
  'hours',
  'minutes',
  'seconds',
  'timezone',
  'tz',
];
for (const fn of accessors) table.set(fn, ([a]) => dateTimeAccessor(fn, a!));

export const BUILTIN_FUNCTIONS: ReadonlyMap<string, BuiltinFunction> = table;
