import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../src/errors.js';
import { RateLimiter } from '../../src/security/rate-limit.js';

describe('RateLimiter', () => {
  it('allows a burst then rejects', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 3 });
    const now = 1_000_000;
    for (let i = 0; i < 3; i++) assert.deepEqual(limiter.take('a', now), { allowed: true });
    const rejected = limiter.take('a', now);
    assert.equal(rejected.allowed, false);
    assert.equal(rejected.allowed === false && rejected.retryAfterSeconds, 1);
  });

  it('refills at the configured rate', () => {
    const limiter = new RateLimiter({ ratePerSecond: 2, burst: 2 });
    const now = 5_000;
    limiter.take('a', now);
    limiter.take('a', now);
    assert.equal(limiter.take('a', now).allowed, false);
    assert.equal(limiter.take('a', now + 499).allowed, false, 'not yet a whole token');
    assert.equal(limiter.take('a', now + 1000).allowed, true);
    // Refill never exceeds the burst.
    const later = now + 3_600_000;
    assert.equal(limiter.take('a', later).allowed, true);
    assert.equal(limiter.take('a', later).allowed, true);
    assert.equal(limiter.take('a', later).allowed, false);
  });

  it('keeps keys apart', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1 });
    assert.equal(limiter.take('a', 0).allowed, true);
    assert.equal(limiter.take('a', 0).allowed, false);
    assert.equal(limiter.take('b', 0).allowed, true);
  });

  it('reports long waits in whole seconds', () => {
    const limiter = new RateLimiter({ ratePerSecond: 0.1, burst: 1 });
    limiter.take('a', 0);
    const decision = limiter.take('a', 0);
    assert.equal(decision.allowed === false && decision.retryAfterSeconds, 10);
  });

  it('bounds its table', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1, maxKeys: 100 });
    for (let i = 0; i < 10_000; i++) limiter.take(`key-${i}`, 0);
    assert.equal(limiter.size, 100);
  });

  it('rejects invalid settings', () => {
    assert.throws(() => new RateLimiter({ ratePerSecond: 0, burst: 1 }), InvalidArgumentError);
    assert.throws(() => new RateLimiter({ ratePerSecond: 1, burst: -1 }), InvalidArgumentError);
    assert.throws(
      () => new RateLimiter({ ratePerSecond: Number.NaN, burst: 1 }),
      InvalidArgumentError,
    );
  });
});
