/**
 * The SPARQL query engine's public API: parse a query, then execute it against a dataset of
 * term ids with a deadline, a row cap and an abort signal.
 */
import type * as RDF from '@rdfjs/types';
import type * as Sparql from 'sparqljs';
import { SparqlSyntaxError } from '../errors.js';
import { checkQueryNesting } from './query-shape.js';
import { decodeCodepointEscapes } from './codepoint-escapes.js';
import type { QuadSource, TermDictionary } from '../store/types.js';
import { QueryContext, UNBOUND } from './context.js';
import { DatasetView, datasetGraphsOf } from './dataset.js';
import { Evaluator } from './evaluator.js';
import type { QueryProfile } from './profile.js';
import { constructQuads, describeQuads, TermDecoder } from './forms.js';
import { translateQuery, type ParsedQuery } from './query.js';
import { translateUpdate, type UpdateOperation } from './update/operations.js';
import { parseWithTemplateApart } from './construct-template.js';
import { useDispatchLexer } from './lexer-dispatch.js';
import { ParseCache } from './parse-cache.js';
import { RowStream } from './row-stream.js';
import { readSimpleSelect } from './simple-select.js';
import { createSparqlParser, usesFastDriver } from './parser-driver.js';
import { SPARQL_TERM_FACTORY } from './parser-terms.js';
import { resolveRelativeIris } from './relative-iris.js';
import { parseInWorker, parseQuadDataInWorker } from './update/parse-offload.js';
import { parseLargeQuadData } from './update/quad-data.js';
import { rewriteSignedLiterals } from './signed-literals.js';
import { parserErrorOf, tooComplex } from './parser-errors.js';
import { RewriteTrail } from './span-map.js';

export type { ParsedQuery } from './query.js';
export type { UpdateOperation } from './update/operations.js';
export {
  executeUpdate,
  type UpdateOptions,
  type UpdateResult,
  type UpdateTarget,
} from './update/execute.js';

export interface QueryableDataset {
  dictionary: TermDictionary;
  quads: QuadSource;
}

export interface QueryOptions {
  /** Milliseconds before result iteration throws QueryTimeoutError; default 30 000. */
  timeoutMs?: number;
  /** Maximum result rows (or quads); one more throws LimitExceededError. Default 100 000. */
  maxRows?: number;
  /** When aborted, evaluation throws QueryCancelledError at its next check. */
  signal?: AbortSignal;
  /** Base IRI for relative IRIs when `query` is a string. */
  baseIri?: string;
  /**
   * Maximum nodes the property paths of the query may visit in total (closure nodes and the
   * node lists of paths with two unbound ends); one more throws LimitExceededError.
   * Default 10 000 000.
   */
  maxPathNodes?: number;
  /**
   * Graph IRIs whose merge is the default graph (the protocol's default-graph-uri). When this
   * or `namedGraphs` is given, both replace the query's FROM and FROM NAMED.
   */
  defaultGraphs?: string[];
  /** Named graph IRIs that GRAPH ranges over (the protocol's named-graph-uri). */
  namedGraphs?: string[];
  /**
   * Maximum number of groups one GROUP BY may form; one more throws LimitExceededError.
   * Default 1 000 000.
   */
  maxGroups?: number;
  /**
   * Budget in estimated bytes for what the query's operators keep in memory (ORDER BY rows,
   * DISTINCT keys, hash-join tables, groups, path visited sets, VALUES rows, computed terms);
   * passing it throws LimitExceededError. Default 512 MiB. The estimates are in memory.ts.
   */
  maxQueryMemoryBytes?: number;
  /** Collects per-operator row counts while the query runs (EXPLAIN); costs a little speed. */
  profile?: QueryProfile;
}

export type QueryResult =
  | { type: 'bindings'; variables: string[]; rows: AsyncIterable<(RDF.Term | undefined)[]> }
  | { type: 'boolean'; value: boolean }
  | { type: 'quads'; quads: AsyncIterable<RDF.Quad> };

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_ROWS = 100_000;

/**
 * Builds the fast SPARQL lexer's and parser driver's tables now instead of on the first query,
 * and returns which of them are in use. False means the installed sparqljs is not the release
 * they were checked against, so every parse uses the stock part: the stock lexer makes parsing
 * about four times slower, the stock driver about twice.
 */
export function prepareSparqlParser(): { fastLexer: boolean; fastDriver: boolean } {
  const parser = createSparqlParser({ factory: SPARQL_TERM_FACTORY });
  return { fastLexer: useDispatchLexer(parser), fastDriver: usesFastDriver(parser) };
}

/**
 * Parses a SPARQL query and translates it to the algebra. Throws SparqlSyntaxError (with a
 * 1-based line and column when the parser reports one), also for SPARQL Update text, and
 * UnsupportedFeatureError for valid features the evaluator does not run.
 */
export function parseQuery(queryText: string, baseIri?: string): ParsedQuery {
  // A ParsedQuery holds term keys, never store ids, and nothing mutates it, so one parse
  // serves every later run of the same text, whatever the store holds by then.
  const cacheKey = baseIri === undefined ? queryText : `${baseIri}\n${queryText}`;
  const cached = parseCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const query = parseQueryText(queryText, baseIri);
  parseCache.offer(cacheKey, query);
  return query;
}

/**
 * Parsed queries kept for reuse: 256 texts of at most 16 Ki characters each, admitted on their
 * second parse (parse-cache.ts).
 */
const parseCache = new ParseCache<ParsedQuery>(256, 16 * 1024);

function parseQueryText(queryText: string, baseIri: string | undefined): ParsedQuery {
  const trail = new RewriteTrail(queryText);
  const decoded = decodeCodepointEscapes(queryText, trail.next());
  const parsed =
    readSimpleSelect(decoded, baseIri, SPARQL_TERM_FACTORY) ??
    parseSparql(prepareForSparqljs(decoded, baseIri, trail), baseIri, trail);
  if (parsed.type === 'update') {
    throw new SparqlSyntaxError(
      'The text is a SPARQL Update, not a query: send it to the update endpoint',
    );
  }
  // sparqljs returns an object without a query form for text that is only comments or
  // PREFIX declarations.
  if (!('queryType' in parsed) || parsed.queryType === undefined) {
    throw new SparqlSyntaxError('The text contains no query (only comments or prologue)');
  }

  let query: ParsedQuery;
  try {
    query = translateQuery(parsed);
  } catch (error) {
    if (error instanceof RangeError) throw tooComplex(error);
    throw error;
  }
  return query;
}

/**
 * Parses a SPARQL 1.1 Update request into its operations, in order. Throws SparqlSyntaxError
 * (also for a query) and UnsupportedFeatureError.
 */
export function parseUpdate(updateText: string, baseIri?: string): UpdateOperation[] {
  const trail = new RewriteTrail(updateText);
  const decoded = decodeCodepointEscapes(updateText, trail.next());
  const quadData = parseLargeQuadData(decoded, baseIri);
  if (quadData !== undefined) return quadData;
  return updateFromParsed(parseSparql(prepareForSparqljs(decoded, baseIri, trail), baseIri, trail));
}

/**
 * Parses an update like parseUpdate, but parses a request of at least `OFFLOAD_MIN_LENGTH`
 * characters in a worker thread (update/parse-worker.ts). On the main thread that parse would
 * stall every other request: sparqljs takes seconds on megabytes, and even the quad data fast
 * path takes about a second per 100,000 triples. Quad data takes the fast path first, as in
 * parseUpdate.
 */
export async function parseUpdateAsync(
  updateText: string,
  baseIri?: string,
): Promise<UpdateOperation[]> {
  if (updateText.length < OFFLOAD_MIN_LENGTH) return parseUpdate(updateText, baseIri);
  const trail = new RewriteTrail(updateText);
  const decoded = decodeCodepointEscapes(updateText, trail.next());
  const quadData = await parseQuadDataInWorker(decoded, baseIri);
  if (quadData !== undefined) return quadData;
  const text = prepareForSparqljs(decoded, baseIri, trail);
  const outcome = await parseInWorker(text, baseIri);
  if ('parsed' in outcome) return updateFromParsed(outcome.parsed);
  throw parserErrorOf(outcome.error, text, trail);
}

/** Update text at least this long is parsed in a worker thread by parseUpdateAsync. */
export const OFFLOAD_MIN_LENGTH = 64 * 1024;

/** Translates the sparqljs tree of an update request; see parseUpdate. */
function updateFromParsed(parsed: Sparql.SparqlQuery): UpdateOperation[] {
  // An update request of only comments and prologue is valid and does nothing; sparqljs
  // returns it as a query object without a query form.
  if (parsed.type !== 'update' && (!('queryType' in parsed) || parsed.queryType === undefined)) {
    return [];
  }
  if (parsed.type !== 'update') {
    throw new SparqlSyntaxError(
      'The text is a SPARQL query, not an update: send it to the query endpoint',
    );
  }
  try {
    return translateUpdate(parsed);
  } catch (error) {
    if (error instanceof RangeError) throw tooComplex(error);
    throw error;
  }
}

/**
 * Returns the text sparqljs reads, from text whose `\u` escapes are decoded: relative IRIs
 * resolved (relative-iris.ts) and signed numeric literals spelled out (signed-literals.ts),
 * after a check of the nesting depth. Both rewrites are recorded in `trail`.
 */
function prepareForSparqljs(
  decoded: string,
  baseIri: string | undefined,
  trail: RewriteTrail,
): string {
  const resolved = resolveRelativeIris(decoded, baseIri, trail.next());
  const text = rewriteSignedLiterals(resolved, trail.next());
  checkQueryNesting(text);
  return text;
}

/**
 * Runs the sparqljs parser on prepared query or update text, turning its errors into KgErrors
 * whose positions `trail` maps back to the text as sent.
 */
function parseSparql(
  text: string,
  baseIri: string | undefined,
  trail: RewriteTrail,
): Sparql.SparqlQuery {
  // The fast driver and the dispatching lexer give the stock parser's results faster, and the
  // parser keeps the stock parts when sparqljs is not the release they were checked against.
  const parser = createSparqlParser({ baseIRI: baseIri, factory: SPARQL_TERM_FACTORY });
  useDispatchLexer(parser);
  try {
    return parser.parse(text);
  } catch (error) {
    if (error instanceof TypeError) {
      const parsed = parseWithTemplateApart(text, (part, map) => {
        try {
          return parser.parse(part);
        } catch (partError) {
          throw parserErrorOf(partError, part, trail.withMap(map));
        }
      });
      if (parsed !== undefined) return parsed;
    }
    throw parserErrorOf(error, text, trail);
  }
}

/** Evaluates a query. The returned iterables do the work, lazily, as they are consumed. */
export async function executeQuery(
  dataset: QueryableDataset,
  query: string | ParsedQuery,
  options: QueryOptions = {},
): Promise<QueryResult> {
  const parsed = typeof query === 'string' ? parseQuery(query, options.baseIri) : query;
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const ctx = new QueryContext(
    dataset.dictionary,
    datasetQuadsOf(dataset, parsed, options),
    parsed.slotCount,
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    options.signal,
  );
  if (options.maxPathNodes !== undefined) ctx.maxPathNodes = options.maxPathNodes;
  if (options.maxGroups !== undefined) ctx.maxGroups = options.maxGroups;
  if (options.maxQueryMemoryBytes !== undefined)
    ctx.maxQueryMemoryBytes = options.maxQueryMemoryBytes;
  if (options.profile !== undefined) ctx.profile = options.profile;
  ctx.check();
  const evaluator = new Evaluator(ctx);
  const decoder = new TermDecoder(ctx);

  switch (parsed.queryType) {
    case 'SELECT': {
      const slots = parsed.resultSlots;
      const rows = new RowStream(
        ctx,
        evaluator.run(parsed.algebra),
        maxRows,
        'Result rows',
        (solution) =>
          slots.map((slot) => {
            const id = solution[slot]!;
            return id === UNBOUND ? undefined : decoder.decode(id);
          }),
      );
      return { type: 'bindings', variables: [...parsed.variables], rows };
    }
    case 'ASK': {
      const first = new RowStream(
        ctx,
        evaluator.run(parsed.algebra),
        Infinity,
        'Result rows',
        () => true,
      );
      for await (const found of first) return { type: 'boolean', value: found };
      return { type: 'boolean', value: false };
    }
    case 'CONSTRUCT': {
      const quads = constructQuads(ctx, evaluator.run(parsed.algebra), parsed.template, decoder);
      return {
        type: 'quads',
        quads: new RowStream(ctx, quads, maxRows, 'Result quads', (quad) => quad),
      };
    }
    case 'DESCRIBE': {
      const quads = describeQuads(
        ctx,
        evaluator.run(parsed.algebra),
        parsed.resultSlots,
        parsed.describeKeys,
        decoder,
      );
      return {
        type: 'quads',
        quads: new RowStream(ctx, quads, maxRows, 'Result quads', (quad) => quad),
      };
    }
  }
}

/** Returns the quads the query reads: the store, or the dataset of FROM / protocol graphs. */
function datasetQuadsOf(
  dataset: QueryableDataset,
  query: ParsedQuery,
  options: QueryOptions,
): QuadSource {
  const graphs = datasetGraphsOf(query, options);
  return graphs === undefined
    ? dataset.quads
    : new DatasetView(dataset.quads, dataset.dictionary, graphs);
}
