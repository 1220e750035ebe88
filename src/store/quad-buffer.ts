import { dedupeSortedRecords, radixSortRecords, RECORD_WORDS } from './radix-sort.js';
import type { QuadSource } from './types.js';

/** A growable packed array of s,p,o,g quads, used to collect a load before it commits. */
export class QuadBuffer {
  private data: Uint32Array = new Uint32Array(4096);
  private used = 0;

  /** Number of quads pushed. */
  get length(): number {
    return this.used >>> 2;
  }

  push(s: number, p: number, o: number, g: number): void {
    if (this.used + 4 > this.data.length) {
      const bigger = new Uint32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.used] = s;
    this.data[this.used + 1] = p;
    this.data[this.used + 2] = o;
    this.data[this.used + 3] = g;
    this.used += 4;
  }

  /** Returns the pushed quads without copying; the view is invalid after the next push. */
  view(): Uint32Array {
    return this.data.subarray(0, this.used);
  }

  /**
   * Sorts the pushed quads by s, p, o, g, keeps one copy of each, drops those that `present`
   * already contains, and returns the rest like `view`. A load writes what remains to its
   * segment, so a statement repeated in the file, or already in the dataset, is stored once.
   */
  sortDistinct(present?: QuadSource): Uint32Array {
    const sorted = radixSortRecords(this.data.subarray(0, this.used));
    // The sort may return a new array, which then replaces the buffer.
    if (sorted.buffer !== this.data.buffer) this.data = sorted;
    let count = dedupeSortedRecords(sorted);
    if (present !== undefined && present.size > 0 && count > 0) {
      count = removeFlagged(sorted, count, present.hasMany(sorted.subarray(0, count * 4)));
    }
    this.used = count * RECORD_WORDS;
    return this.view();
  }
}

/**
 * Moves the records among the first `count` whose flag is 0 to the front and returns their
 * number.
 */
function removeFlagged(records: Uint32Array, count: number, flags: Uint8Array): number {
  let kept = 0;
  for (let i = 0; i < count; i++) {
    if (flags[i] !== 0) continue;
    if (kept !== i) records.copyWithin(kept * 4, i * 4, i * 4 + 4);
    kept++;
  }
  return kept;
}
