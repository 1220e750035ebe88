/**
 * The in-memory term dictionary: term keys (see rdf/terms.ts) to dense uint32 ids and back.
 *
 * The id → key arrays are the only holders of the key strings. Key → id is a chain of
 * open-addressing hash tables (linear probing) whose slots contain an id and its 32-bit key
 * hash. A term therefore costs its string plus about 8 bytes in the arrays and 16 to 32 in a
 * table. On the 248,281 terms of LUBM(8), with keys of 58.7 characters on average, that came to
 * 106 bytes per term against 117 for a Map plus an array (scripts/measure-load.ts, Node.js 20).
 *
 * Each table contains at most `mapCapacity` entries. That is at most 2^24, the entry limit of a
 * V8 Map, which bounds one table to 256 MiB of slots. Interning writes only to the last table and
 * starts a new one when it is full. Ids are assigned in order, so table i contains exactly the
 * ids from its first id up to the first id of table i + 1, which lets `rollback` drop whole
 * tables.
 *
 * `internAscii` interns a key given as ASCII bytes without creating a string unless the key is
 * new; parsers use it to skip one string allocation per term occurrence.
 */
import { DEFAULT_GRAPH_KEY } from '../rdf/terms.js';
import { hashAscii, hashKey } from './key-hash.js';
import { DEFAULT_GRAPH_ID, LOCAL_ID_BASE, type TermDictionary, type TermId } from './types.js';

export { hashAscii, hashKey };

export interface MemoryDictionaryOptions {
  /** Maximum entries per hash table before a new table starts; default 2^23, at most 2^24. */
  mapCapacity?: number;
  /** Exclusive upper bound on ids; default and maximum LOCAL_ID_BASE (2^31). */
  idLimit?: number;
}

const MAX_MAP_CAPACITY = 1 << 24;
const DEFAULT_MAP_CAPACITY = 1 << 23;
const INITIAL_TABLE_SLOTS = 16;
const KEY_PAGE_BITS = 16;
const KEY_PAGE_SIZE = 1 << KEY_PAGE_BITS;
const KEY_PAGE_MASK = KEY_PAGE_SIZE - 1;

/**
 * Buffer's undocumented latin1 string constructor, which `toString('latin1')` calls after
 * checking its arguments; it exists in Node.js 20.
 */
interface Latin1Slice {
  latin1Slice(start: number, end: number): string;
}

/**
 * One open-addressing table of the chain. Slot i is the pair entries[2i] = key hash and
 * entries[2i + 1] = ~id, which is never 0, so 0 marks a free slot. Keeping the hash next to the
 * id lets a probe skip other keys without reading them.
 */
interface HashTable {
  entries: Int32Array;
  /** Number of ids stored, which are firstId to firstId + count - 1. */
  count: number;
  readonly firstId: TermId;
}

export class MemoryDictionary implements TermDictionary {
  private readonly mapCapacity: number;
  private readonly idLimit: number;
  /** Key → id, split over several tables; only the last one receives new keys. */
  private readonly tables: HashTable[] = [];
  /**
   * Id → key, in pages of KEY_PAGE_SIZE keys, because V8 (in Node.js 20) aborts the
   * process when one array grows past about 1.7 * 10^8 elements.
   */
  private readonly keyPages: string[][] = [];
  /** Number of ids assigned. */
  private count = 0;

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
    return this.count;
  }

  /** Number of key → id hash tables in use; exposed so tests can check the multi-table path. */
  get mapCount(): number {
    return this.tables.length;
  }

  lookup(key: string): TermId | undefined {
    const id = this.find(key, hashKey(key));
    return id < 0 ? undefined : id;
  }

  /** Returns the id of a key, assigning the next id on first sight; throws RangeError when full. */
  intern(key: string): TermId {
    const hash = hashKey(key);
    const known = this.find(key, hash);
    return known >= 0 ? known : this.add(key, hash);
  }

  /**
   * Interns the key whose characters are the ASCII bytes `start` to `end` of `bytes`, creating
   * its string only when it is new. The caller guarantees that every byte is below 0x80; other
   * keys go through `intern`. `knownHash`, when given, must be `hashKey` of the key (a parser can
   * compute it while scanning the bytes).
   */
  internAscii(bytes: Buffer, start: number, end: number, knownHash?: number): TermId {
    const hash = knownHash ?? hashAscii(bytes, start, end);
    const length = end - start;
    const pages = this.keyPages;
    for (let t = this.tables.length - 1; t >= 0; t--) {
      const entries = this.tables[t].entries;
      const mask = (entries.length >>> 1) - 1;
      for (let i = hash & mask; entries[2 * i + 1] !== 0; i = (i + 1) & mask) {
        if (entries[2 * i] !== hash) continue;
        const id = ~entries[2 * i + 1];
        const key = pages[id >>> KEY_PAGE_BITS][id & KEY_PAGE_MASK];
        if (key.length === length && equalsAscii(key, bytes, start)) return id;
      }
    }
    return this.add((bytes as unknown as Latin1Slice).latin1Slice(start, end), hash);
  }

  key(id: TermId): string {
    if (!Number.isInteger(id) || id < 0 || id >= this.count) {
      throw new RangeError(`Unknown term id ${id}: assigned ids are 0 to ${this.count - 1}`);
    }
    return this.keyPages[id >>> KEY_PAGE_BITS][id & KEY_PAGE_MASK];
  }

  /** Returns a mark for `rollback` and `keysFrom`: the id the next new key will get. */
  mark(): number {
    return this.count;
  }

  /** Forgets every id assigned at or after `mark`; later keys get those ids again. */
  rollback(mark: number): void {
    // Mark 0 would forget the default graph, which every dictionary keeps as id 0.
    this.checkMark(mark, DEFAULT_GRAPH_ID + 1);
    const tables = this.tables;
    while (tables.length > 0 && tables[tables.length - 1].firstId >= mark) tables.pop();
    this.count = mark;
    const pages = this.keyPages;
    pages.length = Math.ceil(mark / KEY_PAGE_SIZE);
    if (pages.length > 0)
      pages[pages.length - 1].length = mark - (pages.length - 1) * KEY_PAGE_SIZE;
    // The ids of the popped tables went with them. Linear probing cannot simply clear a slot,
    // so the last surviving table is rebuilt from the ids it keeps.
    const last = tables[tables.length - 1];
    last.count = mark - last.firstId;
    rebuild(last, last.entries.length >>> 1, mark);
  }

  /** Returns the keys assigned at or after `mark`, in id order (the first has id `mark`). */
  keysFrom(mark: number): string[] {
    this.checkMark(mark, 0);
    const keys: string[] = [];
    for (let id = mark; id < this.count; id++) {
      keys.push(this.keyPages[id >>> KEY_PAGE_BITS][id & KEY_PAGE_MASK]);
    }
    return keys;
  }

  /** Returns the id of `key`, whose hash is `hash`, or -1. */
  private find(key: string, hash: number): number {
    const pages = this.keyPages;
    for (let t = this.tables.length - 1; t >= 0; t--) {
      const entries = this.tables[t].entries;
      const mask = (entries.length >>> 1) - 1;
      for (let i = hash & mask; entries[2 * i + 1] !== 0; i = (i + 1) & mask) {
        if (entries[2 * i] !== hash) continue;
        const id = ~entries[2 * i + 1];
        if (pages[id >>> KEY_PAGE_BITS][id & KEY_PAGE_MASK] === key) return id;
      }
    }
    return -1;
  }

  /** Assigns the next id to a key known to be new. */
  private add(key: string, hash: number): TermId {
    const id = this.count;
    if (id >= this.idLimit) {
      throw new RangeError(
        `Term dictionary is full: ${this.idLimit} ids are assigned and store ids must stay ` +
          `below ${this.idLimit}; split the data over several datasets`,
      );
    }
    let table = this.tables[this.tables.length - 1];
    if (table === undefined || table.count >= this.mapCapacity) {
      table = { entries: new Int32Array(2 * INITIAL_TABLE_SLOTS), count: 0, firstId: id };
      this.tables.push(table);
    }
    if ((id & KEY_PAGE_MASK) === 0) this.keyPages.push([]);
    this.keyPages[id >>> KEY_PAGE_BITS].push(key);
    this.count = id + 1;
    table.count++;
    // A load factor of at most 1/2 keeps linear probes short.
    const slotCount = table.entries.length >>> 1;
    if (table.count * 2 > slotCount) rebuild(table, slotCount * 2, id);
    place(table.entries, hash, id);
    return id;
  }

  private checkMark(mark: number, min: number): void {
    if (!Number.isInteger(mark) || mark < min || mark > this.count) {
      throw new RangeError(
        `Invalid dictionary mark ${mark}: expected an integer from ${min} to ${this.count}`,
      );
    }
  }
}

/** Stores `id` with its hash in the first free slot of its probe sequence. */
function place(entries: Int32Array, hash: number, id: TermId): void {
  const mask = (entries.length >>> 1) - 1;
  let i = hash & mask;
  while (entries[2 * i + 1] !== 0) i = (i + 1) & mask;
  entries[2 * i] = hash;
  entries[2 * i + 1] = ~id;
}

/** Refills a table with `slotCount` slots, keeping the ids below `idEnd`. */
function rebuild(table: HashTable, slotCount: number, idEnd: TermId): void {
  const old = table.entries;
  const entries = new Int32Array(2 * slotCount);
  for (let i = 1; i < old.length; i += 2) {
    if (old[i] !== 0 && ~old[i] < idEnd) place(entries, old[i - 1], ~old[i]);
  }
  table.entries = entries;
}

/** Returns true when `key` equals the bytes from `start`, over the key's length. */
function equalsAscii(key: string, bytes: Uint8Array, start: number): boolean {
  for (let i = 0; i < key.length; i++) {
    if (key.charCodeAt(i) !== bytes[start + i]) return false;
  }
  return true;
}
