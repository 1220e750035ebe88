/**
 * The SPARQL algebra this evaluator runs, with the operator names of the SPARQL 1.1
 * specification (section 18). Variables are numbered slots; constants are term keys.
 */
import type { Value } from './expressions/values.js';

/** A triple pattern position: a variable slot or a constant term key. */
export type PatternTerm = { readonly slot: number } | { readonly key: string };

export interface TriplePattern {
  readonly subject: PatternTerm;
  readonly predicate: PatternTerm;
  readonly object: PatternTerm;
}

/**
 * The graph a BGP matches in: the default graph, one named graph, or any named graph with
 * its name bound to a slot (the hidden slot of the enclosing GRAPH ?var).
 */
export type GraphTarget =
  | { readonly type: 'default' }
  | { readonly type: 'named'; readonly key: string }
  | { readonly type: 'variable'; readonly slot: number };

export type Expression =
  | { readonly type: 'variable'; readonly slot: number }
  | { readonly type: 'constant'; readonly value: Value }
  | { readonly type: 'call'; readonly name: string; readonly args: readonly Expression[] }
  | { readonly type: 'cast'; readonly datatype: string; readonly arg: Expression }
  | {
      readonly type: 'exists';
      readonly pattern: Operator;
      readonly negated: boolean;
      /** Slots of variables the pattern mentions: the EXISTS result depends on their values. */
      readonly slots: readonly number[];
    };

export interface Bgp {
  readonly type: 'bgp';
  readonly patterns: readonly TriplePattern[];
  readonly graph: GraphTarget;
  /** Filters whose variables the BGP binds; the planner runs each as early as possible. */
  readonly filters: readonly Expression[];
}

export interface Join {
  readonly type: 'join';
  readonly left: Operator;
  readonly right: Operator;
}

export interface LeftJoin {
  readonly type: 'leftjoin';
  readonly left: Operator;
  readonly right: Operator;
  /** The FILTER of the OPTIONAL group, evaluated on the merged solution; undefined is true. */
  readonly expression: Expression | undefined;
}

export interface Filter {
  readonly type: 'filter';
  readonly expression: Expression;
  readonly input: Operator;
}

export interface Union {
  readonly type: 'union';
  readonly left: Operator;
  readonly right: Operator;
}

/**
 * GRAPH ?var { input }: the BGPs of `input` bind `hiddenSlot` to the graph name, and this
 * operator copies it to `slot` afterwards, so FILTERs inside the group do not see ?var
 * unless the group itself binds it (the SPARQL algebra joins the name in last).
 */
export interface GraphVariable {
  readonly type: 'graph';
  readonly slot: number;
  readonly hiddenSlot: number;
  readonly input: Operator;
  /**
   * Runs `input` once per named graph with `hiddenSlot` seeded, because it contains a
   * subquery whose aggregates, LIMIT or OFFSET apply per graph.
   */
  readonly perGraph?: boolean;
}

/** Inline data (VALUES): one solution per row; an undefined key is UNDEF (unbound). */
export interface Values {
  readonly type: 'values';
  readonly slots: readonly number[];
  readonly rows: readonly (readonly (string | undefined)[])[];
}

/** Solutions of `left` that no compatible solution of `right` sharing a variable removes. */
export interface Minus {
  readonly type: 'minus';
  readonly left: Operator;
  readonly right: Operator;
  /**
   * Slots of the query's own variables in `right`. Only these count as shared: blank nodes
   * and the hidden GRAPH slots are not variables of the solutions.
   */
  readonly variableSlots: readonly number[];
}

/** Binds `slot` to the value of `expression`, leaving it unbound on an expression error. */
export interface Extend {
  readonly type: 'extend';
  readonly input: Operator;
  readonly slot: number;
  readonly expression: Expression;
}

export interface OrderCondition {
  readonly expression: Expression;
  readonly descending: boolean;
}

export interface OrderBy {
  readonly type: 'orderby';
  readonly input: Operator;
  readonly conditions: readonly OrderCondition[];
}

export interface Project {
  readonly type: 'project';
  readonly input: Operator;
  readonly slots: readonly number[];
}

export interface Distinct {
  readonly type: 'distinct';
  readonly input: Operator;
  /** Slots that identify a solution (the projected ones). */
  readonly slots: readonly number[];
}

export interface Slice {
  readonly type: 'slice';
  readonly input: Operator;
  readonly offset: number;
  /** Maximum number of solutions; Infinity without LIMIT. */
  readonly limit: number;
}

/** An aggregate function call of a Group, computed per group into `slot`. */
export interface Aggregate {
  readonly name: 'count' | 'sum' | 'min' | 'max' | 'avg' | 'sample' | 'group_concat';
  readonly distinct: boolean;
  /** The argument; undefined for COUNT(*). */
  readonly expression: Expression | undefined;
  /** GROUP_CONCAT separator (default one space). */
  readonly separator: string;
  /** COUNT(*): the slots of the variables in scope, which identify a solution for DISTINCT. */
  readonly solutionSlots: readonly number[];
  readonly slot: number;
}

/** One GROUP BY key: the value of `expression`, bound to `slot` in the group's solution. */
export interface GroupKey {
  readonly slot: number;
  readonly expression: Expression;
}

/**
 * Group and Aggregation (SPARQL 1.1 section 18.2.4.1): one solution per group, with only the
 * key slots and the aggregate slots bound. Without keys, all input forms one group, even an
 * empty input.
 */
export interface Group {
  readonly type: 'group';
  readonly input: Operator;
  readonly keys: readonly GroupKey[];
  readonly aggregates: readonly Aggregate[];
}

/**
 * A property path expression (SPARQL 1.1 section 9) with IRIs as term keys. Translation
 * pushes `inverse` down, so it only wraps a link or a negated set.
 */
export type PathExpression =
  | { readonly type: 'link'; readonly key: string }
  | { readonly type: 'inverse'; readonly path: PathExpression }
  | { readonly type: 'sequence'; readonly left: PathExpression; readonly right: PathExpression }
  | { readonly type: 'alternative'; readonly left: PathExpression; readonly right: PathExpression }
  | { readonly type: 'zeroOrMore' | 'oneOrMore' | 'zeroOrOne'; readonly path: PathExpression }
  /** !(iri1|...|irin): one step along any predicate not in `keys`. */
  | { readonly type: 'negatedSet'; readonly keys: readonly string[] };

/** Path(subject, path, object) evaluated in `graph`; see paths.ts for its semantics. */
export interface Path {
  readonly type: 'path';
  readonly subject: PatternTerm;
  readonly path: PathExpression;
  readonly object: PatternTerm;
  readonly graph: GraphTarget;
}

export type Operator =
  | Path
  | Group
  | Bgp
  | Join
  | LeftJoin
  | Filter
  | Union
  | GraphVariable
  | Extend
  | Values
  | Minus
  | OrderBy
  | Project
  | Distinct
  | Slice;

/**
 * Operators that run without the values their caller seeds them with, except the listed
 * slots, and whose solutions then join the full seed. A subquery is evaluated on its own and
 * joined with its context (SPARQL 1.1, section 18.2.1), even where the caller seeds outer
 * values, as EXISTS does; seeding its input would let the subquery's LIMIT, aggregates and
 * projection act on them. Inside GRAPH ?var the graph's hidden slot is kept, so the subquery
 * runs within one named graph at a time (see GraphVariable.perGraph).
 */
export const SEED_ISOLATED = new WeakMap<Operator, readonly number[]>();

/** Returns the slots an expression reads. */
export function expressionSlots(expression: Expression, into = new Set<number>()): Set<number> {
  switch (expression.type) {
    case 'variable':
      into.add(expression.slot);
      break;
    case 'constant':
      break;
    case 'call':
      for (const arg of expression.args) expressionSlots(arg, into);
      break;
    case 'cast':
      expressionSlots(expression.arg, into);
      break;
    case 'exists':
      for (const slot of expression.slots) into.add(slot);
      break;
  }
  return into;
}

/** Returns every slot an operator or its expressions mention. */
export function mentionedSlots(op: Operator, into = new Set<number>()): Set<number> {
  switch (op.type) {
    case 'path':
      return pathSlots(op, into);
    case 'bgp':
      for (const pattern of op.patterns) patternSlots(pattern, into);
      if (op.graph.type === 'variable') into.add(op.graph.slot);
      for (const filter of op.filters) expressionSlots(filter, into);
      return into;
    case 'join':
    case 'union':
    case 'minus':
      mentionedSlots(op.left, into);
      return mentionedSlots(op.right, into);
    case 'leftjoin':
      mentionedSlots(op.left, into);
      mentionedSlots(op.right, into);
      if (op.expression !== undefined) expressionSlots(op.expression, into);
      return into;
    case 'filter':
      expressionSlots(op.expression, into);
      return mentionedSlots(op.input, into);
    case 'graph':
      into.add(op.slot);
      into.add(op.hiddenSlot);
      return mentionedSlots(op.input, into);
    case 'extend':
      into.add(op.slot);
      expressionSlots(op.expression, into);
      return mentionedSlots(op.input, into);
    case 'values':
      for (const slot of op.slots) into.add(slot);
      return into;
    case 'orderby':
      for (const condition of op.conditions) expressionSlots(condition.expression, into);
      return mentionedSlots(op.input, into);
    case 'project':
    case 'distinct':
      for (const slot of op.slots) into.add(slot);
      return mentionedSlots(op.input, into);
    case 'slice':
      return mentionedSlots(op.input, into);
    case 'group':
      for (const key of op.keys) {
        into.add(key.slot);
        expressionSlots(key.expression, into);
      }
      for (const aggregate of op.aggregates) {
        into.add(aggregate.slot);
        if (aggregate.expression !== undefined) expressionSlots(aggregate.expression, into);
      }
      return mentionedSlots(op.input, into);
  }
}

/** Returns the slots a Path operator binds: its variable ends and its GRAPH slot. */
function pathSlots(op: Path, into: Set<number>): Set<number> {
  if ('slot' in op.subject) into.add(op.subject.slot);
  if ('slot' in op.object) into.add(op.object.slot);
  if (op.graph.type === 'variable') into.add(op.graph.slot);
  return into;
}

function patternSlots(pattern: TriplePattern, into: Set<number>): void {
  for (const term of [pattern.subject, pattern.predicate, pattern.object]) {
    if ('slot' in term) into.add(term.slot);
  }
}

/** Returns the slots bound in every solution of an operator ("certain" variables). */
export function certainSlots(op: Operator): Set<number> {
  switch (op.type) {
    case 'path':
      return pathSlots(op, new Set());
    case 'bgp': {
      const slots = new Set<number>();
      for (const pattern of op.patterns) patternSlots(pattern, slots);
      if (op.graph.type === 'variable') slots.add(op.graph.slot);
      return slots;
    }
    case 'join': {
      const slots = certainSlots(op.left);
      for (const slot of certainSlots(op.right)) slots.add(slot);
      return slots;
    }
    case 'union': {
      const right = certainSlots(op.right);
      return new Set([...certainSlots(op.left)].filter((slot) => right.has(slot)));
    }
    case 'graph': {
      const slots = certainSlots(op.input);
      slots.add(op.slot);
      return slots;
    }
    case 'leftjoin':
    case 'minus':
      return certainSlots(op.left);
    case 'values':
      return new Set(op.slots.filter((_, i) => op.rows.every((row) => row[i] !== undefined)));
    case 'filter':
    case 'extend':
    case 'orderby':
    case 'slice':
    case 'distinct':
      return certainSlots(op.input);
    case 'group':
      // A key or an aggregate may be unbound (an error, MIN of nothing), so none is certain.
      return new Set();
    case 'project': {
      const projected = new Set(op.slots);
      return new Set([...certainSlots(op.input)].filter((slot) => projected.has(slot)));
    }
  }
}
