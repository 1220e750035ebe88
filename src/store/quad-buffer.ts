/** A growable packed array of s,p,o,g quads, used to collect a load before it commits. */
export class QuadBuffer {
  private data = new Uint32Array(4096);
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
}
