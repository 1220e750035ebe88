/**
 * A fast path for large `INSERT DATA` and `DELETE DATA` requests. sparqljs parses quad data
 * at about 4,000 triples per second (100,000 triples took 26 s), so a request of one such
 * operation, over `QUAD_DATA_FAST_PATH_BYTES`, is parsed by n3's TriG parser instead: SPARQL
 * quad data is TriG with `GRAPH` before each graph name. The result is packed quad data
 * (packed-quads.ts); parse-offload.ts runs this parser in a worker thread for long requests.
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
import { skipOpaque } from '../query-text.js';
import type { UpdateOperation } from './operations.js';
import { packedDataOperation, QuadPacker, type PackedQuadData } from './packed-quads.js';

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

/** Returns the index where the prologue (PREFIX, BASE, comments and space) ends. */
function prologueEnd(text: string): number {
  let at = 0;
  for (let match = PROLOGUE_ITEM.exec(text); match !== null;) {
    at += match[0].length;
    match = PROLOGUE_ITEM.exec(text.slice(at, at + 4096));
  }
  return at;
}

/**
 * Returns true when the text is long enough for the fast path and its first operation is
 * INSERT DATA or DELETE DATA. It reads only the prologue and the first keyword, so it is cheap
 * on any request, and parseQuadData still decides on the whole text.
 */
export function mayBeLargeQuadData(text: string): boolean {
  if (text.length < QUAD_DATA_FAST_PATH_BYTES) return false;
  const at = prologueEnd(text);
  return OPERATION.test(text.slice(at, at + 64));
}

/** Splits a request of one quad data operation; undefined for any other request. */
function splitRequest(text: string): QuadDataRequest | undefined {
  const at = prologueEnd(text);
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

/**
 * Returns the term key of a data term, or undefined for a term SPARQL 1.1 quad data excludes
 * (a variable or a quoted triple). Throws SparqlSyntaxError for a blank node in DELETE DATA.
 */
function dataTermKey(term: RDF.Term, kind: QuadDataRequest['kind']): string | undefined {
  switch (term.termType) {
    case 'NamedNode':
    case 'Literal':
      return termKey(term);
    case 'BlankNode':
      if (kind === 'deleteData') {
        throw new SparqlSyntaxError('Blank nodes are not allowed in DELETE DATA');
      }
      return termKey(term);
    default:
      return undefined;
  }
}

/** Quad data of one INSERT DATA or DELETE DATA request, as the fast path parses it. */
export interface ParsedQuadData {
  kind: 'insertData' | 'deleteData';
  data: PackedQuadData;
}

/**
 * Parses a large request of one INSERT DATA or DELETE DATA operation into packed quad data.
 * Returns undefined when the request is short or has another shape, so the caller parses it
 * with sparqljs. Throws SparqlSyntaxError for a blank node in DELETE DATA.
 */
export function parseQuadData(
  text: string,
  baseIri: string | undefined,
): ParsedQuadData | undefined {
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
    // sparqljs decides, and its message, with line and column, is the one the client gets.
    return undefined;
  }
  const packer = new QuadPacker();
  for (const quad of parsed) {
    const subject = dataTermKey(quad.subject, request.kind);
    const predicate = dataTermKey(quad.predicate, request.kind);
    const object = dataTermKey(quad.object, request.kind);
    if (subject === undefined || predicate === undefined || object === undefined) return undefined;
    let graph: string | undefined;
    if (quad.graph.termType !== 'DefaultGraph') {
      // A blank node graph name is TriG but not SPARQL. splitRequest already leaves such text
      // to sparqljs, which rejects it with its own message, so this is a second check.
      if (quad.graph.termType !== 'NamedNode') return undefined;
      graph = termKey(quad.graph);
    }
    packer.add(subject, predicate, object, graph);
  }
  return { kind: request.kind, data: packer.finish() };
}

/**
 * Parses a large request of one INSERT DATA or DELETE DATA operation on the calling thread,
 * like parseQuadData, and returns it as an operation list.
 */
export function parseLargeQuadData(
  text: string,
  baseIri: string | undefined,
): UpdateOperation[] | undefined {
  const parsed = parseQuadData(text, baseIri);
  return parsed === undefined ? undefined : [packedDataOperation(parsed.kind, parsed.data)];
}
