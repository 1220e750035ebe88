/**
 * Failed-authentication tracking per client address, in memory. Each address has a failure
 * score that decays exponentially (by default it halves every hour) and gains 1 per failure.
 * When the score reaches the threshold (default 10) the address is blocked for a fixed time
 * (default 1 hour). The score keeps decaying during the block, so an address blocked at 10
 * starts again at about 5 and a repeat offender is blocked again sooner.
 *
 * Successful logins do not lower the score: otherwise one valid account would let an
 * attacker reset the counter between guesses at other accounts.
 */

import { isIPv6 } from 'node:net';
import { InvalidArgumentError } from '../errors.js';

export interface AddressMonitorOptions {
  /** Score at which an address is blocked (default 10). */
  blockThreshold?: number;
  /** Time in milliseconds for a score to halve (default 1 hour). */
  halfLifeMs?: number;
  /** Block duration in milliseconds (default 1 hour). */
  blockMs?: number;
  /** Max number of addresses tracked (default 10,000). The least recently seen is evicted. */
  maxAddresses?: number;
}

export interface AddressStatus {
  /** The key the address is tracked under: IPv4 as is, IPv6 by its /64 network. */
  key: string;
  /** The decayed failure score at the requested time. */
  score: number;
  /** End of the current block, or null when the address is not blocked. */
  blockedUntil: Date | null;
}

interface Entry {
  score: number;
  /** When `score` was last brought up to date, in ms since the epoch. */
  updatedAt: number;
  blockedUntil: number | null;
}

/**
 * Returns the key an address is tracked under. IPv4-mapped IPv6 addresses count as their
 * IPv4 address, and other IPv6 addresses as their /64 network, because one host usually
 * is assigned a whole /64 and could otherwise rotate through 2^64 addresses.
 */
export function addressKey(address: string): string {
  let text = address.trim().toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // Without a colon the text is no IPv6 address, so the IPv6 checks below can be skipped.
  if (!text.includes(':')) return text;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (mapped !== null) return mapped[1]!;
  if (!isIPv6(text)) return text;
  const groups = expandIPv6(text);
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/** Expands an IPv6 address to eight hexadecimal groups without leading zeros. */
function expandIPv6(text: string): string[] {
  let body = text;
  const tail: string[] = [];
  // A trailing dotted IPv4 part stands for the last two groups.
  const ipv4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(body);
  if (ipv4 !== null) {
    const [a, b, c, d] = ipv4.slice(1).map(Number) as [number, number, number, number];
    tail.push(((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
    body = body.slice(0, ipv4.index).replace(/:$/, '');
    if (body.endsWith(':')) body += ':';
  }
  const [head, rest] = body.split('::') as [string, string | undefined];
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const missing = 8 - tail.length - headGroups.length - restGroups.length;
  const groups = [...headGroups, ...Array<string>(Math.max(missing, 0)).fill('0'), ...restGroups];
  return [...groups, ...tail].map((group) => parseInt(group, 16).toString(16));
}

/**
 * Slack on the threshold. Failures of one burst have already decayed a little by the time the
 * last one lands (ten failures within a minute score about 9.94), and without it the block
 * would come one failure late. Failures spread over a longer time still count for less.
 */
const BURST_TOLERANCE = 0.1;

/** The bounded table of failure scores per client address. */
export class AddressMonitor {
  readonly blockThreshold: number;
  readonly halfLifeMs: number;
  readonly blockMs: number;
  readonly maxAddresses: number;
  /** Entries in least-recently-seen order: a Map iterates in insertion order. */
  private readonly entries = new Map<string, Entry>();

  constructor(options: AddressMonitorOptions = {}) {
    this.blockThreshold = positive(options.blockThreshold ?? 10, 'blockThreshold');
    this.halfLifeMs = positive(options.halfLifeMs ?? 3_600_000, 'halfLifeMs');
    this.blockMs = positive(options.blockMs ?? 3_600_000, 'blockMs');
    this.maxAddresses = positive(options.maxAddresses ?? 10_000, 'maxAddresses');
    if (!Number.isSafeInteger(this.maxAddresses)) {
      throw new InvalidArgumentError(`maxAddresses must be an integer, got ${this.maxAddresses}`);
    }
  }

  /** Number of addresses tracked. */
  get size(): number {
    return this.entries.size;
  }

  /** Records one failed authentication from the address and returns its new status. */
  recordFailure(address: string, now: Date = new Date()): AddressStatus {
    const key = addressKey(address);
    const time = now.getTime();
    const entry = this.entries.get(key) ?? { score: 0, updatedAt: time, blockedUntil: null };
    this.decay(entry, time);
    entry.score += 1;
    if (entry.score + BURST_TOLERANCE >= this.blockThreshold && !this.isBlockedAt(entry, time)) {
      entry.blockedUntil = time + this.blockMs;
    }
    this.touch(key, entry);
    return this.statusOf(key, entry, time);
  }

  /** Returns the end of the address's block, or null when it is not blocked at `now`. */
  blockedUntil(address: string, now: Date = new Date()): Date | null {
    // No address is tracked until an authentication fails, which keeps this check cheap on
    // the requests of a server without recent failures.
    if (this.entries.size === 0) return null;
    const key = addressKey(address);
    const entry = this.entries.get(key);
    if (entry === undefined) return null;
    const time = now.getTime();
    if (!this.isBlockedAt(entry, time)) return null;
    // A blocked address that keeps trying stays at the recent end, so rotating other
    // addresses cannot evict it while it is active.
    this.touch(key, entry);
    return new Date(entry.blockedUntil!);
  }

  /** Returns the address's status without changing it. */
  status(address: string, now: Date = new Date()): AddressStatus {
    const key = addressKey(address);
    const entry = this.entries.get(key);
    const time = now.getTime();
    if (entry === undefined) return { key, score: 0, blockedUntil: null };
    const copy = { ...entry };
    this.decay(copy, time);
    return this.statusOf(key, copy, time);
  }

  /** Returns the addresses blocked at `now` (as tracking keys), the longest block first. */
  listBlocked(now: Date = new Date()): AddressStatus[] {
    const time = now.getTime();
    const blocked: AddressStatus[] = [];
    for (const [key, entry] of this.entries) {
      if (!this.isBlockedAt(entry, time)) continue;
      const copy = { ...entry };
      this.decay(copy, time);
      blocked.push(this.statusOf(key, copy, time));
    }
    return blocked.sort((a, b) => b.blockedUntil!.getTime() - a.blockedUntil!.getTime());
  }

  /** Returns the number of addresses blocked at `now`, for the metrics gauge. */
  blockedCount(now: Date = new Date()): number {
    const time = now.getTime();
    let count = 0;
    for (const entry of this.entries.values()) if (this.isBlockedAt(entry, time)) count++;
    return count;
  }

  /** Forgets an address, which lifts its block. Returns whether it was tracked. */
  unblock(address: string): boolean {
    return this.entries.delete(addressKey(address));
  }

  private decay(entry: Entry, time: number): void {
    const elapsed = Math.max(0, time - entry.updatedAt);
    entry.score *= Math.pow(0.5, elapsed / this.halfLifeMs);
    entry.updatedAt = Math.max(entry.updatedAt, time);
  }

  private isBlockedAt(entry: Entry, time: number): boolean {
    return entry.blockedUntil !== null && entry.blockedUntil > time;
  }

  private touch(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxAddresses) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  private statusOf(key: string, entry: Entry, time: number): AddressStatus {
    return {
      key,
      score: entry.score,
      blockedUntil: this.isBlockedAt(entry, time) ? new Date(entry.blockedUntil!) : null,
    };
  }
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(`${name} must be a positive number, got ${value}`);
  }
  return value;
}
