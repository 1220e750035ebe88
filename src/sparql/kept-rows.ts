/**
 * The operators that keep solutions while they run: DISTINCT and REDUCED keep a key per
 * solution they pass on, and ORDER BY keeps every solution to sort them. Each charges what it
 * keeps to the query's memory budget and releases the charge when its stream ends or is closed.
 */
import { ExpressionError } from '../errors.js';
import type { OrderCondition } from './algebra.js';
import { PAUSE, type QueryContext, type Solution, type SolutionStream } from './context.js';
import { evaluateExpression, type ExpressionEnvironment } from './expressions/evaluate.js';
import type { Value } from './expressions/values.js';
import {
  arrayBytes,
  mapEntryBytes,
  MemoryReservation,
  objectBytes,
  POINTER_BYTES,
  solutionBytes,
  stringBytes,
  valueBytes,
} from './memory.js';
import { compareOrderKeys } from './order.js';

/** DISTINCT and REDUCED: the first solution with each combination of `slots` values. */
export function* distinctRows(
  input: SolutionStream,
  slots: readonly number[],
  ctx: QueryContext,
): SolutionStream {
  const seen = new Set<string>();
  const memory = new MemoryReservation(ctx);
  try {
    for (const solution of input) {
      if (solution === PAUSE) {
        yield PAUSE;
        continue;
      }
      let key = '';
      for (const slot of slots) key += `${solution[slot]},`;
      if (seen.has(key)) {
        if (ctx.step()) yield PAUSE;
        continue;
      }
      memory.charge(mapEntryBytes(stringBytes(key)));
      seen.add(key);
      yield solution;
    }
  } finally {
    memory.release();
  }
}

/** ORDER BY: every solution of `input`, sorted by the conditions. */
export function* orderRows(
  input: SolutionStream,
  conditions: readonly OrderCondition[],
  ctx: QueryContext,
  env: ExpressionEnvironment,
): SolutionStream {
  const memory = new MemoryReservation(ctx);
  try {
    yield* sortRows(input, conditions, ctx, env, memory);
  } finally {
    memory.release();
  }
}

/** Collects, sorts and yields the solutions of ORDER BY, charging each kept row to `memory`. */
function* sortRows(
  input: SolutionStream,
  conditions: readonly OrderCondition[],
  ctx: QueryContext,
  env: ExpressionEnvironment,
  memory: MemoryReservation,
): SolutionStream {
  const rows: { solution: Solution; keys: (Value | undefined)[] }[] = [];
  for (const solution of input) {
    if (solution === PAUSE) {
      yield PAUSE;
      continue;
    }
    if (ctx.step()) yield PAUSE;
    const keys = conditions.map((condition) => {
      try {
        return evaluateExpression(condition.expression, solution, env);
      } catch (error) {
        if (error instanceof ExpressionError) return undefined;
        throw error;
      }
    });
    let bytes = POINTER_BYTES + objectBytes(2) + solutionBytes(solution.length);
    bytes += arrayBytes(keys.length);
    for (const key of keys) if (key !== undefined) bytes += valueBytes(key);
    memory.charge(bytes);
    rows.push({ solution, keys });
  }
  // The comparator counts steps too, so a huge sort still notices the deadline.
  rows.sort((a, b) => {
    ctx.step();
    for (let i = 0; i < conditions.length; i++) {
      const order = compareOrderKeys(a.keys[i], b.keys[i]);
      if (order !== 0) return conditions[i]!.descending ? -order : order;
    }
    return 0;
  });
  for (const row of rows) {
    if (ctx.step()) yield PAUSE;
    yield row.solution;
  }
}
