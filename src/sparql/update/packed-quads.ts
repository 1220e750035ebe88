/**
 * Quad data in packed form: a table of term keys and four uint32 indexes into it per quad.
 * Large INSERT DATA and DELETE DATA requests are parsed into this form in a worker thread.
 * It crosses to the main thread as one string array and one transferred buffer instead of
 * millions of objects, and the executor interns each distinct term once.
 */
import { randomBytes } from 'node:crypto';
import { keyKind, TermKind } from '../../rdf/terms.js';
import { DEFAULT_GRAPH_ID, type TermDictionary, type TermId } from '../../store/types.js';
import type { TemplateTerm } from '../query.js';
import type { TemplateQuad, UpdateOperation } from './operations.js';

/** The graph index of a quad in the default graph. */
export const DEFAULT_GRAPH_INDEX = 0xffffffff;

/** Term indexes the executor resolves between two yields to the event loop. */
const TERMS_PER_SLICE = 16_384;

export interface PackedQuadData {
  /** Term keys (rdf/terms.ts); a blank node is `_:` and the label the request gave it. */
  readonly terms: readonly string[];
  /** Subject, predicate, object and graph index per quad; DEFAULT_GRAPH_INDEX for no graph. */
  readonly quads: Uint32Array;
}

/** Builds packed quad data, giving each distinct term key one index. */
export class QuadPacker {
  private readonly indexes = new Map<string, number>();
  private readonly terms: string[] = [];
  private quads = new Uint32Array(4 * 1024);
  private length = 0;

  /** Appends a quad; `graph` undefined means the default graph. */
  add(subject: string, predicate: string, object: string, graph: string | undefined): void {
    if (this.length + 4 > this.quads.length) {
      const grown = new Uint32Array(this.quads.length * 2);
      grown.set(this.quads);
      this.quads = grown;
    }
    this.quads[this.length++] = this.indexOf(subject);
    this.quads[this.length++] = this.indexOf(predicate);
    this.quads[this.length++] = this.indexOf(object);
    this.quads[this.length++] = graph === undefined ? DEFAULT_GRAPH_INDEX : this.indexOf(graph);
  }

  /** Returns the packed data; the packer must not be used afterwards. */
  finish(): PackedQuadData {
    return { terms: this.terms, quads: this.quads.slice(0, this.length) };
  }

  private indexOf(key: string): number {
    let index = this.indexes.get(key);
    if (index === undefined) {
      index = this.terms.length;
      this.terms.push(key);
      this.indexes.set(key, index);
    }
    return index;
  }
}

/** Returns the data as template quads, the form the sparqljs translation gives. */
export function unpackQuads(data: PackedQuadData): TemplateQuad[] {
  const terms = data.terms.map((key): TemplateTerm =>
    keyKind(key) === TermKind.BlankNode ? { blank: key.slice(2) } : { key },
  );
  const quads: TemplateQuad[] = [];
  const packed = data.quads;
  for (let i = 0; i < packed.length; i += 4) {
    const graph = packed[i + 3]!;
    quads.push({
      subject: terms[packed[i]!]!,
      predicate: terms[packed[i + 1]!]!,
      object: terms[packed[i + 2]!]!,
      graph: graph === DEFAULT_GRAPH_INDEX ? undefined : terms[graph]!,
    });
  }
  return quads;
}

/** The id of a term the store does not have; DELETE DATA skips its quads. */
const MISSING = 0xffffffff;

/**
 * Returns the store ids of packed data as packed s,p,o,g quads. For `insert` the terms are
 * interned, and each blank node label becomes a fresh blank node. For `delete` they are looked
 * up, and a quad with a term the store lacks is left out. A quad is also left out when its
 * subject is a literal or its predicate or graph is not an IRI, as the executor's template
 * instantiation does. The dictionary work yields to the event loop every TERMS_PER_SLICE
 * terms, so other requests are served while a large request is resolved.
 */
export async function resolvePackedQuads(
  dictionary: TermDictionary,
  data: PackedQuadData,
  role: 'insert' | 'delete',
  defaultGraph: TermId = DEFAULT_GRAPH_ID,
): Promise<Uint32Array> {
  const { terms } = data;
  const ids = new Uint32Array(terms.length);
  const kinds = new Uint8Array(terms.length);
  // The same label format as the executor's template instantiation: one prefix per operation.
  const blankPrefix = `_:u${randomBytes(6).toString('hex')}_0_`;
  for (let i = 0; i < terms.length; i++) {
    if (i > 0 && i % TERMS_PER_SLICE === 0) await yieldToEventLoop();
    let key = terms[i]!;
    const kind = keyKind(key);
    kinds[i] = kind;
    if (kind === TermKind.BlankNode) key = `${blankPrefix}${key.slice(2)}`;
    ids[i] = role === 'insert' ? dictionary.intern(key) : (dictionary.lookup(key) ?? MISSING);
  }

  const packed = data.quads;
  const out = new Uint32Array(packed.length);
  let length = 0;
  for (let i = 0; i < packed.length; i += 4) {
    const s = packed[i]!;
    const p = packed[i + 1]!;
    const o = packed[i + 2]!;
    const g = packed[i + 3]!;
    if (ids[s] === MISSING || ids[p] === MISSING || ids[o] === MISSING) continue;
    if (kinds[s] !== TermKind.NamedNode && kinds[s] !== TermKind.BlankNode) continue;
    if (kinds[p] !== TermKind.NamedNode) continue;
    let graph = defaultGraph;
    if (g !== DEFAULT_GRAPH_INDEX) {
      if (ids[g] === MISSING || kinds[g] !== TermKind.NamedNode) continue;
      graph = ids[g]!;
    }
    out[length++] = ids[s]!;
    out[length++] = ids[p]!;
    out[length++] = ids[o]!;
    out[length++] = graph;
  }
  return out.subarray(0, length);
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Returns an INSERT DATA or DELETE DATA operation over packed data. Its `quads` array is built
 * on first read, which only tests and callers outside the executor do.
 */
export function packedDataOperation(
  type: 'insertData' | 'deleteData',
  packed: PackedQuadData,
): UpdateOperation {
  let quads: TemplateQuad[] | undefined;
  return {
    type,
    packed,
    get quads(): TemplateQuad[] {
      quads ??= unpackQuads(packed);
      return quads;
    },
  };
}
