/**
 * Evaluates algebra expressions over a solution of term ids. Errors are ExpressionError,
 * which FILTER turns into false and projection into an unbound value.
 */
import { ExpressionError } from '../../errors.js';
import type { TermId } from '../../store/types.js';
import type { Expression, Operator } from '../algebra.js';
import { UNBOUND, type Solution } from '../context.js';
import { castValue } from './casts.js';
import { BUILTIN_FUNCTIONS, numericArgument, numericResult } from './functions.js';
import { arithmetic, negate, type ArithmeticOperator } from './numeric.js';
import { compareValues, effectiveBooleanValue, valuesEqual } from './operators.js';
import type { RegexCache } from './regex.js';
import { booleanValue, isStringLiteral, type Value } from './values.js';

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
 * Calls of IRI functions the engine does not implement are named `<iri>` and raise
 * ExpressionError in applyFunction.
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
  'if',
  'coalesce',
  ...BUILTIN_FUNCTIONS.keys(),
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
  return applyFunction(name, values, solution, env);
}

function applyFunction(
  name: string,
  values: Value[],
  solution: Solution,
  env: ExpressionEnvironment,
): Value {
  const [a, b] = values;
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
        arithmetic(
          name as ArithmeticOperator,
          numericArgument(a!, name),
          numericArgument(b!, name),
        ),
      );
    case 'UMINUS':
      return numericResult(negate(numericArgument(a!, '-')));
    case 'UPLUS':
      return numericResult(numericArgument(a!, '+'));
  }
  const builtin = BUILTIN_FUNCTIONS.get(name);
  if (builtin === undefined) throw new ExpressionError(`Unknown function ${name}`);
  return builtin(values, { environment: env, solution, regexCache: env.regexCache });
}

/** True when the value is a literal that string functions accept. */
export { isStringLiteral };
