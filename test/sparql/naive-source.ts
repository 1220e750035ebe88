/**
 * A naive reference implementation of TermDictionary and QuadSource (a Map and an array of
 * quads, linear scans), so the evaluator's tests do not depend on the real store.
 */
import type * as RDF from '@rdfjs/types';
import { Parser } from 'n3';
import { termKey } from '../../src/rdf/terms.js';
import {
  ANY,
  DEFAULT_GRAPH_ID,
  type QuadCursor,
  type QuadSource,
  type TermDictionary,
  type TermId,
} from '../../src/store/types.js';
import type { QueryableDataset } from '../../src/sparql/index.js';

export class NaiveDictionary implements TermDictionary {
  private readonly ids = new Map<string, TermId>([['', DEFAULT_GRAPH_ID]]);
  private readonly keys: string[] = [''];

  get size(): number {
    return this.keys.length;
  }

  lookup(key: string): TermId | undefined {
    return this.ids.get(key);
  }

  intern(key: string): TermId {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.keys.push(key);
      this.ids.set(key, id);
    }
    return id;
  }

  key(id: TermId): string {
    const key = this.keys[id];
    if (key === undefined) throw new RangeError(`Unknown term id ${id}`);
    return key;
  }
}

export class NaiveQuadSource implements QuadSource {
  private readonly quads: [TermId, TermId, TermId, TermId][] = [];
  private readonly present = new Set<string>();

  get size(): number {
    return this.quads.length;
  }

  add(s: TermId, p: TermId, o: TermId, g: TermId): void {
    const key = `${s} ${p} ${o} ${g}`;
    if (this.present.has(key)) return;
    this.present.add(key);
    this.quads.push([s, p, o, g]);
  }

  has(s: TermId, p: TermId, o: TermId, g: TermId): boolean {
    return this.present.has(`${s} ${p} ${o} ${g}`);
  }

  count(s: number, p: number, o: number, g: number): number {
    let n = 0;
    for (const quad of this.quads) if (matches(quad, s, p, o, g)) n++;
    return n;
  }

  match(s: number, p: number, o: number, g: number): QuadCursor {
    const quads = this.quads;
    let index = 0;
    const cursor: QuadCursor = {
      s: 0,
      p: 0,
      o: 0,
      g: 0,
      next(): boolean {
        while (index < quads.length) {
          const quad = quads[index++]!;
          if (!matches(quad, s, p, o, g)) continue;
          [cursor.s, cursor.p, cursor.o, cursor.g] = quad;
          return true;
        }
        return false;
      },
    };
    return cursor;
  }

  hasMany(packed: Uint32Array): Uint8Array {
    const result = new Uint8Array(packed.length / 4);
    for (let i = 0; i < result.length; i++) {
      const [s, p, o, g] = packed.subarray(i * 4, i * 4 + 4);
      result[i] = this.has(s!, p!, o!, g!) ? 1 : 0;
    }
    return result;
  }
}

function matches(quad: readonly TermId[], s: number, p: number, o: number, g: number): boolean {
  return (
    (s === ANY || quad[0] === s) &&
    (p === ANY || quad[1] === p) &&
    (o === ANY || quad[2] === o) &&
    (g === ANY || quad[3] === g)
  );
}

/** Builds a naive dataset from TriG (a superset of Turtle), with named graphs kept. */
export function naiveDatasetFromTrig(text: string): QueryableDataset {
  const dictionary = new NaiveDictionary();
  const quads = new NaiveQuadSource();
  for (const quad of new Parser({ format: 'application/trig' }).parse(text))
    addQuad(dictionary, quads, quad);
  return { dictionary, quads };
}

export function addQuad(dictionary: TermDictionary, quads: NaiveQuadSource, quad: RDF.Quad): void {
  quads.add(
    dictionary.intern(termKey(quad.subject)),
    dictionary.intern(termKey(quad.predicate)),
    dictionary.intern(termKey(quad.object)),
    dictionary.intern(termKey(quad.graph)),
  );
}
