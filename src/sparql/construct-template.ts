/**
 * Works around a sparqljs 3.7 defect: a CONSTRUCT template with a blank node property list
 * that has no predicates after it (`CONSTRUCT { [ rdf:subject ?s ] }`) makes the parser throw
 * a TypeError, although the same triples parse in a WHERE clause. The template is cut out of
 * the text and parsed as a WHERE clause, and the rest of the query with an empty template.
 *
 * Text scanning here only finds braces: strings, IRIs and comments are skipped, and a
 * template holds only triples, so `<` there always opens an IRI.
 */
import type * as Sparql from 'sparqljs';
import { skipOpaque } from './query-text.js';
import { SpanMap } from './span-map.js';

interface TemplateSpan {
  /** Index of the CONSTRUCT keyword. */
  keyword: number;
  /** Index of the template's `{`. */
  open: number;
  /** Index of the template's matching `}`. */
  close: number;
}

/** Finds the template of a CONSTRUCT query; undefined for the short form CONSTRUCT WHERE. */
function findTemplate(text: string): TemplateSpan | undefined {
  let i = 0;
  let keyword = -1;
  while (i < text.length && keyword < 0) {
    const next = skipOpaque(text, i);
    if (next !== i) {
      i = next;
    } else if (/^construct\b/i.test(text.slice(i, i + 10)) && !/\w/.test(text[i - 1] ?? '')) {
      keyword = i;
    } else {
      i++;
    }
  }
  if (keyword < 0) return undefined;
  const open = text.indexOf('{', keyword);
  if (open < 0 || !/^\s*$/.test(text.slice(keyword + 'construct'.length, open))) return undefined;
  let depth = 0;
  for (i = open; i < text.length;) {
    const next = skipOpaque(text, i);
    if (next !== i) {
      i = next;
      continue;
    }
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) return { keyword, open, close: i };
    i++;
  }
  return undefined;
}

/** Gives every blank node of the template a prefix, apart from those of the WHERE clause. */
function renameBlankNodes(term: Sparql.Term): Sparql.Term {
  if (term.termType !== 'BlankNode') return term;
  return { ...term, value: `template_${term.value}` } as Sparql.Term;
}

/**
 * Parses a CONSTRUCT query whose template the parser cannot read, with `parse` (the parser
 * in use), which receives each text it parses with the map of its positions back to `text`.
 * Returns undefined when the text is not such a query, so the caller reports the original
 * error.
 */
export function parseWithTemplateApart(
  text: string,
  parse: (part: string, map: SpanMap) => Sparql.SparqlQuery,
): Sparql.SparqlQuery | undefined {
  const span = findTemplate(text);
  if (span === undefined) return undefined;
  const prologue = text.slice(0, span.keyword);
  const template = text.slice(span.open + 1, span.close);
  // The query without the template's triples.
  const withoutTemplate = new SpanMap();
  withoutTemplate.replaced(span.open + 1, span.open + 1, span.open + 1, span.close);
  const query = parse(text.slice(0, span.open + 1) + text.slice(span.close), withoutTemplate);
  // The template's triples as the pattern of a SELECT, in place of `CONSTRUCT {`.
  const head = ' SELECT * WHERE {';
  const asPattern = new SpanMap();
  asPattern.replaced(span.keyword, span.keyword + head.length, span.keyword, span.open + 1);
  const triplesOnly = parse(`${prologue}${head}${template}}`, asPattern);
  if (query.type !== 'query' || query.queryType !== 'CONSTRUCT') return undefined;
  if (triplesOnly.type !== 'query' || triplesOnly.where === undefined) return undefined;
  const [group, ...rest] = triplesOnly.where;
  if (rest.length > 0 || group?.type !== 'bgp') return undefined;
  query.template = group.triples.map((triple) => ({
    subject: renameBlankNodes(triple.subject as Sparql.Term),
    predicate: triple.predicate,
    object: renameBlankNodes(triple.object as Sparql.Term),
  })) as Sparql.Triple[];
  return query;
}
