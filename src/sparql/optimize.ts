/**
 * Algebra rewrites that keep results identical: FILTERs move down to the operand that
 * certainly binds every variable they read, and into BGPs, where the planner runs them right
 * after the pattern that binds their last variable.
 */
import {
  certainSlots,
  expressionSlots,
  SEED_ISOLATED,
  type Expression,
  type Operator,
} from './algebra.js';

/** Returns an equivalent operator tree with filters pushed down as far as they safely go. */
export function pushDownFilters(op: Operator): Operator {
  const result = pushDown(op);
  // The copy of a subquery's root must run isolated from seeds as the original would.
  const keptSlots = SEED_ISOLATED.get(op);
  if (result !== op && keptSlots !== undefined) SEED_ISOLATED.set(result, keptSlots);
  return result;
}

function pushDown(op: Operator): Operator {
  switch (op.type) {
    case 'filter':
      return placeFilter(op.expression, pushDownFilters(op.input));
    case 'join':
      return { ...op, left: pushDownFilters(op.left), right: pushDownFilters(op.right) };
    case 'leftjoin':
      return { ...op, left: pushDownFilters(op.left), right: pushDownFilters(op.right) };
    case 'union':
    case 'minus':
      return { ...op, left: pushDownFilters(op.left), right: pushDownFilters(op.right) };
    case 'graph':
    case 'extend':
    case 'orderby':
    case 'project':
    case 'distinct':
    case 'slice':
    case 'group':
      return { ...op, input: pushDownFilters(op.input) } as Operator;
    case 'bgp':
    case 'values':
    case 'path':
      return op;
  }
}

/**
 * Places one filter over `op`. Filter(e, Join(A, B)) equals Join(Filter(e, A), B) when A binds
 * every variable of e in all its solutions, because e then reads only A's values. The same is
 * true for the left side of a LeftJoin.
 */
function placeFilter(expression: Expression, op: Operator): Operator {
  // FILTER(a && b) keeps exactly the solutions that FILTER(a) FILTER(b) keeps, since an error
  // in either rejects the solution both ways, so the conjuncts are placed one by one.
  if (expression.type === 'call' && expression.name === '&&') {
    return placeFilter(expression.args[1]!, placeFilter(expression.args[0]!, op));
  }
  const needed = expressionSlots(expression);
  const covers = (candidate: Operator): boolean => {
    const certain = certainSlots(candidate);
    for (const slot of needed) if (!certain.has(slot)) return false;
    return true;
  };
  if (op.type === 'bgp' && covers(op)) return { ...op, filters: [...op.filters, expression] };
  if (op.type === 'join') {
    if (covers(op.left)) return { ...op, left: placeFilter(expression, op.left) };
    if (covers(op.right)) return { ...op, right: placeFilter(expression, op.right) };
  }
  if (op.type === 'leftjoin' && covers(op.left))
    return { ...op, left: placeFilter(expression, op.left) };
  return { type: 'filter', expression, input: op };
}
