/**
 * Term ids for one binding of a shapes program to a data dictionary. Terms of the shapes graph
 * that the data dictionary lacks (a sh:targetNode or sh:hasValue the data never mentions) get
 * ids from LOCAL_ID_BASE upward, which match no stored quad, so the data dictionary is never
 * written to.
 */
import { LOCAL_ID_BASE, type TermDictionary, type TermId } from '../store/types.js';

export class TermTable {
  readonly dictionary: TermDictionary;
  /** Dictionary size when the table was built. A larger size means local ids may be stale. */
  readonly dictionarySize: number;
  private readonly localIds = new Map<string, TermId>();
  private readonly localKeys: string[] = [];

  constructor(dictionary: TermDictionary) {
    this.dictionary = dictionary;
    this.dictionarySize = dictionary.size;
  }

  /** Returns the data id of a term key, or a local id when the data has never seen the term. */
  id(key: string): TermId {
    const stored = this.dictionary.lookup(key);
    if (stored !== undefined) return stored;
    let local = this.localIds.get(key);
    if (local === undefined) {
      local = LOCAL_ID_BASE + this.localKeys.length;
      this.localIds.set(key, local);
      this.localKeys.push(key);
    }
    return local;
  }

  /** Returns the term key of a data id or a local id. */
  key(id: TermId): string {
    if (id >= LOCAL_ID_BASE) {
      const key = this.localKeys[id - LOCAL_ID_BASE];
      if (key === undefined) throw new RangeError(`Unknown local term id ${id}`);
      return key;
    }
    return this.dictionary.key(id);
  }

  /** True when the table has local ids, so a grown dictionary may now contain their terms. */
  get hasLocalIds(): boolean {
    return this.localKeys.length > 0;
  }
}
