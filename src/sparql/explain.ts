/**
 * EXPLAIN: runs a query with row counters attached and returns its operator tree with, for
 * each basic graph pattern, the order the planner chose, the planner's estimates and the rows
 * actually produced. The query runs to completion under the usual timeout and row cap, so
 * EXPLAIN costs what the query costs.
 */
import type { Bgp, Operator, PatternTerm } from './algebra.js';
import { executeQuery, parseQuery, type QueryOptions, type QueryableDataset } from './index.js';
import { QueryProfile } from './profile.js';
import type { ParsedQuery } from './query.js';

export interface PlanNode {
  /** Algebra operator name (bgp, join, leftjoin, filter, ...) or "step" for a BGP step. */
  operator: string;
  /** Human-readable detail: the triple pattern of a step, the graph of a BGP. */
  detail?: string;
  /**
   * For a BGP step: the planner's estimate of the matches of its pattern per input solution
   * (the store count with the constants bound, divided by 20 for each variable bound by
   * earlier steps). The planner has no distinct-value statistics, so this is a ranking score
   * more than a cardinality; compare it with `actualRows` to judge the chosen order.
   */
  estimatedRowsPerInput?: number;
  /**
   * For a BGP step that ran: how it joins the rows of the steps before it, either
   * "index nested loop" (one index lookup per input row) or "merge join on ?x" (both sorted
   * runs read once, which the planner picks for two adjacent steps sharing ?x).
   */
  algorithm?: string;
  /** Rows this node produced, summed over every time it ran. */
  actualRows: number;
  children: PlanNode[];
}

export interface Explanation {
  plan: PlanNode;
  /** The plan as indented text, one node per line. */
  text: string;
  /** Result rows (SELECT), quads (CONSTRUCT, DESCRIBE) or 1 (ASK). */
  resultCount: number;
  durationMs: number;
}

/** Runs `query` with profiling and returns its plan with estimated and actual row counts. */
export async function explainQuery(
  dataset: QueryableDataset,
  query: string | ParsedQuery,
  options: QueryOptions = {},
): Promise<Explanation> {
  const parsed = typeof query === 'string' ? parseQuery(query, options.baseIri) : query;
  const profile = new QueryProfile();
  const started = performance.now();
  const result = await executeQuery(dataset, parsed, { ...options, profile });
  let resultCount = 0;
  if (result.type === 'bindings') for await (const _row of result.rows) resultCount++;
  else if (result.type === 'quads') for await (const _quad of result.quads) resultCount++;
  else resultCount = 1;
  const durationMs = performance.now() - started;

  const plan = describe(parsed.algebra, profile, parsed.slotNames);
  return { plan, text: renderPlan(plan), resultCount, durationMs };
}

function describe(op: Operator, profile: QueryProfile, slotNames: readonly string[]): PlanNode {
  const node: PlanNode = { operator: op.type, actualRows: profile.rowsOf(op), children: [] };
  if (op.type === 'bgp') {
    describeBgp(op, node, profile, slotNames);
    return node;
  }
  if (op.type === 'path') {
    const ends = [op.subject, op.object].map((term) => termText(term, slotNames));
    node.detail = `${ends[0]} ${pathText(op.path)} ${ends[1]}`;
    return node;
  }
  for (const child of childOperators(op)) node.children.push(describe(child, profile, slotNames));
  return node;
}

/** The `type` of every algebra operator; path expressions and expressions use other names. */
const OPERATOR_TYPES: ReadonlySet<string> = new Set<Operator['type']>([
  'path',
  'group',
  'bgp',
  'join',
  'leftjoin',
  'filter',
  'union',
  'graph',
  'extend',
  'values',
  'minus',
  'orderby',
  'project',
  'distinct',
  'slice',
]);

/** Returns the operands of an operator: its fields whose value is itself an operator. */
function childOperators(op: Operator): Operator[] {
  return Object.values(op).filter(isOperator);
}

function isOperator(value: unknown): value is Operator {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' && OPERATOR_TYPES.has(type) && 'type' in value;
}

function describeBgp(
  bgp: Bgp,
  node: PlanNode,
  profile: QueryProfile,
  slotNames: readonly string[],
) {
  const graph = bgp.graph;
  node.detail =
    graph.type === 'default'
      ? 'default graph'
      : graph.type === 'named'
        ? `graph <${graph.key}>`
        : `graph ${variableName(graph.slot, slotNames)}`;
  const stats = profile.bgpOf(bgp);
  if (stats === undefined) {
    // Never ran (an earlier operator produced no input), so there is no chosen order.
    for (const pattern of bgp.patterns) {
      node.children.push({
        operator: 'step',
        detail: patternText(pattern, slotNames),
        actualRows: 0,
        children: [],
      });
    }
    return;
  }
  for (const [index, step] of stats.steps.entries()) {
    node.children.push({
      operator: 'step',
      detail: patternText(bgp.patterns[step.pattern]!, slotNames),
      estimatedRowsPerInput: Math.round(Math.min(step.estimate, Number.MAX_SAFE_INTEGER)),
      algorithm:
        step.mergeSlot === undefined
          ? 'index nested loop'
          : `merge join on ${variableName(step.mergeSlot, slotNames)}`,
      actualRows: stats.rows[index]!,
      children: [],
    });
  }
  node.detail += `, ran ${stats.runs} times`;
}

function patternText(pattern: Bgp['patterns'][number], slotNames: readonly string[]): string {
  return [pattern.subject, pattern.predicate, pattern.object]
    .map((term) => termText(term, slotNames))
    .join(' ');
}

function termText(term: PatternTerm, slotNames: readonly string[]): string {
  if ('slot' in term) return variableName(term.slot, slotNames);
  const key = term.key;
  // Term keys of literals and blank nodes read as N-Triples already; IRIs need brackets.
  return key.startsWith('"') || key.startsWith('_:') ? key : `<${key}>`;
}

function pathText(path: Extract<Operator, { type: 'path' }>['path']): string {
  switch (path.type) {
    case 'link':
      return `<${path.key}>`;
    case 'inverse':
      return `^${pathText(path.path)}`;
    case 'sequence':
      return `(${pathText(path.left)}/${pathText(path.right)})`;
    case 'alternative':
      return `(${pathText(path.left)}|${pathText(path.right)})`;
    case 'zeroOrMore':
      return `${pathText(path.path)}*`;
    case 'oneOrMore':
      return `${pathText(path.path)}+`;
    case 'zeroOrOne':
      return `${pathText(path.path)}?`;
    case 'negatedSet':
      return `!(${path.keys.map((key) => `<${key}>`).join('|')})`;
  }
}

function variableName(slot: number, slotNames: readonly string[]): string {
  const name = slotNames[slot];
  if (name === undefined || name === '') return `?_${slot}`;
  return name.startsWith('_:') ? name : `?${name}`;
}

/** Renders a plan as indented lines: operator, detail, estimate and actual rows. */
export function renderPlan(plan: PlanNode, depth = 0): string {
  const parts = [`${'  '.repeat(depth)}${plan.operator}`];
  if (plan.detail !== undefined) parts.push(plan.detail);
  if (plan.algorithm !== undefined) parts.push(`(${plan.algorithm})`);
  if (plan.estimatedRowsPerInput !== undefined) {
    parts.push(`(estimated ${plan.estimatedRowsPerInput} per input row)`);
  }
  parts.push(`[actual ${plan.actualRows} rows]`);
  const lines = [parts.join(' ')];
  for (const child of plan.children) lines.push(renderPlan(child, depth + 1));
  return lines.join('\n');
}
