/**
 * Translation of GROUP BY, HAVING and aggregates (SPARQL 1.1 sections 11 and 18.2.4.1): the
 * WHERE algebra becomes a Group, and every aggregate met in SELECT, HAVING or ORDER BY
 * becomes a hidden slot that the Group fills.
 */
import type * as RDF from '@rdfjs/types';
import type * as Sparql from 'sparqljs';
import { SparqlSyntaxError, UnsupportedFeatureError } from '../errors.js';
import type { Aggregate, Expression, GroupKey, Operator } from './algebra.js';
import { translateExpression, type TranslationContext } from './translate.js';

const AGGREGATE_NAMES: ReadonlySet<string> = new Set([
  'count',
  'sum',
  'min',
  'max',
  'avg',
  'sample',
  'group_concat',
]);

/** The algebra after grouping and the context for expressions that may use aggregates. */
export interface Grouping {
  /** The Group, under the HAVING filter when there is one. */
  readonly algebra: Operator;
  /** Translates SELECT and ORDER BY expressions; its aggregates are added to the Group. */
  readonly context: TranslationContext;
  /** Variables bound after grouping: the GROUP BY variables and aliases. */
  readonly groupedNames: ReadonlySet<string>;
}

/** True when the query aggregates: GROUP BY, HAVING, or an aggregate in SELECT or ORDER BY. */
export function needsGrouping(query: Sparql.Query): boolean {
  const select = query as Sparql.SelectQuery;
  if (select.group !== undefined || select.having !== undefined) return true;
  if (select.order?.some((condition) => containsAggregate(condition.expression)) === true)
    return true;
  if (query.queryType !== 'SELECT') return false;
  return query.variables.some(
    (item) => 'expression' in item && containsAggregate(item.expression as Sparql.Expression),
  );
}

function containsAggregate(expression: unknown): boolean {
  if (typeof expression !== 'object' || expression === null) return false;
  const node = expression as { type?: string; args?: unknown };
  if (node.type === 'aggregate') return true;
  if (node.type !== 'operation' && node.type !== 'functionCall') return false;
  const args = node.args;
  return Array.isArray(args) && args.some((arg) => containsAggregate(arg));
}

/**
 * Builds the Group of a query over `input`, whose in-scope variables are `inScope`, and the
 * HAVING filter over it. The Group's aggregate list keeps growing while the caller translates
 * SELECT and ORDER BY expressions with the returned context, so translate those before
 * evaluating the algebra.
 */
export function translateGrouping(
  query: Sparql.SelectQuery,
  input: Operator,
  context: TranslationContext,
  inScope: readonly string[],
): Grouping {
  const variables = context.variables;
  const keys: GroupKey[] = [];
  const groupedNames = new Set<string>();
  for (const item of query.group ?? []) {
    const expression = translateExpression(item.expression, context);
    const alias = item.variable?.value;
    if (alias !== undefined) {
      if (inScope.includes(alias) || groupedNames.has(alias)) {
        throw new SparqlSyntaxError(
          `Invalid SPARQL query: GROUP BY alias ?${alias} is already in scope`,
        );
      }
      groupedNames.add(alias);
      keys.push({ slot: variables.slotOf(alias), expression });
    } else if (expression.type === 'variable') {
      groupedNames.add((item.expression as RDF.Variable).value);
      keys.push({ slot: expression.slot, expression });
    } else {
      keys.push({ slot: variables.newHiddenSlot(), expression });
    }
  }

  const aggregates: Aggregate[] = [];
  const solutionSlots = inScope.map((name) => variables.slotOf(name));
  const noNesting: TranslationContext = {
    ...context,
    aggregate: () => {
      throw new SparqlSyntaxError('Invalid SPARQL query: an aggregate contains an aggregate');
    },
  };
  const aggregateContext: TranslationContext = {
    ...context,
    aggregate: (call) => {
      const name = call.aggregation.toLowerCase();
      if (!AGGREGATE_NAMES.has(name)) throw new UnsupportedFeatureError(`aggregate ${name}`);
      const argument = call.expression as Sparql.Expression | Sparql.Wildcard;
      const isWildcard = 'termType' in argument && argument.termType === 'Wildcard';
      const slot = variables.newHiddenSlot();
      aggregates.push({
        name: name as Aggregate['name'],
        distinct: call.distinct === true,
        expression: isWildcard
          ? undefined
          : translateExpression(argument as Sparql.Expression, noNesting),
        separator: call.separator ?? ' ',
        solutionSlots,
        slot,
      });
      return { type: 'variable', slot };
    },
  };

  let algebra: Operator = { type: 'group', input, keys, aggregates };
  const having = (query.having ?? []).map((condition) =>
    translateExpression(condition, aggregateContext),
  );
  if (having.length > 0) {
    let condition: Expression = having[0]!;
    for (let i = 1; i < having.length; i++)
      condition = { type: 'call', name: '&&', args: [condition, having[i]!] };
    algebra = { type: 'filter', expression: condition, input: algebra };
  }
  return { algebra, context: aggregateContext, groupedNames };
}

/**
 * Rejects a SELECT expression that reads, outside an aggregate, a variable that is neither
 * grouped nor projected earlier in the SELECT clause (SPARQL 1.1 section 11.4).
 */
export function checkGroupedExpression(
  expression: Sparql.Expression,
  visible: ReadonlySet<string>,
): void {
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    const term = node as { termType?: string; value?: string; type?: string; args?: unknown };
    if (term.termType === 'Variable') {
      if (!visible.has(term.value!)) {
        throw new SparqlSyntaxError(
          `Invalid SPARQL query: ?${term.value} is used in SELECT but is not grouped`,
        );
      }
      return;
    }
    if (term.type === 'operation' || term.type === 'functionCall') visit(term.args);
  };
  visit(expression);
}
