/**
 * Translates the sparqljs syntax tree into the algebra (SPARQL 1.1 section 18.2). Every
 * construct the evaluator does not run raises UnsupportedFeatureError here, before evaluation
 * starts, so no query returns a wrong result for lack of a feature.
 */
import type * as RDF from '@rdfjs/types';
import type * as Sparql from 'sparqljs';
import { UnsupportedFeatureError } from '../errors.js';
import { termKey } from '../rdf/terms.js';
import {
  certainSlots,
  mentionedSlots,
  SEED_ISOLATED,
  type Bgp,
  type Expression,
  type GraphTarget,
  type Operator,
  type OrderCondition,
  type PatternTerm,
} from './algebra.js';
import { CAST_DATATYPES } from './expressions/casts.js';
import { SUPPORTED_OPERATORS } from './expressions/evaluate.js';
import { stringValue, valueFromKey } from './expressions/values.js';
import { pushDownFilters } from './optimize.js';
import { translateTriples } from './path-translate.js';
import { translateSubquery } from './subquery.js';

/** Assigns slots to variables; blank nodes of patterns and GRAPH names get hidden slots. */
export class VariableTable {
  private readonly slots = new Map<string, number>();
  /** Names of the query's own variables, in order of first appearance. */
  readonly names: string[] = [];
  private hiddenCount = 0;
  private readonly blankLabels = new Map<number, string>();

  get size(): number {
    return this.slots.size;
  }

  /** Returns the name of every slot by index ('_:label' for blank nodes, '' for hidden ones). */
  slotNames(): string[] {
    const names = new Array<string>(this.slots.size).fill('');
    for (const [name, slot] of this.slots) names[slot] = name;
    return names;
  }

  slotOf(name: string): number {
    let slot = this.slots.get(name);
    if (slot === undefined) {
      slot = this.slots.size;
      this.slots.set(name, slot);
      this.names.push(name);
    }
    return slot;
  }

  /** Returns the slot of a blank node label; its name starts with '_:' so SELECT * skips it. */
  slotOfBlank(label: string): number {
    const name = `_:${label}`;
    let slot = this.slots.get(name);
    if (slot === undefined) {
      slot = this.slots.size;
      this.slots.set(name, slot);
      this.blankLabels.set(slot, label);
    }
    return slot;
  }

  /** Returns the query's label of a blank node slot, or undefined for other slots. */
  blankLabelOf(slot: number): string | undefined {
    return this.blankLabels.get(slot);
  }

  /** True for slots of the query's variables, false for blank nodes and hidden slots. */
  isVariable(slot: number): boolean {
    return this.names.some((name) => this.slots.get(name) === slot);
  }

  newHiddenSlot(): number {
    const slot = this.slots.size;
    this.slots.set(`#hidden${this.hiddenCount++}`, slot);
    return slot;
  }
}

export interface TranslationContext {
  readonly variables: VariableTable;
  /** Variables in scope of the WHERE clause, in order of appearance (for SELECT *). */
  readonly inScope: Set<string>;
  /**
   * True inside an EXISTS pattern, which the evaluator runs with the outer solution's values
   * already bound; BIND, VALUES and MINUS would need true substitution there, so they are rejected.
   */
  readonly insideExists?: boolean;
  /** Translates an aggregate call where aggregates are allowed (SELECT, HAVING, ORDER BY). */
  readonly aggregate?: (call: Sparql.AggregateExpression) => Expression;
  /**
   * Base IRI that IRI() and URI() resolve against: undefined when the query has none, null
   * when it is unknown (a subquery translated without its enclosing query's base).
   */
  readonly baseIri?: string | null;
}

const EMPTY_BGP: Operator = { type: 'bgp', patterns: [], graph: { type: 'default' }, filters: [] };

function isEmptyBgp(op: Operator): boolean {
  return (
    op.type === 'bgp' &&
    op.patterns.length === 0 &&
    op.filters.length === 0 &&
    op.graph.type === 'default'
  );
}

/** Join with the empty BGP (one empty solution, the identity of Join) dropped. */
export function joinOf(left: Operator, right: Operator): Operator {
  if (isEmptyBgp(left)) return right;
  if (isEmptyBgp(right)) return left;
  return { type: 'join', left, right };
}

/** Translates a group graph pattern's elements. */
export function translateGroup(
  patterns: readonly Sparql.Pattern[],
  graph: GraphTarget,
  context: TranslationContext,
): Operator {
  const { pattern, filter } = translateGroupParts(patterns, graph, context);
  return filter === undefined ? pattern : { type: 'filter', expression: filter, input: pattern };
}

/**
 * Translates a group into its pattern and the conjunction of the group's own FILTERs, kept
 * apart because OPTIONAL turns exactly those filters into the LeftJoin condition.
 */
function translateGroupParts(
  patterns: readonly Sparql.Pattern[],
  graph: GraphTarget,
  context: TranslationContext,
): { pattern: Operator; filter: Expression | undefined } {
  const filters: Expression[] = [];
  let current: Operator | undefined;
  // True while `current` is a BGP of this group's own triple blocks, with at most FILTERs
  // after it. A nested group's BGP is never extended, so its blank nodes stay in its scope.
  let extendsTriples = false;
  const add = (op: Operator): void => {
    current = current === undefined ? anchorToGraph(op, graph) : joinOf(current, op);
  };
  for (const pattern of patterns) {
    const afterTriples: boolean = extendsTriples;
    extendsTriples = false;
    switch (pattern.type) {
      case 'bgp': {
        const { bgp, paths } = translateBgp(pattern.triples, graph, context);
        // Triple blocks of one group separated only by FILTERs form one BGP, as they do in
        // other engines and the W3C syntax tests, so a blank node label may be shared across
        // the FILTER but not across a nested group.
        extendsTriples = paths.length === 0;
        if (
          afterTriples &&
          current?.type === 'bgp' &&
          current.patterns.length > 0 &&
          current.filters.length === 0
        ) {
          current = { ...current, patterns: [...current.patterns, ...bgp.patterns] };
        } else if (bgp.patterns.length > 0 || paths.length === 0) {
          add(bgp);
        }
        for (const path of paths) add(path);
        break;
      }
      case 'filter':
        filters.push(translateExpression(pattern.expression, context, graph));
        extendsTriples = afterTriples;
        break;
      case 'optional': {
        const inner = translateGroupParts(pattern.patterns, graph, context);
        const left = current ?? emptyBgp(graph);
        current = { type: 'leftjoin', left, right: inner.pattern, expression: inner.filter };
        break;
      }
      case 'union': {
        const branches = pattern.patterns.map((branch) => translateGroup([branch], graph, context));
        let union = branches[0]!;
        for (let i = 1; i < branches.length; i++)
          union = { type: 'union', left: union, right: branches[i]! };
        add(union);
        break;
      }
      case 'group':
        add(translateGroup(pattern.patterns, graph, context));
        break;
      case 'graph':
        add(translateGraph(pattern, context));
        break;
      case 'bind': {
        context.inScope.add(pattern.variable.value);
        const expression = translateExpression(pattern.expression, context, graph);
        const slot = context.variables.slotOf(pattern.variable.value);
        current = { type: 'extend', input: current ?? emptyBgp(graph), slot, expression };
        break;
      }
      case 'values':
        add(translateValues(pattern.values, context));
        break;
      case 'minus': {
        // Variables of the MINUS pattern are not in scope of the enclosing group.
        const right = translateGroup(pattern.patterns, graph, { ...context, inScope: new Set() });
        const variableSlots = [...mentionedSlots(right)].filter((slot) =>
          context.variables.isVariable(slot),
        );
        current = { type: 'minus', left: current ?? emptyBgp(graph), right, variableSlots };
        break;
      }
      case 'service':
        throw new UnsupportedFeatureError('SERVICE');
      case 'query':
        add(translateSubquery(pattern, graph, context));
        break;
      default:
        throw new UnsupportedFeatureError(`graph pattern ${(pattern as { type: string }).type}`);
    }
  }
  const group = current ?? emptyBgp(graph);
  if (filters.length === 0) return { pattern: group, filter: undefined };
  let condition = filters[0]!;
  for (let i = 1; i < filters.length; i++)
    condition = { type: 'call', name: '&&', args: [condition, filters[i]!] };
  return { pattern: group, filter: condition };
}

/**
 * Inside GRAPH, a group must range over the graphs of its target even when its first element
 * does not match in that graph (a nested GRAPH, for example). Such a group is joined with the
 * empty BGP of the target, which yields one solution per graph.
 */
function anchorToGraph(op: Operator, graph: GraphTarget): Operator {
  if (graph.type === 'default') return op;
  if (op.type === 'bgp' && op.patterns.length > 0) return op;
  if (graph.type === 'variable' && certainSlots(op).has(graph.slot)) return op;
  return { type: 'join', left: emptyBgp(graph), right: op };
}

/** Returns the empty BGP of a target: one solution, or inside GRAPH one per graph of the target. */
function emptyBgp(graph: GraphTarget): Operator {
  return graph.type === 'default' ? EMPTY_BGP : { type: 'bgp', patterns: [], graph, filters: [] };
}

function translateGraph(pattern: Sparql.GraphPattern, context: TranslationContext): Operator {
  const name = pattern.name;
  if (name.termType === 'NamedNode') {
    return translateGroup(pattern.patterns, { type: 'named', key: termKey(name) }, context);
  }
  context.inScope.add(name.value);
  const slot = context.variables.slotOf(name.value);
  const hiddenSlot = context.variables.newHiddenSlot();
  const input = translateGroup(pattern.patterns, { type: 'variable', slot: hiddenSlot }, context);
  const perGraph = keepsSlot(input, hiddenSlot);
  return { type: 'graph', slot, hiddenSlot, input, ...(perGraph ? { perGraph } : {}) };
}

/** Returns true when `op` contains a subquery that keeps `slot` from its seed (SEED_ISOLATED). */
function keepsSlot(op: Operator, slot: number): boolean {
  if (SEED_ISOLATED.get(op)?.includes(slot) === true) return true;
  if ('input' in op) return keepsSlot(op.input, slot);
  if ('left' in op) return keepsSlot(op.left, slot) || keepsSlot(op.right, slot);
  return false;
}

/** Translates a triple block into its BGP and the Path operators of its property paths. */
function translateBgp(
  triples: readonly Sparql.Triple[],
  graph: GraphTarget,
  context: TranslationContext,
): { bgp: Bgp; paths: Operator[] } {
  const { patterns, paths } = translateTriples(triples, graph, {
    termOf: (term) => patternTerm(term, context),
    newHiddenSlot: () => context.variables.newHiddenSlot(),
  });
  return { bgp: { type: 'bgp', patterns, graph, filters: [] }, paths };
}

function patternTerm(term: RDF.Term, context: TranslationContext): PatternTerm {
  switch (term.termType) {
    case 'Variable':
      context.inScope.add(term.value);
      return { slot: context.variables.slotOf(term.value) };
    case 'BlankNode':
      return { slot: context.variables.slotOfBlank(term.value) };
    case 'NamedNode':
    case 'Literal':
      return { key: termKey(term) };
    default:
      throw new UnsupportedFeatureError(`RDF-star quoted triple pattern`);
  }
}

type SparqlExpression = Sparql.Expression | Sparql.Expression[];

/**
 * Translates an expression. Unknown built-in functions and aggregates raise
 * UnsupportedFeatureError, while unknown IRI functions fail at evaluation instead.
 * `graph` is the active graph, which EXISTS patterns match in.
 */
export function translateExpression(
  expression: SparqlExpression,
  context: TranslationContext,
  graph: GraphTarget = { type: 'default' },
): Expression {
  const recurse = (arg: SparqlExpression): Expression => translateExpression(arg, context, graph);
  if (Array.isArray(expression)) throw new UnsupportedFeatureError('expression list');
  if ('termType' in expression) {
    if (expression.termType === 'Variable')
      return { type: 'variable', slot: context.variables.slotOf(expression.value) };
    if (expression.termType === 'NamedNode' || expression.termType === 'Literal') {
      return { type: 'constant', value: valueFromKey(termKey(expression)) };
    }
    throw new UnsupportedFeatureError(`${expression.termType} in an expression`);
  }
  switch (expression.type) {
    case 'operation': {
      const name = expression.operator;
      if (name === 'exists' || name === 'notexists') {
        const inner = expression.args[0] as Sparql.Pattern;
        const patterns = inner.type === 'group' ? inner.patterns : [inner];
        const existsContext = { ...context, inScope: new Set<string>(), insideExists: true };
        const pattern = translateGroup(patterns, graph, existsContext);
        const slots = [...mentionedSlots(pattern)];
        return {
          type: 'exists',
          pattern: pushDownFilters(pattern),
          negated: name === 'notexists',
          slots,
        };
      }
      if (!SUPPORTED_OPERATORS.has(name))
        throw new UnsupportedFeatureError(`function ${name.toUpperCase()}`);
      if (name === 'in' || name === 'notin') {
        const [needle, list] = expression.args as [Sparql.Expression, Sparql.Expression[]];
        const args = [needle, ...list].map(recurse);
        return { type: 'call', name, args };
      }
      const args = (expression.args as Sparql.Expression[]).map(recurse);
      if (name === 'iri' || name === 'uri') args.push(baseArgument(context));
      return { type: 'call', name, args };
    }
    case 'functionCall': {
      const iri = (expression.function as RDF.NamedNode).value;
      if (!CAST_DATATYPES.has(iri)) {
        // SPARQL 1.1 section 17.6 makes an extension function the engine does not implement
        // an evaluation error, not a query error. The evaluator raises ExpressionError for a
        // call name it does not know, so FILTER drops the row and BIND leaves it unbound.
        if (expression.distinct === true)
          throw new UnsupportedFeatureError(`extension aggregate <${iri}>`);
        return { type: 'call', name: `<${iri}>`, args: expression.args.map(recurse) };
      }
      if (expression.args.length !== 1)
        throw new UnsupportedFeatureError(
          `cast to <${iri}> with ${expression.args.length} arguments`,
        );
      return {
        type: 'cast',
        datatype: iri,
        arg: recurse(expression.args[0]!),
      };
    }
    case 'aggregate':
      if (context.aggregate !== undefined) return context.aggregate(expression);
      throw new UnsupportedFeatureError(`aggregate ${expression.aggregation.toUpperCase()}`);
    default:
      throw new UnsupportedFeatureError(`expression ${(expression as { type: string }).type}`);
  }
}

/** Returns the base IRI as the constant extra argument of IRI() and URI(). */
function baseArgument(context: TranslationContext): Expression {
  if (context.baseIri === null) throw new UnsupportedFeatureError('IRI() or URI() in a subquery');
  return { type: 'constant', value: stringValue(context.baseIri ?? '') };
}

/** Translates VALUES rows; sparqljs leaves UNDEF entries out of a row's object. */
export function translateValues(
  rows: readonly Sparql.ValuePatternRow[],
  context: TranslationContext,
): Operator {
  const names: string[] = [];
  for (const row of rows) {
    for (const name of Object.keys(row)) if (!names.includes(name)) names.push(name);
  }
  const variables = names.map((name) => name.replace(/^[?$]/, ''));
  for (const variable of variables) context.inScope.add(variable);
  const slots = variables.map((variable) => context.variables.slotOf(variable));
  const keys = rows.map((row) =>
    names.map((name) => {
      const term = row[name];
      return term === undefined ? undefined : termKey(term as RDF.Term);
    }),
  );
  return { type: 'values', slots, rows: keys };
}

export function translateOrder(
  order: readonly Sparql.Ordering[],
  context: TranslationContext,
): OrderCondition[] {
  return order.map((condition) => ({
    expression: translateExpression(condition.expression, context),
    descending: condition.descending === true,
  }));
}
