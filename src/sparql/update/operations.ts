/**
 * SPARQL 1.1 Update operations as the executor runs them, translated from sparqljs's syntax
 * tree. Templates and WHERE clauses share one slot table per operation, so a template
 * variable reads the slot the WHERE clause binds.
 */
import type * as RDF from '@rdfjs/types';
import type * as Sparql from 'sparqljs';
import { SparqlSyntaxError, UnsupportedFeatureError } from '../../errors.js';
import { termKey } from '../../rdf/terms.js';
import { translateQuery, type ParsedQuery, type TemplateTerm } from '../query.js';
import { VariableTable } from '../translate.js';
import type { PackedQuadData } from './packed-quads.js';

/** A template quad; `graph` undefined means the operation's default target graph. */
export interface TemplateQuad {
  readonly subject: TemplateTerm;
  readonly predicate: TemplateTerm;
  readonly object: TemplateTerm;
  readonly graph: TemplateTerm | undefined;
}

/** One graph: the default graph, or a named graph by IRI. */
export type GraphRef =
  { readonly kind: 'default' } | { readonly kind: 'named'; readonly iri: string };

/** What CLEAR and DROP act on. */
export type GraphSelector = GraphRef | { readonly kind: 'allNamed' } | { readonly kind: 'all' };

export type UpdateOperation =
  | {
      readonly type: 'insertData' | 'deleteData';
      readonly quads: readonly TemplateQuad[];
      /**
       * The same quads in packed form, from the parser of large requests (quad-data.ts). The
       * executor reads it when present, and `quads` is then built only when first read.
       */
      readonly packed?: PackedQuadData;
    }
  | {
      readonly type: 'modify';
      readonly deletes: readonly TemplateQuad[];
      readonly inserts: readonly TemplateQuad[];
      /** The WHERE clause as a SELECT * over the same slots as the templates. */
      readonly where: ParsedQuery;
      /** WITH: the graph templates write to and WHERE reads as its default graph. */
      readonly withGraph: string | undefined;
    }
  | {
      readonly type: 'load';
      readonly silent: boolean;
      readonly source: string;
      readonly into: GraphRef;
    }
  | { readonly type: 'clear' | 'drop'; readonly silent: boolean; readonly target: GraphSelector }
  | { readonly type: 'create'; readonly silent: boolean; readonly graph: string }
  | {
      readonly type: 'add' | 'copy' | 'move';
      readonly silent: boolean;
      readonly source: GraphRef;
      readonly destination: GraphRef;
    };

/** Translates every operation of a parsed update request, in order. */
export function translateUpdate(update: Sparql.Update): UpdateOperation[] {
  return update.updates.map((operation) => translateOperation(operation, update.base));
}

function translateOperation(
  operation: Sparql.UpdateOperation,
  baseIri: string | undefined,
): UpdateOperation {
  if ('updateType' in operation) {
    switch (operation.updateType) {
      case 'insert':
        return { type: 'insertData', quads: dataQuads(operation.insert, 'data') };
      case 'delete':
        return { type: 'deleteData', quads: dataQuads(operation.delete, 'deleteData') };
      case 'deletewhere': {
        // DELETE WHERE { P } is DELETE { P } WHERE { P }.
        const where = operation.delete.map((quads): Sparql.Pattern =>
          quads.type === 'graph'
            ? {
                type: 'graph',
                name: quads.name as RDF.NamedNode,
                patterns: [{ type: 'bgp', triples: quads.triples }],
              }
            : { type: 'bgp', triples: quads.triples },
        );
        return modify(operation.delete, [], where, undefined, undefined, baseIri);
      }
      case 'insertdelete':
        return modify(
          operation.delete ?? [],
          operation.insert ?? [],
          operation.where ?? [],
          operation.graph?.value,
          operation.using,
          baseIri,
        );
    }
  }
  const management = operation as Sparql.ManagementOperation;
  switch (management.type) {
    case 'load':
      return {
        type: 'load',
        silent: management.silent,
        source: management.source.value,
        into:
          management.destination === undefined || management.destination === false
            ? { kind: 'default' }
            : { kind: 'named', iri: management.destination.value },
      };
    case 'clear':
    case 'drop':
      return {
        type: management.type,
        silent: management.silent,
        target: selectorOf(management.graph),
      };
    case 'create': {
      const target = selectorOf(management.graph);
      if (target.kind !== 'named') throw new SparqlSyntaxError('CREATE needs a graph IRI');
      return { type: 'create', silent: management.silent, graph: target.iri };
    }
    case 'add':
    case 'copy':
    case 'move':
      return {
        type: management.type,
        silent: management.silent,
        source: graphRefOf(management.source),
        destination: graphRefOf(management.destination),
      };
  }
}

function modify(
  deletes: readonly Sparql.Quads[],
  inserts: readonly Sparql.Quads[],
  where: Sparql.Pattern[],
  withGraph: string | undefined,
  using: { default: RDF.NamedNode[]; named: RDF.NamedNode[] } | undefined,
  baseIri: string | undefined,
): UpdateOperation {
  // Template slots first: the WHERE translation sizes solutions by the table's final size.
  const variables = new VariableTable();
  const deleteQuads = templateQuads(deletes, variables, 'delete');
  const insertQuads = templateQuads(inserts, variables, 'insert');
  const select: Sparql.SelectQuery = {
    type: 'query',
    queryType: 'SELECT',
    variables: [{ termType: 'Wildcard', value: '*', equals: () => false } as Sparql.Wildcard],
    where,
    prefixes: {},
    ...(using !== undefined && (using.default.length > 0 || using.named.length > 0)
      ? { from: using }
      : {}),
  };
  const scope = { variables, graph: { type: 'default' as const }, baseIri };
  return {
    type: 'modify',
    deletes: deleteQuads,
    inserts: insertQuads,
    where: translateQuery(select, scope),
    withGraph,
  };
}

/**
 * Quads of INSERT DATA (`data`) or DELETE DATA (`deleteData`): no variables, which the parser
 * rejects. sparqljs rejects blank nodes of DELETE DATA only outside GRAPH, so they are
 * rejected here too.
 */
function dataQuads(quads: readonly Sparql.Quads[], role: 'data' | 'deleteData'): TemplateQuad[] {
  return templateQuads(quads, new VariableTable(), role);
}

/** The kind of block template quads come from. DELETE DATA and DELETE templates take no blank nodes. */
type TemplateRole = 'insert' | 'delete' | 'data' | 'deleteData';

function templateQuads(
  quads: readonly Sparql.Quads[],
  variables: VariableTable,
  role: TemplateRole,
): TemplateQuad[] {
  const out: TemplateQuad[] = [];
  for (const group of quads) {
    const graph =
      group.type === 'graph' ? templateTerm(group.name as RDF.Term, variables, role) : undefined;
    for (const triple of group.triples) {
      if (!('termType' in triple.predicate)) {
        throw new SparqlSyntaxError('Property paths are not allowed in update templates');
      }
      out.push({
        subject: templateTerm(triple.subject, variables, role),
        predicate: templateTerm(triple.predicate as RDF.Term, variables, role),
        object: templateTerm(triple.object, variables, role),
        graph,
      });
    }
  }
  return out;
}

function templateTerm(term: RDF.Term, variables: VariableTable, role: TemplateRole): TemplateTerm {
  switch (term.termType) {
    case 'Variable':
      return { slot: variables.slotOf(term.value) };
    case 'BlankNode':
      if (role === 'delete') {
        throw new SparqlSyntaxError('Blank nodes are not allowed in DELETE templates');
      }
      if (role === 'deleteData') {
        throw new SparqlSyntaxError('Blank nodes are not allowed in DELETE DATA');
      }
      return { blank: term.value };
    case 'NamedNode':
    case 'Literal':
      return { key: termKey(term) };
    default:
      throw new UnsupportedFeatureError('RDF-star quoted triple in an update');
  }
}

function selectorOf(graph: Sparql.GraphOrDefault | Sparql.GraphReference): GraphSelector {
  const reference = graph as Sparql.GraphReference;
  if (reference.all === true) return { kind: 'all' };
  if (reference.named === true) return { kind: 'allNamed' };
  return graphRefOf(graph);
}

function graphRefOf(graph: Sparql.GraphOrDefault | Sparql.GraphReference): GraphRef {
  if (graph.name !== undefined) return { kind: 'named', iri: graph.name.value };
  return { kind: 'default' };
}
