/**
 * Token-bucket rate limiting in memory. Each key (a client address or a principal) has a bucket
 * of `burst` tokens that refills at `ratePerSecond`. A request takes one token. A request that
 * finds the bucket empty is rejected with the time until a token is back.
 *
 * The table holds at most `maxKeys` buckets and evicts the least recently used. An evicted key
 * starts again with a full bucket, so a client rotating through more keys than the table holds
 * gets more than its share; the per-address failure block and a proxy in front still apply.
 */

import { InvalidArgumentError } from '../errors.js';

export interface RateLimiterOptions {
  ratePerSecond: number;
  burst: number;
  /** Maximum number of keys tracked (default 10,000). */
  maxKeys?: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date, in ms since the epoch. */
  updatedAt: number;
}

/** A bounded table of token buckets. */
export class RateLimiter {
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly maxKeys: number;
  /** Buckets in least-recently-used order: a Map iterates in insertion order. */
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: RateLimiterOptions) {
    this.ratePerSecond = positive(options.ratePerSecond, 'ratePerSecond');
    this.burst = positive(options.burst, 'burst');
    this.maxKeys = positive(options.maxKeys ?? 10_000, 'maxKeys');
  }

  /** Number of keys tracked. */
  get size(): number {
    return this.buckets.size;
  }

  /** Takes one token from the key's bucket, or returns how long to wait for one. */
  take(key: string, now: number = Date.now()): RateDecision {
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, updatedAt: now };
    const elapsedSeconds = Math.max(0, now - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(this.burst, bucket.tokens + elapsedSeconds * this.ratePerSecond);
    bucket.updatedAt = Math.max(bucket.updatedAt, now);
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    // Bounded: each pass removes one entry until the table is back at its size limit.
    while (this.buckets.size > this.maxKeys) {
      this.buckets.delete(this.buckets.keys().next().value as string);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    const seconds = (1 - bucket.tokens) / this.ratePerSecond;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(seconds)) };
  }
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(`${name} must be a positive number, got ${value}`);
  }
  return value;
}
