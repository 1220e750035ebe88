/**
 * Per-query execution state: the dataset, the overlay dictionary for computed terms, and the
 * deadline, cancellation and event-loop pause checks that every inner loop goes through.
 */
import { LimitExceededError, QueryCancelledError, QueryTimeoutError } from '../errors.js';
import { mapEntryBytes, POINTER_BYTES, stringBytes } from './memory.js';
import type { QueryProfile } from './profile.js';
import {
  LOCAL_ID_BASE,
  type QuadSource,
  type TermDictionary,
  type TermId,
} from '../store/types.js';

/** Marks an unbound variable slot in a solution. */
export const UNBOUND = 0xffff_ffff;

/** A solution: one term id per variable slot, UNBOUND where the variable has no value. */
export type Solution = Uint32Array;

/**
 * Sentinel that generators yield upward when the query has run about 10 ms without giving
 * the event loop a turn. The top-level async iterator then awaits setImmediate.
 */
export const PAUSE: unique symbol = Symbol('pause');
export type Pause = typeof PAUSE;
export type SolutionStream = Generator<Solution | Pause, void, undefined>;

/** Number of steps between two deadline and signal checks. */
const CHECK_INTERVAL_MASK = 1023;
/** Wall time (ms) after which check() returns true, so that the caller yields PAUSE. */
const PAUSE_AFTER_MS = 10;

/** Default maximum number of groups one GROUP BY may form. */
export const DEFAULT_MAX_GROUPS = 1_000_000;

/** Default maximum number of nodes the property paths of one query may visit. */
export const DEFAULT_MAX_PATH_NODES = 10_000_000;

/** Default budget of one query for what its operators keep in memory: 512 MiB, estimated. */
export const DEFAULT_MAX_QUERY_MEMORY_BYTES = 512 * 1024 * 1024;

export class QueryContext {
  /** Maximum number of groups one GROUP BY may form; more throw LimitExceededError. */
  maxGroups = DEFAULT_MAX_GROUPS;
  /** Row counters for EXPLAIN; undefined (the default) skips all counting. */
  profile: QueryProfile | undefined = undefined;
  /** Maximum nodes the property paths of this query may visit in total, past which they throw. */
  maxPathNodes = DEFAULT_MAX_PATH_NODES;
  /** Budget in estimated bytes (see memory.ts) for what the operators of this query keep. */
  maxQueryMemoryBytes = DEFAULT_MAX_QUERY_MEMORY_BYTES;
  readonly dictionary: TermDictionary;
  readonly quads: QuadSource;
  readonly slotCount: number;
  private readonly deadline: number;
  private readonly timeoutMs: number;
  private readonly signal: AbortSignal | undefined;
  private steps = 0;
  private memoryBytes = 0;
  private lastPause = Date.now();
  private readonly localIds = new Map<string, TermId>();
  private readonly localKeys: string[] = [];

  constructor(
    dictionary: TermDictionary,
    quads: QuadSource,
    slotCount: number,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ) {
    this.dictionary = dictionary;
    this.quads = quads;
    this.slotCount = slotCount;
    this.timeoutMs = timeoutMs;
    this.deadline = Date.now() + timeoutMs;
    this.signal = signal;
  }

  /** Returns a solution with every slot unbound. */
  emptySolution(): Solution {
    return new Uint32Array(this.slotCount).fill(UNBOUND);
  }

  /**
   * Counts one unit of work. Every 1024 steps it throws on timeout or cancellation and
   * returns true when the caller should yield PAUSE.
   */
  step(): boolean {
    if ((++this.steps & CHECK_INTERVAL_MASK) !== 0) return false;
    return this.check();
  }

  /** Throws QueryTimeoutError or QueryCancelledError; returns true when a pause is due. */
  check(): boolean {
    const now = Date.now();
    if (now > this.deadline) throw new QueryTimeoutError(this.timeoutMs);
    if (this.signal?.aborted) throw new QueryCancelledError(abortReason(this.signal));
    return now - this.lastPause >= PAUSE_AFTER_MS;
  }

  /** Records that the event loop just had a turn. */
  paused(): void {
    this.lastPause = Date.now();
  }

  /** Estimated bytes that the operators of this query keep in memory right now. */
  get memoryInUse(): number {
    return this.memoryBytes;
  }

  /**
   * Adds `bytes` to the query's memory in use. Throws LimitExceededError, and charges
   * nothing, when that would pass maxQueryMemoryBytes.
   */
  chargeMemory(bytes: number): void {
    const total = this.memoryBytes + bytes;
    if (total > this.maxQueryMemoryBytes) {
      throw new LimitExceededError(
        'Query memory (bytes)',
        this.maxQueryMemoryBytes,
        'maxQueryMemoryBytes',
      );
    }
    this.memoryBytes = total;
  }

  /** Subtracts `bytes` that an operator charged and no longer keeps. */
  releaseMemory(bytes: number): void {
    this.memoryBytes = Math.max(0, this.memoryBytes - bytes);
  }

  /** Returns the id of a term key: the store id when the store has it, else a query-local id. */
  idOf(key: string): TermId {
    const stored = this.dictionary.lookup(key);
    if (stored !== undefined) return stored;
    let local = this.localIds.get(key);
    if (local === undefined) {
      // Query-local terms live as long as the query, so their memory is never released.
      this.chargeMemory(mapEntryBytes(stringBytes(key), POINTER_BYTES) + POINTER_BYTES);
      local = LOCAL_ID_BASE + this.localKeys.length;
      this.localKeys.push(key);
      this.localIds.set(key, local);
    }
    return local;
  }

  /** Returns the store id of a term key, or undefined when no stored quad can contain it. */
  storeIdOf(key: string): TermId | undefined {
    return this.dictionary.lookup(key);
  }

  /** Returns the term key of a store or query-local id. */
  keyOf(id: TermId): string {
    if (id >= LOCAL_ID_BASE) {
      const key = this.localKeys[id - LOCAL_ID_BASE];
      if (key === undefined) throw new RangeError(`Unknown query-local term id ${id}`);
      return key;
    }
    return this.dictionary.key(id);
  }
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason.message;
  if (typeof reason === 'string') return reason;
  return 'the request was aborted';
}
