/**
 * CONSTRUCT and DESCRIBE: turn solutions into quads of the default graph.
 */
import type * as RDF from '@rdfjs/types';
import { factory, termFromKey } from '../rdf/terms.js';
import { ANY, DEFAULT_GRAPH_ID, LOCAL_ID_BASE, type TermId } from '../store/types.js';
import {
  PAUSE,
  UNBOUND,
  type Pause,
  type QueryContext,
  type Solution,
  type SolutionStream,
} from './context.js';
import { mapEntryBytes, MemoryReservation, NUMBER_BYTES, stringBytes } from './memory.js';
import type { TemplateTerm, TemplateTriple } from './query.js';

export type QuadStream = Generator<RDF.Quad | Pause, void, undefined>;

/** Slots of the decoder's cache at first and at most; powers of two. */
const DECODED_SLOTS_FIRST = 64;
const DECODED_SLOTS_MAX = 4096;

/**
 * Decodes term ids to RDF/JS terms, keeping recent ones in a direct-mapped cache by id. A
 * result of mostly distinct terms (LUBM q14 has 59,437 rows of distinct subjects) then costs
 * no map growth and keeps at most 4,096 terms alive, while repeated terms are decoded once.
 * The cache starts small and doubles after as many misses as it has slots, because a server
 * creates one decoder per query and most queries decode a few terms.
 */
export class TermDecoder {
  private ids: TermId[] = new Array<TermId>(DECODED_SLOTS_FIRST).fill(-1);
  private terms: (RDF.Term | undefined)[] = new Array<RDF.Term | undefined>(
    DECODED_SLOTS_FIRST,
  ).fill(undefined);
  private misses = 0;

  constructor(private readonly ctx: QueryContext) {}

  decode(id: TermId): RDF.Term {
    const slot = id & (this.ids.length - 1);
    if (this.ids[slot] === id) return this.terms[slot]!;
    const term = termFromKey(this.ctx.keyOf(id));
    if (++this.misses > this.ids.length && this.ids.length < DECODED_SLOTS_MAX) this.grow();
    const to = id & (this.ids.length - 1);
    this.ids[to] = id;
    this.terms[to] = term;
    return term;
  }

  /** Doubles the cache, keeping the terms it has. */
  private grow(): void {
    const { ids, terms } = this;
    const size = ids.length * 2;
    this.ids = new Array<TermId>(size).fill(-1);
    this.terms = new Array<RDF.Term | undefined>(size).fill(undefined);
    this.misses = 0;
    for (let slot = 0; slot < ids.length; slot++) {
      const id = ids[slot]!;
      if (id === -1) continue;
      this.ids[id & (size - 1)] = id;
      this.terms[id & (size - 1)] = terms[slot];
    }
  }
}

/**
 * Instantiates the template once per solution, with fresh labels for template blank nodes in
 * each solution. Triples with an unbound variable, a literal subject or a non-IRI predicate
 * are skipped. Each triple is emitted once, because the result is an RDF graph, so the keys
 * of the emitted triples are kept and charged to the query's memory budget.
 */
export function* constructQuads(
  ctx: QueryContext,
  solutions: SolutionStream,
  template: readonly TemplateTriple[],
  decoder: TermDecoder,
): QuadStream {
  const memory = new MemoryReservation(ctx);
  try {
    yield* instantiateTemplate(solutions, template, decoder, memory);
  } finally {
    memory.release();
  }
}

function* instantiateTemplate(
  solutions: SolutionStream,
  template: readonly TemplateTriple[],
  decoder: TermDecoder,
  memory: MemoryReservation,
): QuadStream {
  const seen = new Set<string>();
  let solutionIndex = 0;
  for (const solution of solutions) {
    if (solution === PAUSE) {
      yield PAUSE;
      continue;
    }
    solutionIndex++;
    for (const triple of template) {
      const subject = instantiate(triple.subject, solution, solutionIndex, decoder);
      const predicate = instantiate(triple.predicate, solution, solutionIndex, decoder);
      const object = instantiate(triple.object, solution, solutionIndex, decoder);
      if (subject === undefined || predicate === undefined || object === undefined) continue;
      if (subject.termType === 'Literal' || predicate.termType !== 'NamedNode') continue;
      const quad = factory.quad(
        subject as RDF.Quad_Subject,
        predicate as RDF.Quad_Predicate,
        object as RDF.Quad_Object,
      );
      const key = `${termKeyOf(subject)} ${predicate.value} ${termKeyOf(object)}`;
      if (seen.has(key)) continue;
      memory.charge(mapEntryBytes(stringBytes(key)));
      seen.add(key);
      yield quad;
    }
  }
}

function termKeyOf(term: RDF.Term): string {
  if (term.termType === 'Literal') {
    return `"${term.value}"@${term.language}^^${term.datatype.value}`;
  }
  return term.termType === 'BlankNode' ? `_:${term.value}` : `<${term.value}>`;
}

function instantiate(
  term: TemplateTerm,
  solution: Solution,
  solutionIndex: number,
  decoder: TermDecoder,
): RDF.Term | undefined {
  if ('blank' in term) return factory.blankNode(`c${solutionIndex}_${term.blank}`);
  if ('key' in term) return termFromKey(term.key);
  const id = solution[term.slot]!;
  return id === UNBOUND ? undefined : decoder.decode(id);
}

/**
 * DESCRIBE as a concise bounded description: every default-graph triple with the resource as
 * subject, and recursively those of blank nodes met as objects. A set of visited subjects
 * stops cycles and repeated resources. The visited set and the pending resources are charged
 * to the query's memory budget.
 */
export function* describeQuads(
  ctx: QueryContext,
  solutions: SolutionStream,
  slots: readonly number[],
  keys: readonly string[],
  decoder: TermDecoder,
): QuadStream {
  const memory = new MemoryReservation(ctx);
  try {
    yield* describeResources(ctx, solutions, slots, keys, decoder, memory);
  } finally {
    memory.release();
  }
}

function* describeResources(
  ctx: QueryContext,
  solutions: SolutionStream,
  slots: readonly number[],
  keys: readonly string[],
  decoder: TermDecoder,
  memory: MemoryReservation,
): QuadStream {
  const visited = new Set<TermId>();
  // A pending id is one array element, so it costs NUMBER_BYTES.
  const pending: TermId[] = [];
  for (const key of keys) {
    const id = ctx.storeIdOf(key);
    if (id !== undefined) {
      memory.charge(NUMBER_BYTES);
      pending.push(id);
    }
  }
  for (const solution of solutions) {
    if (solution === PAUSE) {
      yield PAUSE;
      continue;
    }
    for (const slot of slots) {
      const id = solution[slot]!;
      if (id === UNBOUND || id >= LOCAL_ID_BASE) continue;
      memory.charge(NUMBER_BYTES);
      pending.push(id);
    }
  }
  while (pending.length > 0) {
    const subject = pending.pop()!;
    if (visited.has(subject)) continue;
    memory.charge(mapEntryBytes(NUMBER_BYTES));
    visited.add(subject);
    const cursor = ctx.quads.match(subject, ANY, ANY, DEFAULT_GRAPH_ID);
    while (cursor.next()) {
      if (ctx.step()) yield PAUSE;
      const object = decoder.decode(cursor.o);
      if (object.termType === 'BlankNode' && !visited.has(cursor.o)) {
        memory.charge(NUMBER_BYTES);
        pending.push(cursor.o);
      }
      yield factory.quad(
        decoder.decode(cursor.s) as RDF.Quad_Subject,
        decoder.decode(cursor.p) as RDF.Quad_Predicate,
        object as RDF.Quad_Object,
      );
    }
  }
}
