/**
 * Turns a parsed sparqljs query into a ParsedQuery: the algebra of its WHERE clause with the
 * solution modifiers applied, plus what each query form needs to build its result.
 */
import type * as RDF from '@rdfjs/types';
import type * as Sparql from 'sparqljs';
import { SparqlSyntaxError, UnsupportedFeatureError } from '../errors.js';
import { termKey } from '../rdf/terms.js';
import type { GraphTarget, Operator, PatternTerm } from './algebra.js';
import {
  checkGroupedExpression,
  needsGrouping,
  translateGrouping,
  type Grouping,
} from './group.js';
import { pushDownFilters } from './optimize.js';
import { checkBlankNodeScopes } from './blank-node-scope.js';
import {
  joinOf,
  translateExpression,
  translateValues,
  translateGroup,
  translateOrder,
  VariableTable,
  type TranslationContext,
} from './translate.js';

/** A CONSTRUCT template position: a variable slot, a constant, or a template blank node. */
export type TemplateTerm = PatternTerm | { readonly blank: string };

export interface TemplateTriple {
  readonly subject: TemplateTerm;
  readonly predicate: TemplateTerm;
  readonly object: TemplateTerm;
}

/** A query that parsed and whose features the evaluator supports. */
export interface ParsedQuery {
  readonly queryType: 'SELECT' | 'ASK' | 'CONSTRUCT' | 'DESCRIBE';
  /** SELECT result variables, without '?', in result order; empty for other forms. */
  readonly variables: readonly string[];
  readonly algebra: Operator;
  /** Number of variable slots a solution has. */
  readonly slotCount: number;
  /** Variable name of each slot, for EXPLAIN output ('' for hidden slots). */
  readonly slotNames: readonly string[];
  /** SELECT: the slot of each result variable. DESCRIBE: slots whose values are described. */
  readonly resultSlots: readonly number[];
  readonly template: readonly TemplateTriple[];
  /** DESCRIBE: constant resources named in the query, as term keys. */
  readonly describeKeys: readonly string[];
  /** FROM graph IRIs (the default graph is their merge); undefined without FROM/FROM NAMED. */
  readonly defaultGraphs?: readonly string[];
  /** FROM NAMED graph IRIs; undefined without FROM/FROM NAMED. */
  readonly namedGraphs?: readonly string[];
}

/** Where a query is translated: at the top level, or as a subquery inside another query. */
export interface TranslationScope {
  /** The enclosing query's slot table, which a subquery shares. */
  readonly variables: VariableTable;
  /** The active graph of the enclosing group. */
  readonly graph: GraphTarget;
  /** The enclosing query's base IRI (undefined: none); leaving the field out makes it unknown. */
  readonly baseIri?: string;
}

/**
 * Builds the ParsedQuery of a sparqljs query; throws UnsupportedFeatureError and
 * SparqlSyntaxError. A subquery passes the enclosing query's `scope`.
 */
export function translateQuery(query: Sparql.Query, scope?: TranslationScope): ParsedQuery {
  const variables = scope?.variables ?? new VariableTable();
  let baseIri: string | null | undefined = query.base;
  if (scope !== undefined) baseIri = 'baseIri' in scope ? scope.baseIri : null;
  const context: TranslationContext = { variables, inScope: new Set(), baseIri };
  let algebra = translateGroup(query.where ?? [], scope?.graph ?? { type: 'default' }, context);
  if (query.values !== undefined) algebra = joinOf(algebra, translateValues(query.values, context));
  const inScope = variables.names.filter((name) => context.inScope.has(name));

  // With aggregation, SELECT and ORDER BY expressions are translated over the Group's output.
  let modifierContext = context;
  let grouping: Grouping | undefined;
  if (needsGrouping(query)) {
    grouping = translateGrouping(query as Sparql.SelectQuery, algebra, context, inScope);
    algebra = grouping.algebra;
    modifierContext = grouping.context;
  }

  let resultNames: string[] = [];
  let resultSlots: number[] = [];
  const template: TemplateTriple[] = [];
  const describeKeys: string[] = [];

  if (query.queryType === 'SELECT') {
    for (const item of query.variables) {
      if ('termType' in item && item.termType === 'Wildcard') {
        resultNames = inScope;
        break;
      }
      if ('termType' in item) {
        if (grouping !== undefined && !grouping.groupedNames.has(item.value)) {
          throw new SparqlSyntaxError(
            `Invalid SPARQL query: ?${item.value} is projected but is not grouped`,
          );
        }
        resultNames.push(item.value);
        continue;
      }
      const binding = item as Sparql.VariableExpression;
      const name = binding.variable.value;
      if (inScope.includes(name) || resultNames.includes(name)) {
        throw new SparqlSyntaxError(
          `Invalid SPARQL query: SELECT expression (... AS ?${name}) binds a variable already in scope`,
        );
      }
      if (grouping !== undefined) {
        checkGroupedExpression(
          binding.expression as Sparql.Expression,
          new Set([...grouping.groupedNames, ...resultNames]),
        );
      }
      const expression = translateExpression(binding.expression, modifierContext);
      algebra = { type: 'extend', input: algebra, slot: variables.slotOf(name), expression };
      resultNames.push(name);
    }
    resultSlots = resultNames.map((name) => variables.slotOf(name));
  } else if (query.queryType === 'CONSTRUCT') {
    for (const triple of query.template ?? []) {
      template.push({
        subject: templateTerm(triple.subject, variables),
        predicate: templateTerm(triple.predicate as RDF.Term, variables),
        object: templateTerm(triple.object, variables),
      });
    }
  } else if (query.queryType === 'DESCRIBE') {
    for (const item of query.variables) {
      const term = item as RDF.Term | Sparql.Wildcard;
      if (term.termType === 'Wildcard') {
        for (const name of inScope) resultSlots.push(variables.slotOf(name));
      } else if (term.termType === 'Variable') {
        resultSlots.push(variables.slotOf(term.value));
      } else if (term.termType === 'NamedNode') {
        describeKeys.push(termKey(term));
      }
    }
  }

  const modifiers = query as Sparql.SelectQuery;
  if (modifiers.order !== undefined && modifiers.order.length > 0) {
    algebra = {
      type: 'orderby',
      input: algebra,
      conditions: translateOrder(modifiers.order, modifierContext),
    };
  }
  if (query.queryType === 'SELECT') {
    // Inside GRAPH ?var, a subquery keeps the graph name that the enclosing GRAPH reads, and
    // solutions from different graphs stay distinct.
    const graph = scope?.graph;
    const keptSlots = graph?.type === 'variable' ? [...resultSlots, graph.slot] : resultSlots;
    algebra = { type: 'project', input: algebra, slots: keptSlots };
    if (query.distinct === true || query.reduced === true) {
      // REDUCED permits removing any number of duplicates; removing all of them is simplest.
      algebra = { type: 'distinct', input: algebra, slots: keptSlots };
    }
  }
  if (modifiers.offset !== undefined || modifiers.limit !== undefined) {
    const offset = modifiers.offset ?? 0;
    algebra = { type: 'slice', input: algebra, offset, limit: modifiers.limit ?? Infinity };
  }
  checkBlankNodeScopes(algebra, variables);
  return {
    queryType: query.queryType,
    variables: resultNames,
    algebra: pushDownFilters(algebra),
    slotCount: variables.size,
    slotNames: variables.slotNames(),
    resultSlots,
    template,
    describeKeys,
    ...datasetClauseOf(query),
  };
}

/** Returns the graph IRIs of FROM and FROM NAMED, or nothing when the query has neither. */
function datasetClauseOf(query: Sparql.Query): Pick<ParsedQuery, 'defaultGraphs' | 'namedGraphs'> {
  const from = query.from;
  if (from === undefined || (from.default.length === 0 && from.named.length === 0)) return {};
  return {
    defaultGraphs: from.default.map((graph) => graph.value),
    namedGraphs: from.named.map((graph) => graph.value),
  };
}

function templateTerm(term: RDF.Term, variables: VariableTable): TemplateTerm {
  switch (term.termType) {
    case 'Variable':
      return { slot: variables.slotOf(term.value) };
    case 'BlankNode':
      return { blank: term.value };
    case 'NamedNode':
    case 'Literal':
      return { key: termKey(term) };
    default:
      throw new UnsupportedFeatureError('RDF-star quoted triple in a CONSTRUCT template');
  }
}
