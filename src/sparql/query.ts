/**
 * Turns a parsed sparqljs query into a ParsedQuery: the algebra of its WHERE clause with the
 * solution modifiers applied, plus what each query form needs to build its result.
 */
import type * as RDF from '@rdfjs/types';
import type * as Sparql from 'sparqljs';
import { UnsupportedFeatureError } from '../errors.js';
import { termKey } from '../rdf/terms.js';
import type { Operator, PatternTerm } from './algebra.js';
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
  /** SELECT: the slot of each result variable. DESCRIBE: slots whose values are described. */
  readonly resultSlots: readonly number[];
  readonly template: readonly TemplateTriple[];
  /** DESCRIBE: constant resources named in the query, as term keys. */
  readonly describeKeys: readonly string[];
}

/** Builds the ParsedQuery of a sparqljs query; throws UnsupportedFeatureError. */
export function translateQuery(query: Sparql.Query): ParsedQuery {
  if (query.from !== undefined && (query.from.default.length > 0 || query.from.named.length > 0)) {
    throw new UnsupportedFeatureError('FROM / FROM NAMED');
  }
  if ('group' in query && query.group !== undefined) throw new UnsupportedFeatureError('GROUP BY');
  if ('having' in query && query.having !== undefined) throw new UnsupportedFeatureError('HAVING');

  const variables = new VariableTable();
  const context: TranslationContext = { variables, inScope: new Set() };
  let algebra = translateGroup(query.where ?? [], { type: 'default' }, context);
  if (query.values !== undefined) algebra = joinOf(algebra, translateValues(query.values, context));
  const inScope = variables.names.filter((name) => context.inScope.has(name));

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
        resultNames.push(item.value);
        continue;
      }
      const binding = item as Sparql.VariableExpression;
      const name = binding.variable.value;
      if (inScope.includes(name) || resultNames.includes(name)) {
        throw new UnsupportedFeatureError(
          `SELECT expression rebinding the in-scope variable ?${name}`,
        );
      }
      const expression = translateExpression(binding.expression, context);
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
      conditions: translateOrder(modifiers.order, context),
    };
  }
  if (query.queryType === 'SELECT') {
    algebra = { type: 'project', input: algebra, slots: resultSlots };
    if (query.distinct === true || query.reduced === true) {
      // REDUCED permits removing any number of duplicates; removing all of them is simplest.
      algebra = { type: 'distinct', input: algebra, slots: resultSlots };
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
    resultSlots,
    template,
    describeKeys,
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
