/**
 * Estimated sizes of what query operators keep in memory, charged against the budget of one
 * query (QueryOptions.maxQueryMemoryBytes). The figures are estimates for V8 on a 64-bit
 * heap, not measurements. They exist so that a runaway ORDER BY, DISTINCT or hash join fails
 * with LimitExceededError long before the process runs out of heap, and they track the
 * real heap only roughly.
 */
import type { QueryContext } from './context.js';
import type { Value } from './expressions/values.js';

/** Estimated size of an array object's own fields (map, properties, elements, length). */
export const ARRAY_HEADER_BYTES = 16;
/** Estimated size of one Map or Set entry, before its key and value. */
export const MAP_ENTRY_BYTES = 40;
/** A number kept as a Map or Set key or value (a heap number). */
export const NUMBER_BYTES = 8;
/** A reference kept in an array element or an object field. */
export const POINTER_BYTES = 8;

/** Returns the estimated size of a string: 2 bytes per UTF-16 code unit plus 16. */
export function stringBytes(text: string): number {
  return 16 + 2 * text.length;
}

/** Returns the estimated size of an array of `length` elements: 16 + 8·length plus the header. */
export function arrayBytes(length: number): number {
  return ARRAY_HEADER_BYTES + 16 + POINTER_BYTES * length;
}

/**
 * Returns the estimated size of a solution of `slotCount` slots. A solution is a Uint32Array,
 * which stores 4 bytes per slot, but the estimate uses the array formula: the surplus covers
 * the typed array's larger header.
 */
export function solutionBytes(slotCount: number): number {
  return arrayBytes(slotCount);
}

/** Returns the estimated size of a plain object with `fieldCount` fields. */
export function objectBytes(fieldCount: number): number {
  return 16 + POINTER_BYTES * fieldCount;
}

/** Returns the estimated size of one Map or Set entry with the given key and value sizes. */
export function mapEntryBytes(keySize: number, valueSize = 0): number {
  return MAP_ENTRY_BYTES + keySize + valueSize;
}

/** Returns the estimated size of a hash key that is either a term id or a string. */
export function keyBytes(key: number | string): number {
  return typeof key === 'number' ? NUMBER_BYTES : stringBytes(key);
}

/**
 * Returns the estimated size of a decoded term value: its object and its term key, which is
 * about as long as the lexical form, datatype and language together.
 * NOTE: values shared through the evaluator's value cache are counted once per holder.
 */
export function valueBytes(value: Value): number {
  return objectBytes(6) + stringBytes(value.key);
}

/**
 * The bytes one operator has charged to its query, so that it releases exactly those when
 * it finishes. Operators call release() in a finally block, so an operator that runs once
 * per outer solution (inside EXISTS or a nested join) does not accumulate charges.
 */
export class MemoryReservation {
  private bytes = 0;

  constructor(private readonly ctx: QueryContext) {}

  /** Charges `bytes` more; throws LimitExceededError when the query passes its budget. */
  charge(bytes: number): void {
    this.ctx.chargeMemory(bytes);
    this.bytes += bytes;
  }

  /** Releases everything this reservation has charged. */
  release(): void {
    this.ctx.releaseMemory(this.bytes);
    this.bytes = 0;
  }
}
