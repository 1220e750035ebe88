/**
 * Evaluates algebra expressions over a solution of term ids. Errors are ExpressionError,
 * which FILTER turns into false and projection into an unbound value.
 */
import { ExpressionError } from '../../errors.js';
import { RDF_LANG_STRING, XSD_STRING } from '../../rdf/terms.js';
import type { TermId } from '../../store/types.js';
import type { Expression, Operator } from '../algebra.js';
import { UNBOUND, type Solution } from '../context.js';
import { castValue } from './casts.js';
import {
  arithmetic,
  datatypeOfRank,
  formatNumeric,
  integerNumeric,
  negate,
  roundNumeric,
  type ArithmeticOperator,
  type NumericValue,
} from './numeric.js';
import { compareValues, effectiveBooleanValue, valuesEqual } from './operators.js';
import {
  codePointLength,
  concat,
  langMatches,
  type RegexCache,
  requireCompatible,
  requireString,
  sameKindString,
  substring,
} from './strings.js';
import {
  booleanValue,
  iriValue,
  isSimpleString,
  isStringLiteral,
  literalValue,
  numericOf,
  type Value,
} from './values.js';

/** The query state that expression evaluation reads. */
export interface ExpressionEnvironment {
  /** Returns the Value of a bound term id. */
  valueOf(id: TermId): Value;
  /** Returns true when `pattern` has a solution with the values of `solution` bound. */
  exists(pattern: Operator, solution: Solution): boolean;
  readonly regexCache: RegexCache;
}

/**
 * Function and operator names the evaluator implements, as sparqljs spells them.
 * The translator rejects every other name with UnsupportedFeatureError before evaluation.
 */
export const SUPPORTED_OPERATORS: ReadonlySet<string> = new Set([
  '||',
  '&&',
  '!',
  '=',
  '!=',
  '<',
  '>',
  '<=',
  '>=',
  '+',
  '-',
  '*',
  '/',
  'UMINUS',
  'UPLUS',
  'in',
  'notin',
  'bound',
  'isiri',
  'isuri',
  'isblank',
  'isliteral',
  'isnumeric',
  'str',
  'lang',
  'datatype',
  'langmatches',
  'sameterm',
  'regex',
  'contains',
  'strstarts',
  'strends',
  'strlen',
  'ucase',
  'lcase',
  'concat',
  'substr',
  'if',
  'coalesce',
  'abs',
  'ceil',
  'floor',
  'round',
]);

/** Returns the FILTER outcome: the effective boolean value, false on any expression error. */
export function filterAccepts(
  expression: Expression,
  solution: Solution,
  env: ExpressionEnvironment,
): boolean {
  try {
    return effectiveBooleanValue(evaluateExpression(expression, solution, env));
  } catch (error) {
    if (error instanceof ExpressionError) return false;
    throw error;
  }
}

/** Returns the value of an expression or throws ExpressionError. */
export function evaluateExpression(
  expression: Expression,
  solution: Solution,
  env: ExpressionEnvironment,
): Value {
  switch (expression.type) {
    case 'constant':
      return expression.value;
    case 'variable': {
      const id = solution[expression.slot]!;
      if (id === UNBOUND) throw new ExpressionError('Unbound variable');
      return env.valueOf(id);
    }
    case 'cast':
      return castValue(evaluateExpression(expression.arg, solution, env), expression.datatype);
    case 'call':
      return evaluateCall(expression.name, expression.args, solution, env);
    case 'exists':
      return booleanValue(env.exists(expression.pattern, solution) !== expression.negated);
  }
}

function ebvOf(expression: Expression, solution: Solution, env: ExpressionEnvironment): boolean {
  return effectiveBooleanValue(evaluateExpression(expression, solution, env));
}

/** Evaluates a boolean operand, returning the ExpressionError instead of throwing it. */
function tryEbv(
  expression: Expression,
  solution: Solution,
  env: ExpressionEnvironment,
): boolean | ExpressionError {
  try {
    return ebvOf(expression, solution, env);
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw error;
  }
}

function numericArg(v: Value, fn: string): NumericValue {
  const n = numericOf(v);
  if (n === null) throw new ExpressionError(`${fn} expects a number, got ${v.key}`);
  return n;
}

function numericResult(n: NumericValue): Value {
  return literalValue(formatNumeric(n), datatypeOfRank(n.rank));
}

/** IN: true if any member equals; else an error if any comparison failed; else false. */
function evaluateIn(
  args: readonly Expression[],
  solution: Solution,
  env: ExpressionEnvironment,
): boolean {
  const needle = evaluateExpression(args[0]!, solution, env);
  let failure: ExpressionError | undefined;
  for (let i = 1; i < args.length; i++) {
    try {
      if (valuesEqual(needle, evaluateExpression(args[i]!, solution, env))) return true;
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      failure = error;
    }
  }
  if (failure !== undefined) throw failure;
  return false;
}

function evaluateCall(
  name: string,
  args: readonly Expression[],
  solution: Solution,
  env: ExpressionEnvironment,
): Value {
  // Operators that must not evaluate every argument first.
  switch (name) {
    case '||': {
      const left = tryEbv(args[0]!, solution, env);
      if (left === true) return booleanValue(true);
      const right = tryEbv(args[1]!, solution, env);
      if (right === true) return booleanValue(true);
      if (left instanceof ExpressionError) throw left;
      if (right instanceof ExpressionError) throw right;
      return booleanValue(false);
    }
    case '&&': {
      const left = tryEbv(args[0]!, solution, env);
      if (left === false) return booleanValue(false);
      const right = tryEbv(args[1]!, solution, env);
      if (right === false) return booleanValue(false);
      if (left instanceof ExpressionError) throw left;
      if (right instanceof ExpressionError) throw right;
      return booleanValue(true);
    }
    case 'bound': {
      const arg = args[0]!;
      if (arg.type !== 'variable') throw new ExpressionError('BOUND expects a variable');
      return booleanValue(solution[arg.slot] !== UNBOUND);
    }
    case 'if':
      return ebvOf(args[0]!, solution, env)
        ? evaluateExpression(args[1]!, solution, env)
        : evaluateExpression(args[2]!, solution, env);
    case 'coalesce':
      for (const arg of args) {
        try {
          return evaluateExpression(arg, solution, env);
        } catch (error) {
          if (!(error instanceof ExpressionError)) throw error;
        }
      }
      throw new ExpressionError('COALESCE: every argument failed');
    case 'in':
      return booleanValue(evaluateIn(args, solution, env));
    case 'notin':
      return booleanValue(!evaluateIn(args, solution, env));
  }
  const values = args.map((arg) => evaluateExpression(arg, solution, env));
  return applyFunction(name, values, env);
}

function applyFunction(name: string, values: Value[], env: ExpressionEnvironment): Value {
  const [a, b, c] = values;
  switch (name) {
    case '!':
      return booleanValue(!effectiveBooleanValue(a!));
    case '=':
      return booleanValue(valuesEqual(a!, b!));
    case '!=':
      return booleanValue(!valuesEqual(a!, b!));
    case '<':
      return booleanValue(compareValues(a!, b!) < 0);
    case '>':
      return booleanValue(compareValues(a!, b!) > 0);
    case '<=':
      return booleanValue(compareValues(a!, b!) <= 0);
    case '>=':
      return booleanValue(compareValues(a!, b!) >= 0);
    case '+':
    case '-':
    case '*':
    case '/':
      return numericResult(
        arithmetic(name as ArithmeticOperator, numericArg(a!, name), numericArg(b!, name)),
      );
    case 'UMINUS':
      return numericResult(negate(numericArg(a!, '-')));
    case 'UPLUS':
      return numericResult(numericArg(a!, '+'));
    case 'isiri':
    case 'isuri':
      return booleanValue(a!.kind === 'NamedNode');
    case 'isblank':
      return booleanValue(a!.kind === 'BlankNode');
    case 'isliteral':
      return booleanValue(a!.kind === 'Literal');
    case 'isnumeric':
      return booleanValue(numericOf(a!) !== null);
    case 'str':
      if (a!.kind === 'BlankNode') throw new ExpressionError('STR of a blank node');
      return literalValue(a!.value, XSD_STRING);
    case 'lang':
      if (a!.kind !== 'Literal') throw new ExpressionError('LANG expects a literal');
      return literalValue(a!.language, XSD_STRING);
    case 'datatype':
      if (a!.kind !== 'Literal') throw new ExpressionError('DATATYPE expects a literal');
      return iriValue(a!.language !== '' ? RDF_LANG_STRING : a!.datatype);
    case 'langmatches':
      return booleanValue(langMatches(a!, b!));
    case 'sameterm':
      return booleanValue(a!.key === b!.key);
    case 'regex': {
      requireString(a!, 'REGEX');
      if (!isSimpleString(b!)) throw new ExpressionError('REGEX pattern must be a simple literal');
      if (c !== undefined && !isSimpleString(c))
        throw new ExpressionError('REGEX flags must be a simple literal');
      return booleanValue(env.regexCache.test(a!.value, b!.value, c?.value ?? ''));
    }
    case 'contains':
      requireCompatible(a!, b!, 'CONTAINS');
      return booleanValue(a!.value.includes(b!.value));
    case 'strstarts':
      requireCompatible(a!, b!, 'STRSTARTS');
      return booleanValue(a!.value.startsWith(b!.value));
    case 'strends':
      requireCompatible(a!, b!, 'STRENDS');
      return booleanValue(a!.value.endsWith(b!.value));
    case 'strlen':
      return numericResult(
        integerNumeric(BigInt(codePointLength(requireString(a!, 'STRLEN').value))),
      );
    case 'ucase':
      return sameKindString(requireString(a!, 'UCASE').value.toUpperCase(), a!);
    case 'lcase':
      return sameKindString(requireString(a!, 'LCASE').value.toLowerCase(), a!);
    case 'concat':
      return concat(values);
    case 'substr':
      requireString(a!, 'SUBSTR');
      return substring(
        a!,
        numericArg(b!, 'SUBSTR'),
        c === undefined ? undefined : numericArg(c, 'SUBSTR'),
      );
    case 'abs':
    case 'ceil':
    case 'floor':
    case 'round':
      return numericResult(roundNumeric(name, numericArg(a!, name.toUpperCase())));
  }
  throw new ExpressionError(`Unknown function ${name}`);
}

/** True when the value is a literal that string functions accept. */
export { isStringLiteral };
