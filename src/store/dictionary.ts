/**
 * The in-memory term dictionary: term keys (see rdf/terms.ts) to dense uint32 ids and back.
 *
 * A V8 Map contains at most 2^24 entries, so key → id lives in a chain of Maps. Interning writes
 * only to the last Map and starts a new one when it reaches `mapCapacity` entries. Because ids
 * are assigned in order, Map i contains exactly the ids from `mapFirstIds[i]` up to the first id
 * of Map i + 1, which lets `rollback` drop whole Maps. Id → key is a plain array indexed by id.
 */
import { DEFAULT_GRAPH_KEY } from '../rdf/terms.js';
import { DEFAULT_GRAPH_ID, LOCAL_ID_BASE, type TermDictionary, type TermId } from './types.js';

export interface MemoryDictionaryOptions {
  /** Maximum entries per Map before a new Map starts; default 2^23, at most 2^24. */
  mapCapacity?: number;
  /** Exclusive upper bound on ids; default and maximum LOCAL_ID_BASE (2^31). */
  idLimit?: number;
}

const MAX_MAP_CAPACITY = 1 << 24;
const DEFAULT_MAP_CAPACITY = 1 << 23;

export class MemoryDictionary implements TermDictionary {
  private readonly mapCapacity: number;
  private readonly idLimit: number;
  /** Key → id, split over several Maps; only the last one receives new keys. */
  private readonly maps: Map<string, TermId>[] = [];
  /** First id stored in each Map of `maps`, ascending. */
  private readonly mapFirstIds: TermId[] = [];
  /** Id → key. */
  private readonly keys: string[] = [];

  constructor(options: MemoryDictionaryOptions = {}) {
    const mapCapacity = options.mapCapacity ?? DEFAULT_MAP_CAPACITY;
    if (!Number.isInteger(mapCapacity) || mapCapacity < 1 || mapCapacity > MAX_MAP_CAPACITY) {
      throw new RangeError(
        `Invalid mapCapacity ${mapCapacity}: expected an integer from 1 to ${MAX_MAP_CAPACITY}`,
      );
    }
    const idLimit = options.idLimit ?? LOCAL_ID_BASE;
    if (!Number.isInteger(idLimit) || idLimit < 1 || idLimit > LOCAL_ID_BASE) {
      throw new RangeError(
        `Invalid idLimit ${idLimit}: expected an integer from 1 to ${LOCAL_ID_BASE}`,
      );
    }
    this.mapCapacity = mapCapacity;
    this.idLimit = idLimit;
    this.intern(DEFAULT_GRAPH_KEY);
  }

  /**
   * Rebuilds a dictionary from keys in id order, as `keysFrom(0)` returned them. The first key
   * must be '' (the default graph) and no key may repeat.
   */
  static fromKeys(keys: Iterable<string>, options: MemoryDictionaryOptions = {}): MemoryDictionary {
    const dictionary = new MemoryDictionary(options);
    let position = 0;
    for (const key of keys) {
      if (position === 0) {
        if (key !== DEFAULT_GRAPH_KEY) {
          throw new RangeError(
            `Invalid dictionary keys: key 0 must be '' (the default graph), got ${JSON.stringify(key)}`,
          );
        }
      } else if (dictionary.intern(key) !== position) {
        throw new RangeError(
          `Invalid dictionary keys: key ${JSON.stringify(key)} at position ${position} repeats ` +
            `an earlier key`,
        );
      }
      position++;
    }
    return dictionary;
  }

  get size(): number {
    return this.keys.length;
  }

  /** Number of key → id Maps in use; exposed so tests can check the multi-Map path. */
  get mapCount(): number {
    return this.maps.length;
  }

  lookup(key: string): TermId | undefined {
    const maps = this.maps;
    for (let i = maps.length - 1; i >= 0; i--) {
      const id = maps[i].get(key);
      if (id !== undefined) return id;
    }
    return undefined;
  }

  /** Returns the id of a key, assigning the next id on first sight; throws RangeError when full. */
  intern(key: string): TermId {
    const known = this.lookup(key);
    if (known !== undefined) return known;

    const id = this.keys.length;
    if (id >= this.idLimit) {
      throw new RangeError(
        `Term dictionary is full: ${this.idLimit} ids are assigned and store ids must stay ` +
          `below ${this.idLimit}; split the data over several datasets`,
      );
    }
    let current = this.maps[this.maps.length - 1];
    if (current === undefined || current.size >= this.mapCapacity) {
      current = new Map();
      this.maps.push(current);
      this.mapFirstIds.push(id);
    }
    current.set(key, id);
    this.keys.push(key);
    return id;
  }

  key(id: TermId): string {
    if (!Number.isInteger(id) || id < 0 || id >= this.keys.length) {
      throw new RangeError(`Unknown term id ${id}: assigned ids are 0 to ${this.keys.length - 1}`);
    }
    return this.keys[id];
  }

  /** Returns a mark for `rollback` and `keysFrom`: the id the next new key will get. */
  mark(): number {
    return this.keys.length;
  }

  /** Forgets every id assigned at or after `mark`; later keys get those ids again. */
  rollback(mark: number): void {
    // Mark 0 would forget the default graph, which every dictionary keeps as id 0.
    this.checkMark(mark, DEFAULT_GRAPH_ID + 1);
    const maps = this.maps;
    while (maps.length > 0 && this.mapFirstIds[maps.length - 1] >= mark) {
      maps.pop();
      this.mapFirstIds.pop();
    }
    // The keys of the popped Maps went with them; the rest sit in the last surviving Map.
    const last = maps[maps.length - 1];
    for (let id = mark; id < this.keys.length; id++) last.delete(this.keys[id]);
    this.keys.length = mark;
  }

  /** Returns the keys assigned at or after `mark`, in id order (the first has id `mark`). */
  keysFrom(mark: number): string[] {
    this.checkMark(mark, 0);
    return this.keys.slice(mark);
  }

  private checkMark(mark: number, min: number): void {
    if (!Number.isInteger(mark) || mark < min || mark > this.keys.length) {
      throw new RangeError(
        `Invalid dictionary mark ${mark}: expected an integer from ${min} to ${this.keys.length}`,
      );
    }
  }
}
