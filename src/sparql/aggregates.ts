/**
 * Evaluation of Group and Aggregation (SPARQL 1.1 sections 11 and 18.5). The input is hashed
 * into groups by the ids of its key values, and each group keeps one accumulator per
 * aggregate. Memory therefore grows with the number of groups, not of solutions, except that
 * DISTINCT aggregates also keep the distinct values they have seen and GROUP_CONCAT keeps its
 * parts. All of it is charged to the query's memory budget.
 */
import { ExpressionError, LimitExceededError } from '../errors.js';
import { XSD_STRING } from '../rdf/terms.js';
import type { Aggregate, Expression, Group } from './algebra.js';
import {
  PAUSE,
  UNBOUND,
  type QueryContext,
  type Solution,
  type SolutionStream,
} from './context.js';
import { evaluateExpression, type ExpressionEnvironment } from './expressions/evaluate.js';
import {
  arithmetic,
  datatypeOfRank,
  formatNumeric,
  integerNumeric,
  type NumericValue,
} from './expressions/numeric.js';
import { literalValue, numericOf, type Value } from './expressions/values.js';
import {
  arrayBytes,
  mapEntryBytes,
  MemoryReservation,
  objectBytes,
  POINTER_BYTES,
  stringBytes,
} from './memory.js';
import { compareOrderKeys } from './order.js';

/**
 * Running state of one aggregate over one group. `add` takes the argument's value, or
 * undefined when the argument is unbound or raised an error, and returns the estimated bytes
 * the accumulator newly keeps beyond its fixed size (ACCUMULATOR_BYTES).
 */
interface Accumulator {
  add(value: Value | undefined): number;
  /** Returns the aggregate's value, or undefined when it is an error (the slot stays unbound). */
  result(): Value | undefined;
}

class CountAccumulator implements Accumulator {
  private count = 0n;

  add(value: Value | undefined): number {
    if (value !== undefined) this.count++;
    return 0;
  }

  result(): Value {
    return numericLiteral(integerNumeric(this.count));
  }
}

/**
 * SUM, and AVG as SUM divided by the count. Any non-numeric value, error or unbound value
 * makes the result an error.
 * NOTE: skipping unbound values instead would also be a defensible reading of the spec.
 */
class SumAccumulator implements Accumulator {
  private sum: NumericValue | undefined = integerNumeric(0n);
  private count = 0n;

  constructor(private readonly average: boolean) {}

  add(value: Value | undefined): number {
    if (this.sum === undefined) return 0;
    const number = value === undefined ? null : numericOf(value);
    if (number === null) {
      this.sum = undefined;
      return 0;
    }
    this.sum = arithmetic('+', this.sum, number);
    this.count++;
    return 0;
  }

  result(): Value | undefined {
    if (this.sum === undefined) return undefined;
    if (!this.average) return numericLiteral(this.sum);
    if (this.count === 0n) return numericLiteral(integerNumeric(0n));
    // Integer and decimal sums divide to an exact xsd:decimal, float and double stay floating.
    return numericLiteral(arithmetic('/', this.sum, integerNumeric(this.count)));
  }
}

/**
 * MIN and MAX in the ORDER BY ordering, across types. Unbound values and errors are skipped,
 * so MIN of nothing but errors is unbound.
 */
class ExtremeAccumulator implements Accumulator {
  private best: Value | undefined;

  constructor(private readonly sign: 1 | -1) {}

  add(value: Value | undefined): number {
    if (value === undefined) return 0;
    if (this.best === undefined || this.sign * compareOrderKeys(value, this.best) < 0)
      this.best = value;
    return 0;
  }

  result(): Value | undefined {
    return this.best;
  }
}

class SampleAccumulator implements Accumulator {
  private sample: Value | undefined;

  add(value: Value | undefined): number {
    if (this.sample === undefined) this.sample = value;
    return 0;
  }

  result(): Value | undefined {
    return this.sample;
  }
}

/**
 * GROUP_CONCAT of the lexical forms of literals, always a simple literal: language tags are
 * dropped even when all values share one, as the W3C tests agg-groupconcat-04 and -06 require.
 * An IRI, a blank node, an unbound value or an error makes the aggregate an error.
 */
class ConcatAccumulator implements Accumulator {
  private parts: string[] | undefined = [];

  constructor(private readonly separator: string) {}

  add(value: Value | undefined): number {
    if (this.parts === undefined) return 0;
    if (value === undefined || value.kind !== 'Literal') {
      this.parts = undefined;
      return 0;
    }
    this.parts.push(value.value);
    return POINTER_BYTES + stringBytes(value.value);
  }

  result(): Value | undefined {
    if (this.parts === undefined) return undefined;
    return literalValue(this.parts.join(this.separator), XSD_STRING);
  }
}

function numericLiteral(number: NumericValue): Value {
  return literalValue(formatNumeric(number), datatypeOfRank(number.rank));
}

function newAccumulator(aggregate: Aggregate): Accumulator {
  switch (aggregate.name) {
    case 'count':
      return new CountAccumulator();
    case 'sum':
      return new SumAccumulator(false);
    case 'avg':
      return new SumAccumulator(true);
    case 'min':
      return new ExtremeAccumulator(1);
    case 'max':
      return new ExtremeAccumulator(-1);
    case 'sample':
      return new SampleAccumulator();
    case 'group_concat':
      return new ConcatAccumulator(aggregate.separator);
  }
}

/** The state of one group: its key ids and, per aggregate, the accumulator and DISTINCT set. */
interface GroupState {
  readonly keyIds: readonly number[];
  readonly accumulators: Accumulator[];
  readonly seen: (Set<string> | undefined)[];
}

/**
 * Estimated fixed size of one accumulator: its object with a few fields. The one value that
 * MIN, MAX and SAMPLE keep is not counted, because it is usually shared with the value cache.
 */
const ACCUMULATOR_BYTES = objectBytes(3);

/** Returns the estimated size of a new group's state and its entry in the group table. */
function groupBytes(groupKey: string, keyCount: number, aggregates: readonly Aggregate[]): number {
  let bytes = objectBytes(3) + arrayBytes(keyCount) + 2 * arrayBytes(aggregates.length);
  for (const aggregate of aggregates) {
    bytes += ACCUMULATOR_BYTES;
    // An empty Set for the DISTINCT values.
    if (aggregate.distinct) bytes += objectBytes(4);
  }
  return mapEntryBytes(stringBytes(groupKey), bytes);
}

/** Marker of COUNT(*) values: any non-undefined Value makes the count advance. */
const SOLUTION_PRESENT: Value = literalValue('', XSD_STRING);

/**
 * Evaluates a Group over the solutions of `input`. Yields one solution per group, in the order
 * the groups first appeared; throws LimitExceededError past `ctx.maxGroups` groups.
 */
export function* evaluateGroup(
  op: Group,
  input: SolutionStream,
  ctx: QueryContext,
  env: ExpressionEnvironment,
): SolutionStream {
  const memory = new MemoryReservation(ctx);
  try {
    yield* groupSolutions(op, input, ctx, env, memory);
  } finally {
    memory.release();
  }
}

function* groupSolutions(
  op: Group,
  input: SolutionStream,
  ctx: QueryContext,
  env: ExpressionEnvironment,
  memory: MemoryReservation,
): SolutionStream {
  const maxGroups = ctx.maxGroups;
  const groups = new Map<string, GroupState>();
  const startGroup = (keyIds: number[]): GroupState => ({
    keyIds,
    accumulators: op.aggregates.map(newAccumulator),
    seen: op.aggregates.map((aggregate) => (aggregate.distinct ? new Set<string>() : undefined)),
  });

  for (const solution of input) {
    if (solution === PAUSE) {
      yield PAUSE;
      continue;
    }
    if (ctx.step()) yield PAUSE;
    const keyIds = op.keys.map((key) => keyIdOf(key.expression, solution, ctx, env));
    const groupKey = keyIds.join(',');
    let state = groups.get(groupKey);
    if (state === undefined) {
      if (groups.size >= maxGroups)
        throw new LimitExceededError('GROUP BY groups', maxGroups, 'maxGroups');
      memory.charge(groupBytes(groupKey, keyIds.length, op.aggregates));
      state = startGroup(keyIds);
      groups.set(groupKey, state);
    }
    for (let i = 0; i < op.aggregates.length; i++) {
      const aggregate = op.aggregates[i]!;
      const { value, distinctKey } = argumentOf(aggregate, solution, env);
      const seen = state.seen[i];
      if (seen !== undefined && distinctKey !== undefined) {
        if (seen.has(distinctKey)) continue;
        memory.charge(mapEntryBytes(stringBytes(distinctKey)));
        seen.add(distinctKey);
      }
      memory.charge(state.accumulators[i]!.add(value));
    }
  }

  // Without GROUP BY, an empty input still forms one group (COUNT(*) of nothing is 0).
  if (groups.size === 0 && op.keys.length === 0) groups.set('', startGroup([]));

  for (const state of groups.values()) {
    if (ctx.step()) yield PAUSE;
    const out = ctx.emptySolution();
    op.keys.forEach((key, i) => {
      out[key.slot] = state.keyIds[i]!;
    });
    op.aggregates.forEach((aggregate, i) => {
      const value = state.accumulators[i]!.result();
      out[aggregate.slot] = value === undefined ? UNBOUND : ctx.idOf(value.key);
    });
    yield out;
  }
}

/** Returns the term id of a key's value, or UNBOUND when it is unbound or an error. */
function keyIdOf(
  expression: Expression,
  solution: Solution,
  ctx: QueryContext,
  env: ExpressionEnvironment,
): number {
  if (expression.type === 'variable') return solution[expression.slot]!;
  try {
    return ctx.idOf(evaluateExpression(expression, solution, env).key);
  } catch (error) {
    if (error instanceof ExpressionError) return UNBOUND;
    throw error;
  }
}

/**
 * Returns an aggregate's argument for one solution and the key DISTINCT compares: the term
 * key of the value, or for COUNT(*) the ids of the variables in scope. Errors and unbound
 * values are undefined and never enter a DISTINCT set.
 */
function argumentOf(
  aggregate: Aggregate,
  solution: Solution,
  env: ExpressionEnvironment,
): { value: Value | undefined; distinctKey: string | undefined } {
  if (aggregate.expression === undefined) {
    let key = '';
    if (aggregate.distinct) for (const slot of aggregate.solutionSlots) key += `${solution[slot]},`;
    return { value: SOLUTION_PRESENT, distinctKey: key };
  }
  try {
    const value = evaluateExpression(aggregate.expression, solution, env);
    return { value, distinctKey: value.key };
  } catch (error) {
    if (error instanceof ExpressionError) return { value: undefined, distinctKey: undefined };
    throw error;
  }
}
