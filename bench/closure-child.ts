/**
 * Writes the OWL 2 RL closure of a LUBM data set as N-Triples, for the section that runs the
 * LUBM queries over it: the data plus univ-bench.ttl, and every triple 7T's reasoner infers.
 * Each engine then loads the same file in its own process. Prints one JSON line with the
 * asserted and inferred triple counts and the materialisation time.
 *
 *   node --import tsx bench/closure-child.ts lubm1|lubm8 OUT.nt
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { termFromKey } from '../src/rdf/terms.js';
import { Reasoner } from '../src/reasoning/index.js';
import type { QuadStore } from '../src/store/quad-store.js';
import { ANY, type TermDictionary } from '../src/store/types.js';
import { Writer } from 'n3';
import { loadDataset } from './reasoning.js';
import type { DataName } from './stores.js';

export interface ClosureFile {
  asserted: number;
  inferred: number;
  materialiseMs: number;
}

/** Lines buffered before each write to the file. */
const LINES_PER_WRITE = 10_000;

/** Writes the default-graph triples of `store` to `out` as N-Triples lines. */
async function writeTriples(
  store: QuadStore,
  dictionary: TermDictionary,
  out: NodeJS.WritableStream,
): Promise<number> {
  const writer = new Writer({ format: 'N-Triples' });
  const term = (id: number) => termFromKey(dictionary.key(id));
  let lines: string[] = [];
  let written = 0;
  for (const cursor = store.match(ANY, ANY, ANY, ANY); cursor.next(); written++) {
    const quad = writer.quadToString(
      term(cursor.s) as never,
      term(cursor.p) as never,
      term(cursor.o) as never,
    );
    lines.push(quad);
    if (lines.length === LINES_PER_WRITE) {
      if (!out.write(lines.join(''))) await once(out, 'drain');
      lines = [];
    }
  }
  out.write(lines.join(''));
  return written;
}

async function main(): Promise<void> {
  const [data, outFile] = process.argv.slice(2) as [DataName, string | undefined];
  if ((data !== 'lubm1' && data !== 'lubm8') || outFile === undefined) {
    throw new Error('Usage: closure-child.ts lubm1|lubm8 OUT.nt');
  }
  const { seven } = await loadDataset(data);
  const started = performance.now();
  const reasoner = new Reasoner(seven.dictionary, seven.store, 'owl2-rl');
  reasoner.materialise();
  const materialiseMs = performance.now() - started;
  const out = createWriteStream(outFile);
  const asserted = await writeTriples(seven.store, seven.dictionary, out);
  const inferred = await writeTriples(reasoner.inferred, seven.dictionary, out);
  out.end();
  await once(out, 'finish');
  const result: ClosureFile = { asserted, inferred, materialiseMs };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
