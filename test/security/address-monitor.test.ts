import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AddressMonitor, addressKey } from '../../src/security/address-monitor.js';

const T0 = new Date('2026-01-01T00:00:00Z');
const HOUR = 3_600_000;

function at(ms: number): Date {
  return new Date(T0.getTime() + ms);
}

describe('AddressMonitor', () => {
  it('blocks at the tenth failure of a burst', () => {
    const monitor = new AddressMonitor();
    const start = Date.parse('2026-01-01T00:00:00Z');
    // One failure a second: the first ones have decayed a little by the tenth.
    for (let i = 0; i < 9; i++) monitor.recordFailure('192.0.2.7', new Date(start + i * 1000));
    assert.equal(monitor.blockedUntil('192.0.2.7', new Date(start + 9000)), null);
    monitor.recordFailure('192.0.2.7', new Date(start + 9000));
    assert.notEqual(monitor.blockedUntil('192.0.2.7', new Date(start + 9000)), null);
  });

  it('blocks at ten failures for an hour', () => {
    const monitor = new AddressMonitor();
    for (let i = 1; i <= 9; i++) {
      assert.equal(monitor.recordFailure('192.0.2.1', T0).blockedUntil, null, `failure ${i}`);
    }
    assert.equal(monitor.blockedUntil('192.0.2.1', T0), null);
    assert.deepEqual(monitor.recordFailure('192.0.2.1', T0).blockedUntil, at(HOUR));
    assert.deepEqual(monitor.blockedUntil('192.0.2.1', at(HOUR - 1)), at(HOUR));
    assert.equal(monitor.blockedUntil('192.0.2.1', at(HOUR)), null);
    assert.equal(monitor.blockedUntil('192.0.2.2', T0), null);
  });

  it('decays with a one-hour half-life', () => {
    const monitor = new AddressMonitor();
    for (let i = 0; i < 8; i++) monitor.recordFailure('192.0.2.1', T0);
    assert.equal(monitor.status('192.0.2.1', at(HOUR)).score, 4);
    assert.equal(monitor.status('192.0.2.1', at(2 * HOUR)).score, 2);
    // Eight failures an hour ago count as four, so six more are needed to block.
    for (let i = 0; i < 5; i++) monitor.recordFailure('192.0.2.1', at(HOUR));
    assert.equal(monitor.blockedUntil('192.0.2.1', at(HOUR)), null);
    monitor.recordFailure('192.0.2.1', at(HOUR));
    assert.notEqual(monitor.blockedUntil('192.0.2.1', at(HOUR)), null);
  });

  it('never blocks slow failures', () => {
    const monitor = new AddressMonitor();
    // One failure every 15 minutes settles near 1 / (1 - 2^-0.25) ≈ 6.3, under 10.
    for (let i = 0; i < 200; i++) {
      const status = monitor.recordFailure('192.0.2.1', at(i * 15 * 60_000));
      assert.equal(status.blockedUntil, null, `failure ${i}`);
    }
  });

  it('bounds the table', () => {
    const monitor = new AddressMonitor({ maxAddresses: 100 });
    for (let i = 0; i < 10; i++) monitor.recordFailure('198.51.100.1', T0);
    for (let i = 0; i < 1000; i++) {
      monitor.recordFailure(`10.0.${Math.floor(i / 256)}.${i % 256}`, T0);
      assert.ok(monitor.size <= 100);
      // The blocked address keeps trying, which keeps it in the table.
      if (i % 50 === 0) assert.notEqual(monitor.blockedUntil('198.51.100.1', T0), null);
    }
    assert.equal(monitor.size, 100);
    assert.equal(monitor.status('10.0.0.0', T0).score, 0);
    assert.equal(monitor.status('10.0.3.231', T0).score, 1);
  });

  it('evicts the least recently seen', () => {
    const monitor = new AddressMonitor({ maxAddresses: 2 });
    monitor.recordFailure('192.0.2.1', T0);
    monitor.recordFailure('192.0.2.2', T0);
    monitor.recordFailure('192.0.2.1', T0);
    monitor.recordFailure('192.0.2.3', T0);
    assert.equal(monitor.status('192.0.2.1', T0).score, 2);
    assert.equal(monitor.status('192.0.2.2', T0).score, 0);
    assert.equal(monitor.status('192.0.2.3', T0).score, 1);
  });

  it('honours smaller limits and unblock', () => {
    const monitor = new AddressMonitor({ blockThreshold: 2, blockMs: 1000 });
    monitor.recordFailure('127.0.0.1', T0);
    assert.deepEqual(monitor.recordFailure('127.0.0.1', T0).blockedUntil, at(1000));
    assert.equal(monitor.unblock('127.0.0.1'), true);
    assert.equal(monitor.blockedUntil('127.0.0.1', T0), null);
    assert.throws(() => new AddressMonitor({ maxAddresses: 0 }), /maxAddresses/);
  });

  it('groups IPv6 by /64 network', () => {
    const cases: [string, string][] = [
      ['192.0.2.1', '192.0.2.1'],
      [' 192.0.2.1 ', '192.0.2.1'],
      ['::ffff:192.0.2.1', '192.0.2.1'],
      ['::FFFF:192.0.2.1', '192.0.2.1'],
      ['::1', '0:0:0:0::/64'],
      ['2001:db8::1', '2001:db8:0:0::/64'],
      ['2001:DB8:0:0:ffff::2', '2001:db8:0:0::/64'],
      ['2001:0db8:0000:0001:0:0:0:1', '2001:db8:0:1::/64'],
      ['fe80::1%eth0', 'fe80:0:0:0::/64'],
      ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    ];
    for (const [address, key] of cases) assert.equal(addressKey(address), key, address);
    const monitor = new AddressMonitor({ blockThreshold: 2 });
    monitor.recordFailure('2001:db8::1', T0);
    monitor.recordFailure('2001:db8::2', T0);
    assert.notEqual(monitor.blockedUntil('2001:db8::ffff', T0), null);
    assert.equal(monitor.blockedUntil('2001:db8:0:1::1', T0), null);
  });
});
