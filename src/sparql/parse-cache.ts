/**
 * A least-recently-used cache of parsed queries by text, which admits a text the second time
 * it is seen within a while. Texts sent once (a query with a value spliced into it, or a new
 * comment) then neither evict the queries clients repeat nor keep their parse alive. With every
 * text admitted, each one-off parse survived 256 later ones. Copying and promoting those cost
 * the garbage collector about a tenth of the time of LUBM q09 with a new text every run.
 *
 * Texts seen once are remembered by a 32-bit hash in a direct-mapped table, not by the text. A
 * collision of two texts in a slot only delays an admission. Two texts with the same hash admit
 * each other one sighting early. Neither changes what `get` returns for a text.
 */

/** Slots of the table of texts seen once; a power of two. */
const SEEN_SLOTS = 4096;

/** FNV-1a over the UTF-16 code units of `text`, as an unsigned 32-bit integer. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  }
  return hash >>> 0;
}

export class ParseCache<T> {
  private readonly entries = new Map<string, T>();
  private readonly seen = new Uint32Array(SEEN_SLOTS);
  /** Whether the slot contains a hash. A hash of 0 is as valid as any other. */
  private readonly seenUsed = new Uint8Array(SEEN_SLOTS);

  /**
   * @param capacity entries kept; the least recently used one goes first.
   * @param maxTextLength longer texts are never kept.
   */
  constructor(
    private readonly capacity: number,
    private readonly maxTextLength: number,
  ) {}

  /** Returns the value kept for `key` and marks it as the most recently used. */
  get(key: string): T | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /**
   * Offers the value parsed from `key`, after a `get` that missed. It is kept when `key` was
   * offered before and no other text has taken its slot since; otherwise `key` is remembered.
   */
  offer(key: string, value: T): void {
    if (key.length > this.maxTextLength || this.capacity === 0) return;
    const hash = hashText(key);
    const slot = hash & (SEEN_SLOTS - 1);
    if (this.seenUsed[slot] === 0 || this.seen[slot] !== hash) {
      this.seen[slot] = hash;
      this.seenUsed[slot] = 1;
      return;
    }
    this.seenUsed[slot] = 0;
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
