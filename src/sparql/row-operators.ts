/**
 * The operators that pass each input solution on, changed or dropped, without keeping any:
 * FILTER, UNION, GRAPH ?var within one graph, BIND, projection and slicing. Each takes the
 * stream of its input already opened, so the evaluator can return the operator's own generator
 * instead of wrapping it in one more: a solution then resumes one generator per operator.
 */
import { ExpressionError } from '../errors.js';
import type { Expression, Extend, GraphVariable, Slice } from './algebra.js';
import { PAUSE, UNBOUND, type QueryContext, type SolutionStream } from './context.js';
import {
  evaluateExpression,
  filterAccepts,
  type ExpressionEnvironment,
} from './expressions/evaluate.js';

/** FILTER: the solutions for which the expression's effective boolean value is true. */
export function* filterRows(
  input: SolutionStream,
  expression: Expression,
  env: ExpressionEnvironment,
  ctx: QueryContext,
): SolutionStream {
  for (const solution of input) {
    if (solution === PAUSE) yield PAUSE;
    else if (filterAccepts(expression, solution, env)) yield solution;
    else if (ctx.step()) yield PAUSE;
  }
}

/** UNION: the left stream, then the right one, which is opened only when the left ends. */
export function* concatRows(left: SolutionStream, openRight: () => SolutionStream): SolutionStream {
  yield* left;
  yield* openRight();
}

/**
 * GRAPH ?var over an input that may match in any graph: each solution's graph name, which the
 * BGPs bound to the hidden slot, is copied to the variable's slot. A solution whose variable is
 * already bound to another term is dropped.
 */
export function* graphRows(input: SolutionStream, op: GraphVariable): SolutionStream {
  for (const solution of input) {
    if (solution === PAUSE) {
      yield PAUSE;
      continue;
    }
    const graph = solution[op.hiddenSlot]!;
    if (graph === UNBOUND) throw new Error('GRAPH evaluation left the graph name unbound');
    const current = solution[op.slot]!;
    if (current === UNBOUND) solution[op.slot] = graph;
    else if (current !== graph) continue;
    yield solution;
  }
}

/** BIND: each solution with the expression's value in the slot, or the slot unbound on error. */
export function* extendRows(
  input: SolutionStream,
  op: Extend,
  env: ExpressionEnvironment,
  ctx: QueryContext,
): SolutionStream {
  for (const solution of input) {
    if (solution !== PAUSE) {
      let id = UNBOUND;
      try {
        id = ctx.idOf(evaluateExpression(op.expression, solution, env).key);
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error;
      }
      // Only inside EXISTS can the outer solution have bound the slot already. The BIND
      // then keeps the solution when both values agree, as a join would.
      const current = solution[op.slot]!;
      if (current === UNBOUND) solution[op.slot] = id;
      else if (id !== UNBOUND && id !== current) {
        if (ctx.step()) yield PAUSE;
        continue;
      }
    }
    yield solution;
  }
}

/** Projection: each solution with every slot outside `slots` unbound. */
export function* projectRows(input: SolutionStream, slots: readonly number[]): SolutionStream {
  const keep = new Set(slots);
  for (const solution of input) {
    if (solution !== PAUSE) {
      for (let slot = 0; slot < solution.length; slot++) {
        if (!keep.has(slot)) solution[slot] = UNBOUND;
      }
    }
    yield solution;
  }
}

/** OFFSET and LIMIT. The input is not read past the last solution kept. */
export function* sliceRows(input: SolutionStream, op: Slice, ctx: QueryContext): SolutionStream {
  if (op.limit <= 0) return;
  let skipped = 0;
  let emitted = 0;
  for (const solution of input) {
    if (solution === PAUSE) {
      yield PAUSE;
      continue;
    }
    if (skipped < op.offset) {
      skipped++;
      if (ctx.step()) yield PAUSE;
      continue;
    }
    yield solution;
    if (++emitted >= op.limit) return;
  }
}
