/**
 * Splits the cost of a query into its phases and compares the stock sparqljs lexer with the
 * dispatching one (src/sparql/lexer-dispatch.ts) in the same process. The queries are LUBM q12
 * and the first 1,000-row VALUES query of the lookup section (bench/lookups.ts), with and
 * without the object column. For each query it prints the median of ROUNDS rounds (default 7)
 * for each phase:
 *
 * - prepare: codepoint escapes, signed literals and the nesting check, as parseQuery does;
 * - lex: the sparqljs lexer alone, run to the end of the input, stock and dispatching;
 * - sparqljs: the whole sparqljs parse (lexing included), stock and dispatching;
 * - translate: the sparqljs tree to our algebra;
 * - parseQuery: all of the above through the public API, with the parse cache bypassed;
 * - execute: evaluation of the already parsed query, all rows consumed.
 *
 * Stock and dispatching runs alternate within each round, so both see the same machine load.
 * Run it under `node --cpu-prof` for a profile of the same work.
 *
 *   node --import tsx bench/profile-parse.ts [lubm1|lubm8] [ROUNDS]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import type * as RDF from '@rdfjs/types';
import sparqljs from 'sparqljs';
import type * as Sparql from 'sparqljs';
import { termFromKey } from '../src/rdf/terms.js';
import { decodeCodepointEscapes } from '../src/sparql/codepoint-escapes.js';
import { executeQuery, parseQuery, type QueryableDataset } from '../src/sparql/index.js';
import { useDispatchLexer, type JisonLexer } from '../src/sparql/lexer-dispatch.js';
import { translateQuery } from '../src/sparql/query.js';
import { checkQueryNesting } from '../src/sparql/query-shape.js';
import { rewriteSignedLiterals } from '../src/sparql/signed-literals.js';
import { ANY } from '../src/store/types.js';
import { LUBM_DIR, loadSevenTick, readNTriples, type DataName } from './stores.js';
import { sparqlTerm } from './terms.js';

/** Rows of the VALUES query, as in the lookup section's batches. */
const VALUES_ROWS = 1000;
/** Stored triples the lookup section samples evenly from the data. */
const SAMPLE_TRIPLES = 10_000;
/** Target milliseconds of work per phase and round; short phases repeat up to this. */
const PHASE_BUDGET_MS = 200;
const MAX_REPEATS = 5000;

/** Samples the first VALUES_ROWS triples the way bench/lookups.ts samples its probes. */
function sampleTriples(dataset: QueryableDataset & { size: number }): RDF.Term[][] {
  const step = Math.max(1, Math.floor(dataset.size / SAMPLE_TRIPLES));
  const triples: RDF.Term[][] = [];
  let index = 0;
  for (const cursor = dataset.quads.match(ANY, ANY, ANY, ANY); cursor.next(); index++) {
    if (index % step !== 0) continue;
    const terms = [cursor.s, cursor.p, cursor.o].map((id) =>
      termFromKey(dataset.dictionary.key(id)),
    );
    if (terms[0]!.termType !== 'NamedNode' || terms[2]!.termType === 'BlankNode') continue;
    triples.push(terms);
    if (triples.length === VALUES_ROWS) break;
  }
  return triples;
}

/** Builds the query text of bench/lookups.ts valuesQuery. */
function valuesQuery(triples: RDF.Term[][], withObject: boolean): string {
  const rows = triples.map(
    (terms) =>
      `(${terms
        .slice(0, withObject ? 3 : 2)
        .map(sparqlTerm)
        .join(' ')})`,
  );
  const head = withObject ? '?s ?p ?o' : '?s ?p';
  return `SELECT * WHERE { VALUES (${head}) { ${rows.join(' ')} } ?s ?p ?o }`;
}

/** Runs the lexer of `parser` to the end of `text` and returns the number of tokens. */
function lexAll(parser: Sparql.SparqlParser, text: string): number {
  const lexer = Object.create((parser as unknown as { lexer: JisonLexer }).lexer) as JisonLexer;
  lexer.setInput(text, {});
  let tokens = 0;
  // The end-of-input token arrives after at most one token per character.
  while (lexer.lex() !== lexer.EOF && tokens <= text.length) tokens++;
  return tokens;
}

/** Returns the milliseconds per call of `work`, repeated until PHASE_BUDGET_MS has passed. */
async function timePhase(work: () => unknown): Promise<number> {
  const started = performance.now();
  let calls = 0;
  while (calls < MAX_REPEATS && (calls === 0 || performance.now() - started < PHASE_BUDGET_MS)) {
    await work();
    calls++;
  }
  return (performance.now() - started) / calls;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const [data = 'lubm1', roundsText = '7'] = process.argv.slice(2);
  const rounds = Number(roundsText);
  if ((data !== 'lubm1' && data !== 'lubm8') || !Number.isInteger(rounds) || rounds < 1) {
    throw new Error('Usage: profile-parse.ts [lubm1|lubm8] [ROUNDS]');
  }
  const { dictionary, store } = await loadSevenTick(readNTriples(data as DataName));
  const dataset = { dictionary, quads: store, size: store.size };
  const triples = sampleTriples(dataset);
  const queries: [string, string][] = [
    ['q12', readFileSync(path.join(LUBM_DIR, 'queries', 'q12.rq'), 'utf8')],
    [`VALUES (?s ?p ?o) x ${triples.length}`, valuesQuery(triples, true)],
    [`VALUES (?s ?p) x ${triples.length}`, valuesQuery(triples, false)],
  ];

  const stock = new sparqljs.Parser();
  const dispatching = new sparqljs.Parser();
  if (!useDispatchLexer(dispatching)) throw new Error('The dispatching lexer declined sparqljs');
  let unique = 0;

  console.log(
    `data ${data}, ${rounds} rounds, load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
  for (const [name, text] of queries) {
    const prepared = rewriteSignedLiterals(decodeCodepointEscapes(text));
    const tree = dispatching.parse(prepared) as Sparql.Query;
    const parsed = parseQuery(text);
    const phases: Record<string, () => unknown> = {
      prepare: () => {
        const decoded = decodeCodepointEscapes(text);
        checkQueryNesting(rewriteSignedLiterals(decoded));
      },
      'lex, stock': () => lexAll(stock, prepared),
      'lex, dispatching': () => lexAll(dispatching, prepared),
      'sparqljs, stock': () => stock.parse(prepared),
      'sparqljs, dispatching': () => dispatching.parse(prepared),
      translate: () => translateQuery(tree),
      // A comment after the query changes the cache key but not the query.
      parseQuery: () => parseQuery(`${text}\n# ${unique++}`),
      execute: async () => {
        const result = await executeQuery({ dictionary, quads: store }, parsed, { maxRows: 1e9 });
        if (result.type !== 'bindings') throw new Error(`${name} is not a SELECT query`);
        for await (const _row of result.rows);
      },
    };
    const samples: Record<string, number[]> = {};
    for (let round = 0; round < rounds; round++) {
      for (const [phase, work] of Object.entries(phases)) {
        (samples[phase] ??= []).push(await timePhase(work));
      }
    }
    console.log(`\n${name} (${text.length} characters)`);
    for (const [phase, values] of Object.entries(samples)) {
      console.log(`  ${phase.padEnd(24)} ${median(values).toFixed(4).padStart(10)} ms`);
    }
  }
  console.log(
    `\nload average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
}

await main();
