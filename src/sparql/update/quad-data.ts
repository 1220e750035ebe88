/**
 * A fast path for large `INSERT DATA` and `DELETE DATA` requests. sparqljs parses quad data
 * at about 4,000 triples per second and blocks the event loop all the while (100,000 triples
 * took 26 s), so a request of one such operation, over `QUAD_DATA_FAST_PATH_BYTES`, is parsed
 * by n3's TriG parser instead: SPARQL quad data is TriG with `GRAPH` before each graph name.
 *
 * The request must be a prologue (PREFIX and BASE), one INSERT DATA or DELETE DATA block and
 * an optional `;`. Where the grammars differ, sparqljs decides: text that TriG allows and
 * SPARQL does not (a graph block without GRAPH or named by a blank node, a bare `{ }` block,
 * directives inside the block, a language tag with a direction, a quoted triple) is handed to
 * it, and so is text that n3 rejects, which SPARQL may allow (a last triple without `.`).
 */
import type * as RDF from '@rdfjs/types';
import { Parser } from 'n3';
import { SparqlSyntaxError } from '../../errors.js';
import { termKey } from '../../rdf/terms.js';
import type { TemplateTerm } from '../query.js';
import { skipOpaque } from '../query-text.js';
import type { TemplateQuad, UpdateOperation } from './operations.js';

/** Requests shorter than this (in UTF-16 code units) always go through sparqljs. */
export const QUAD_DATA_FAST_PATH_BYTES = 16 * 1024;

const PROLOGUE_ITEM = /^(?:\s+|#[^\n]*\n?|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)/i;
const OPERATION = /^(INSERT|DELETE)\s+DATA\s*\{/i;
/** GRAPH and a graph name: an IRI or a prefixed name, never a blank node label (`_:g`). */
const GRAPH_BEFORE_BRACE = /GRAPH\s*(?:<[^>]*>|(?!_:)[^\s{}<>"']*:[^\s{}]*)\s*$/i;
/** A directive keyword as a word of its own (SPARQL has none inside quad data). */
const DIRECTIVE = /^(?:@prefix|@base|prefix|base)(?=[\s<])/i;
/** A language tag with a base direction (`"x"@en--ltr`), which SPARQL 1.1 does not have. */
const DIRECTION_TAG = /^@[A-Za-z][A-Za-z0-9-]*--/;

interface QuadDataRequest {
  prologue: string;
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
      if ((text[i] === '"' || text[i] === "'") && DIRECTION_TAG.test(text.slice(next, next + 64))) {
        return undefined;
      }
      i = next;
      continue;
    }
    if (/[\s{}.;]/.test(text[i - 1] ?? ' ') && DIRECTIVE.test(text.slice(i, i + 8))) {
      // TriG would take a directive here; SPARQL refuses it, so sparqljs must see it.
      return undefined;
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
        kind: operation[1]!.toUpperCase() === 'INSERT' ? 'insertData' : 'deleteData',
        body: text.slice(open + 1, i),
      };
    }
    i++;
  }
  return undefined;
}

/** Returns the template term of a data term, or undefined for a term SPARQL 1.1 data excludes. */
function dataTerm(term: RDF.Term, kind: QuadDataRequest['kind']): TemplateTerm | undefined {
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
      return undefined;
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
    parsed = parser.parse(`${request.prologue}${request.body}`);
  } catch {
    // The grammars differ at the edges (a last triple without "." is SPARQL but not TriG), so
    // sparqljs decides, and its message is the one the client gets.
    return undefined;
  }
  const quads: TemplateQuad[] = [];
  for (const quad of parsed) {
    const subject = dataTerm(quad.subject, request.kind);
    const predicate = dataTerm(quad.predicate, request.kind);
    const object = dataTerm(quad.object, request.kind);
    const graph =
      quad.graph.termType === 'DefaultGraph' ? null : dataTerm(quad.graph, request.kind);
    if (subject === undefined || predicate === undefined || object === undefined) return undefined;
    if (graph === undefined || (graph !== null && 'blank' in graph)) return undefined;
    quads.push({ subject, predicate, object, graph: graph ?? undefined });
  }
  return [{ type: request.kind, quads }];
}
