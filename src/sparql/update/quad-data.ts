/**
 * A fast path for large `INSERT DATA` and `DELETE DATA` requests. sparqljs parses quad data
 * at about 4,000 triples per second and holds the event loop all the while (100,000 triples
 * took 26 s), so a request of one such operation, over `QUAD_DATA_FAST_PATH_BYTES`, is parsed
 * by n3's TriG parser instead: SPARQL quad data is TriG with `GRAPH` before each graph name.
 *
 * The request must be a prologue (PREFIX and BASE), one INSERT DATA or DELETE DATA block and
 * an optional `;`. What TriG allows and SPARQL does not is refused here: a graph block without
 * the GRAPH keyword, a bare `{ }` block, and Turtle's `@prefix`. Anything else falls back to
 * sparqljs, so every request still gets SPARQL's grammar.
 */
import type * as RDF from '@rdfjs/types';
import { Parser } from 'n3';
import { SparqlSyntaxError, UnsupportedFeatureError } from '../../errors.js';
import { termKey } from '../../rdf/terms.js';
import type { TemplateTerm } from '../query.js';
import { skipOpaque } from '../query-text.js';
import type { TemplateQuad, UpdateOperation } from './operations.js';

/** Requests shorter than this (in UTF-16 code units) always go through sparqljs. */
export const QUAD_DATA_FAST_PATH_BYTES = 16 * 1024;

const PROLOGUE_ITEM = /^(?:\s+|#[^\n]*\n?|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)/i;
const OPERATION = /^(INSERT|DELETE)\s+DATA\s*\{/i;
const GRAPH_BEFORE_BRACE = /GRAPH\s*(?:<[^>]*>|[^\s{}]*:[^\s{}]*)\s*$/i;

interface QuadDataRequest {
  prologue: string;
  /** `INSERT DATA {` as written, line breaks included. */
  keyword: string;
  kind: 'insertData' | 'deleteData';
  /** The text between the operation's braces. */
  body: string;
}

/** Splits a request of one quad data operation; undefined for any other request. */
function splitRequest(text: string): QuadDataRequest | undefined {
  let at = 0;
  for (let match = PROLOGUE_ITEM.exec(text); match !== null;) {
    at += match[0].length;
    match = PROLOGUE_ITEM.exec(text.slice(at, at + 4096));
  }
  const operation = OPERATION.exec(text.slice(at, at + 64));
  if (operation === null) return undefined;
  const open = at + operation[0].length - 1;
  let depth = 0;
  for (let i = open; i < text.length;) {
    const next = skipOpaque(text, i);
    if (next !== i) {
      i = next;
      continue;
    }
    const c = text[i];
    if (c === '{') {
      // Inside the operation, a block opens only after GRAPH and a graph name.
      if (depth === 1 && !GRAPH_BEFORE_BRACE.test(text.slice(Math.max(open, i - 4096), i))) {
        return undefined;
      }
      depth++;
    } else if (c === '}' && --depth === 0) {
      if (!/^\s*(?:;\s*)?$/.test(text.slice(i + 1))) return undefined;
      return {
        prologue: text.slice(0, at),
        keyword: text.slice(at, open + 1),
        kind: operation[1]!.toUpperCase() === 'INSERT' ? 'insertData' : 'deleteData',
        body: text.slice(open + 1, i),
      };
    } else if (
      c === '@' &&
      /\s/.test(text[i - 1] ?? ' ') &&
      /^@(?:prefix|base)\b/.test(text.slice(i, i + 8))
    ) {
      // A Turtle directive; a language tag follows its literal with no space.
      return undefined;
    }
    i++;
  }
  return undefined;
}

function dataTerm(term: RDF.Term, kind: QuadDataRequest['kind']): TemplateTerm {
  switch (term.termType) {
    case 'NamedNode':
    case 'Literal':
      return { key: termKey(term) };
    case 'BlankNode':
      if (kind === 'deleteData') {
        throw new SparqlSyntaxError('Blank nodes are not allowed in DELETE DATA');
      }
      return { blank: term.value };
    default:
      throw new UnsupportedFeatureError('RDF-star quoted triple in an update');
  }
}

/**
 * Parses a large request of one INSERT DATA or DELETE DATA operation. Returns undefined when
 * the request is short or has another shape, so the caller parses it with sparqljs.
 */
export function parseLargeQuadData(
  text: string,
  baseIri: string | undefined,
): UpdateOperation[] | undefined {
  if (text.length < QUAD_DATA_FAST_PATH_BYTES) return undefined;
  const request = splitRequest(text);
  if (request === undefined) return undefined;
  const parser = new Parser({
    format: 'application/trig',
    ...(baseIri === undefined ? {} : { baseIRI: baseIri }),
  });
  let parsed: RDF.Quad[];
  try {
    // Blanks stand in for the keyword, so line numbers in n3's messages match the request.
    const blanks = request.keyword.replace(/[^\n]/g, ' ');
    parsed = parser.parse(`${request.prologue}${blanks}${request.body}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new SparqlSyntaxError(`Invalid quad data in the update: ${message}`);
  }
  const quads: TemplateQuad[] = parsed.map((quad) => ({
    subject: dataTerm(quad.subject, request.kind),
    predicate: dataTerm(quad.predicate, request.kind),
    object: dataTerm(quad.object, request.kind),
    graph: quad.graph.termType === 'DefaultGraph' ? undefined : dataTerm(quad.graph, request.kind),
  }));
  return [{ type: request.kind, quads }];
}
