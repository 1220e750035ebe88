/**
 * Run-time changes of the incident level. IncidentController applies every change (from the
 * admin API, from the server itself, or noticed after the CLI stored it) one at a time, sends
 * the webhook, and reports the change for the audit log, the log and the metrics.
 * IncidentMonitor counts security violations in a sliding window and raises the level when a
 * threshold is reached. The monitor only raises, and never above high, because only an admin
 * lowers the level or chooses critical.
 */

import { INCIDENT_LEVELS, type IncidentLevel, type IncidentState } from './incident.js';
import type { IncidentWebhook } from './incident-webhook.js';

/** The kinds of request the monitor counts: 401s, 403s and malformed input. */
export type ViolationKind = 'authentication' | 'authorization' | 'validation';
export const VIOLATION_KINDS: readonly ViolationKind[] = [
  'authentication',
  'authorization',
  'validation',
];

/** The origin of a change: an admin or the CLI (manual), or the server itself (automatic). */
export type IncidentChangeSource = 'manual' | 'automatic' | 'external';

/** One applied level change. */
export interface IncidentChange {
  level: IncidentLevel;
  previous: IncidentLevel;
  reason: string | null;
  setBy: string | null;
  at: Date;
  /** `external` means another process (the CLI) stored it and this server noticed it later. */
  source: IncidentChangeSource;
  /** The client address of an admin API change. */
  address?: string | null;
  /** Webhook outcome: sent, failed, or none (no webhook configured, or the level is unchanged). */
  webhook: 'sent' | 'failed' | 'none';
}

export interface IncidentControllerOptions {
  state: IncidentState;
  webhook?: IncidentWebhook;
  /** Called after each applied change, to audit, log and count it; errors are ignored. */
  onChange?: (change: IncidentChange) => void;
  /** Called when a webhook delivery fails or times out; errors are ignored. */
  onWebhookFailure?: (error: unknown, change: Omit<IncidentChange, 'webhook'>) => void;
  now?: () => number;
}

export interface IncidentChangeRequest {
  setBy?: string | null;
  reason?: string | null;
  address?: string | null;
}

/** Returns the rank of a level, 0 (none) to 4 (critical). */
export function incidentRank(level: IncidentLevel): number {
  return INCIDENT_LEVELS.indexOf(level);
}

/** Applies incident level changes in order and notifies the webhook. */
export class IncidentController {
  private readonly state: IncidentState;
  private readonly webhook?: IncidentWebhook;
  private readonly onChange: (change: IncidentChange) => void;
  private readonly onWebhookFailure: IncidentControllerOptions['onWebhookFailure'];
  private readonly now: () => number;
  /** Tail of the change queue, so two changes never interleave their webhook and store steps. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The level this controller last applied or noticed, to tell external changes apart. */
  private known: IncidentLevel;

  constructor(options: IncidentControllerOptions) {
    this.state = options.state;
    this.webhook = options.webhook;
    this.onChange = options.onChange ?? (() => undefined);
    this.onWebhookFailure = options.onWebhookFailure;
    this.now = options.now ?? Date.now;
    this.known = this.state.current().level;
  }

  /**
   * Sets the level. A change to critical waits for the webhook (bounded by its timeout) before
   * the lockdown is stored, so the receiver hears of it while the server still serves requests.
   * Any other change is stored first and notified after. Resolves with the applied change.
   */
  change(level: IncidentLevel, request: IncidentChangeRequest = {}): Promise<IncidentChange> {
    return this.enqueue(() => this.apply(level, request, 'manual'));
  }

  /**
   * Raises the level to `level` on the server's own account (setBy `auto`). Resolves with
   * null, changing nothing, when the level is already that high or higher when its turn comes.
   */
  raise(level: IncidentLevel, reason: string): Promise<IncidentChange | null> {
    return this.enqueue(async () => {
      if (incidentRank(this.state.current().level) >= incidentRank(level)) return null;
      return this.apply(level, { setBy: 'auto', reason }, 'automatic');
    });
  }

  /**
   * Compares the stored level with the last one this server applied, and reports a change
   * another process made (the CLI) as `external`, with a webhook sent after the fact.
   */
  poll(): Promise<IncidentChange | null> {
    return this.enqueue(async () => {
      const status = this.state.current();
      if (status.level === this.known) return null;
      const previous = this.known;
      this.known = status.level;
      const change = {
        level: status.level,
        previous,
        reason: status.reason,
        setBy: status.setBy,
        at: status.setAt ?? new Date(this.now()),
        source: 'external' as const,
      };
      const webhook = await this.notify(change);
      return this.report({ ...change, webhook });
    });
  }

  /** Resolves once every change queued so far has been applied and notified. */
  async idle(): Promise<void> {
    await this.queue;
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async apply(
    level: IncidentLevel,
    request: IncidentChangeRequest,
    source: IncidentChangeSource,
  ): Promise<IncidentChange> {
    const previous = this.state.current().level;
    const change = {
      level,
      previous,
      reason: request.reason ?? null,
      setBy: request.setBy ?? null,
      at: new Date(this.now()),
      source,
      address: request.address ?? null,
    };
    let webhook: IncidentChange['webhook'] = 'none';
    if (level === 'critical' && previous !== 'critical') webhook = await this.notify(change);
    this.state.set(level, { setBy: change.setBy, reason: change.reason });
    this.known = level;
    if (level !== 'critical' && previous !== level) webhook = await this.notify(change);
    return this.report({ ...change, webhook });
  }

  /** Sends the webhook; never throws, because a failed notification must not block a change. */
  private async notify(
    change: Omit<IncidentChange, 'webhook'>,
  ): Promise<IncidentChange['webhook']> {
    if (this.webhook === undefined || change.level === change.previous) return 'none';
    try {
      await this.webhook.send({
        level: change.level,
        previous: change.previous,
        reason: change.reason,
        setBy: change.setBy,
        at: change.at.toISOString(),
      });
      return 'sent';
    } catch (error) {
      try {
        this.onWebhookFailure?.(error, change);
      } catch {
        // A failing observer must not stop the change.
      }
      return 'failed';
    }
  }

  private report(change: IncidentChange): IncidentChange {
    try {
      this.onChange(change);
    } catch {
      // A failing observer (audit append, metrics) must not undo or block the change.
    }
    return change;
  }
}

export interface IncidentThresholds {
  /** Length of the sliding window in seconds. */
  windowSeconds: number;
  /** Violations within the window that raise the level to medium; 0 switches the rule off. */
  mediumViolations: number;
  /** Violations within the window that raise the level to high; 0 switches the rule off. */
  highViolations: number;
  /**
   * Maximum violations one source (a user or a client address) may add to a window. The
   * default is a tenth of the lowest enabled threshold, so a raise takes at least ten sources.
   */
  maxViolationsPerSource?: number;
}

export const DEFAULT_INCIDENT_THRESHOLDS: Readonly<IncidentThresholds> = Object.freeze({
  windowSeconds: 60,
  mediumViolations: 200,
  highViolations: 1000,
});

/**
 * Counts events per second over the last `windowSeconds` seconds in a ring of one counter per
 * second, so memory stays fixed however many events arrive.
 */
export class SlidingWindowCounter {
  private readonly counts: Uint32Array;
  private readonly seconds: Float64Array;

  constructor(readonly windowSeconds: number) {
    if (!Number.isSafeInteger(windowSeconds) || windowSeconds < 1) {
      throw new RangeError(`windowSeconds must be a positive integer, got ${windowSeconds}`);
    }
    this.counts = new Uint32Array(windowSeconds);
    this.seconds = new Float64Array(windowSeconds).fill(-1);
  }

  /** Adds one event at `nowMs` (milliseconds since the epoch). */
  add(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    const slot = second % this.windowSeconds;
    if (this.seconds[slot] !== second) {
      this.seconds[slot] = second;
      this.counts[slot] = 0;
    }
    this.counts[slot] = Math.min(this.counts[slot]! + 1, 0xffffffff);
  }

  /** Returns the events in the window that ends at `nowMs`. */
  total(nowMs: number): number {
    const oldest = Math.floor(nowMs / 1000) - this.windowSeconds;
    let sum = 0;
    for (let slot = 0; slot < this.windowSeconds; slot++) {
      if (this.seconds[slot]! > oldest) sum += this.counts[slot]!;
    }
    return sum;
  }

  clear(): void {
    this.seconds.fill(-1);
    this.counts.fill(0);
  }
}

/** Raises the incident level when security violations come in a burst. */
/** Sources whose violations the monitor tracks at once (see IncidentMonitor.sources). */
const MAX_SOURCES = 10_000;

/**
 * Violations one source may add to a window: the setting, or else a tenth of the lowest
 * enabled threshold (at least 1), so at least ten sources must take part to raise the level.
 */
function perSourceCap(thresholds: IncidentThresholds): number {
  if (thresholds.maxViolationsPerSource !== undefined) return thresholds.maxViolationsPerSource;
  const enabled = [thresholds.mediumViolations, thresholds.highViolations].filter((n) => n > 0);
  return enabled.length === 0 ? Infinity : Math.max(1, Math.floor(Math.min(...enabled) / 10));
}

export class IncidentMonitor {
  private readonly thresholds: IncidentThresholds;
  private readonly controller: IncidentController;
  private readonly state: IncidentState;
  private readonly now: () => number;
  private readonly windows: Record<ViolationKind, SlidingWindowCounter>;
  /** The level a raise is queued for, so a burst queues one raise, not one per violation. */
  private raising: IncidentLevel | null = null;
  /**
   * Violations each source (a principal, or a client address) counted in the current window,
   * at most MAX_SOURCES sources, least recently seen evicted. One source counts at most
   * `perSourceCap` violations per window, so a single account or address cannot raise the
   * level on its own: that takes a number of sources, as a real attack on many fronts does.
   */
  private readonly sources = new Map<string, { count: number; windowStart: number }>();

  constructor(options: {
    thresholds: IncidentThresholds;
    controller: IncidentController;
    state: IncidentState;
    now?: () => number;
  }) {
    this.thresholds = options.thresholds;
    this.controller = options.controller;
    this.state = options.state;
    this.now = options.now ?? Date.now;
    const window = options.thresholds.windowSeconds;
    this.windows = {
      authentication: new SlidingWindowCounter(window),
      authorization: new SlidingWindowCounter(window),
      validation: new SlidingWindowCounter(window),
    };
  }

  /**
   * Counts one violation by `source` (a username or a client address, or undefined when it is
   * unknown), and starts a raise when the window's total reaches a threshold. A source past
   * its share is not counted again until the window ends.
   */
  record(kind: ViolationKind, source?: string): void {
    const now = this.now();
    if (source !== undefined && !this.countSource(source, now)) return;
    this.windows[kind].add(now);
    const counts = this.counts(now);
    const total = counts.authentication + counts.authorization + counts.validation;
    const target = this.targetLevel(total);
    if (target === null) return;
    const current = this.raising ?? this.state.current().level;
    if (incidentRank(current) >= incidentRank(target)) return;

    const threshold =
      target === 'high' ? this.thresholds.highViolations : this.thresholds.mediumViolations;
    const reason =
      `${total} security violations in the last ${this.thresholds.windowSeconds} s ` +
      `(threshold ${threshold} for ${target}): ${counts.authentication} authentication, ` +
      `${counts.authorization} authorization, ${counts.validation} validation`;
    this.raising = target;
    void this.controller.raise(target, reason).finally(() => {
      if (this.raising === target) this.raising = null;
    });
  }

  /** Counts a violation of `source`; returns false when the source used its share. */
  private countSource(source: string, now: number): boolean {
    const windowMs = this.thresholds.windowSeconds * 1000;
    let entry = this.sources.get(source);
    if (entry === undefined || now - entry.windowStart >= windowMs) {
      entry = { count: 0, windowStart: now };
    }
    this.sources.delete(source);
    this.sources.set(source, entry);
    if (this.sources.size > MAX_SOURCES) {
      this.sources.delete(this.sources.keys().next().value as string);
    }
    if (entry.count >= perSourceCap(this.thresholds)) return false;
    entry.count++;
    return true;
  }

  /** Returns the violations of each kind in the current window. */
  counts(now = this.now()): Record<ViolationKind, number> {
    return {
      authentication: this.windows.authentication.total(now),
      authorization: this.windows.authorization.total(now),
      validation: this.windows.validation.total(now),
    };
  }

  /**
   * Forgets the counted violations. The server calls it when an admin lowers the level, so the
   * burst that caused a raise does not raise it again at once. A burst that goes on raises it
   * again when it reaches the threshold anew.
   */
  reset(): void {
    for (const kind of VIOLATION_KINDS) this.windows[kind].clear();
  }

  private targetLevel(total: number): IncidentLevel | null {
    const { highViolations, mediumViolations } = this.thresholds;
    if (highViolations > 0 && total >= highViolations) return 'high';
    if (mediumViolations > 0 && total >= mediumViolations) return 'medium';
    return null;
  }
}
