/**
 * The 32-bit hash of term keys that MemoryDictionary's tables use. It is FNV-1a over 32-bit
 * words instead of single characters: word i packs UTF-16 code units 4i to 4i + 3 (the first in
 * the low byte, each shifted by 8 bits more, so units above 0xff overlap but stay deterministic),
 * and the last `length % 4` units are hashed one at a time. A final mix makes the low bits, which
 * pick the table slot, depend on every unit.
 *
 * For an ASCII key the code units are its UTF-8 bytes, so `hashAscii` over those bytes returns
 * the same value as `hashKey` over the string. The N-Triples parser computes the same hash while
 * it scans an IRI (see ntriples-parser.ts) and hands it to the dictionary, so a changed step here
 * must change there too; test/rdf/ntriples-fast.test.ts checks that they agree.
 */

export const KEY_HASH_SEED = 0x811c9dc5;
export const KEY_HASH_PRIME = 0x01000193;

/** Returns the hash of `key`. */
export function hashKey(key: string): number {
  let hash = KEY_HASH_SEED;
  const length = key.length;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    const word =
      key.charCodeAt(i) |
      (key.charCodeAt(i + 1) << 8) |
      (key.charCodeAt(i + 2) << 16) |
      (key.charCodeAt(i + 3) << 24);
    hash = Math.imul(hash ^ word, KEY_HASH_PRIME);
  }
  for (; i < length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), KEY_HASH_PRIME);
  return finishKeyHash(hash);
}

/** Returns `hashKey` of the ASCII string in bytes `start` to `end`. */
export function hashAscii(bytes: Uint8Array, start: number, end: number): number {
  let hash = KEY_HASH_SEED;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const word = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    hash = Math.imul(hash ^ word, KEY_HASH_PRIME);
  }
  for (; i < end; i++) hash = Math.imul(hash ^ bytes[i], KEY_HASH_PRIME);
  return finishKeyHash(hash);
}

/** Mixes the high bits of a running hash into the low ones; returns the key's final hash. */
export function finishKeyHash(hash: number): number {
  let mixed = hash ^ (hash >>> 15);
  mixed = Math.imul(mixed, 0x2c1b3c6d);
  return (mixed ^ (mixed >>> 12)) | 0;
}
