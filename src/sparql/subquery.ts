/**
 * Subqueries ({ SELECT ... } inside a group, SPARQL 1.1 section 12). A subquery shares the
 * outer query's slot table, and its Project leaves every slot it does not project unbound,
 * so its other variables never join with outer variables of the same name.
 */
import type * as Sparql from 'sparqljs';
import { SEED_ISOLATED, type GraphTarget, type Operator } from './algebra.js';
import { needsGrouping } from './group.js';
import { translateQuery, type TranslationScope } from './query.js';
import type { TranslationContext } from './translate.js';

/** Translates a subquery; its projected variables join the scope of the enclosing group. */
export function translateSubquery(
  subquery: Sparql.SelectQuery,
  graph: GraphTarget,
  context: TranslationContext,
): Operator {
  // Under GRAPH ?g, aggregates, LIMIT and OFFSET apply per graph, so such a subquery keeps
  // the graph's hidden slot from its seed and the GRAPH operator runs it once per graph.
  const perGraph =
    graph.type === 'variable' &&
    (subquery.limit !== undefined || subquery.offset !== undefined || needsGrouping(subquery));
  // A null base IRI means the enclosing query's base is unknown, which a scope marks by
  // leaving the field out.
  const scope: TranslationScope =
    context.baseIri === null
      ? { variables: context.variables, graph }
      : { variables: context.variables, graph, baseIri: context.baseIri };
  const nested = translateQuery(subquery, scope);
  for (const name of nested.variables) context.inScope.add(name);
  SEED_ISOLATED.set(nested.algebra, perGraph ? [graph.slot] : []);
  return nested.algebra;
}
