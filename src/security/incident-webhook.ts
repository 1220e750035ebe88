/**
 * The incident webhook: a JSON POST to `incident.webhookUrl` on every incident level change,
 * sent through the OutboundPolicy so that it obeys the allow-list, the address checks, the
 * timeouts and the response size cap. The URL may carry a secret in its query string, so
 * messages and logs name only its origin.
 */

import { ConfigError } from '../errors.js';
import type { IncidentLevel } from './incident.js';
import { OutboundRequestError, type OutboundPolicy } from './outbound.js';

/** The JSON body of a webhook request. */
export interface IncidentWebhookPayload {
  level: IncidentLevel;
  previous: IncidentLevel;
  reason: string | null;
  /** Username, `cli:USER`, or `auto` for a change the server made itself. */
  setBy: string | null;
  /** ISO 8601 UTC time of the change. */
  at: string;
  /** Name of the server that sends the request (the host name unless configured). */
  server: string;
}

export interface IncidentWebhookOptions {
  url: string;
  outbound: OutboundPolicy;
  server: string;
  /** Limit of one delivery, connection and response included, in milliseconds. */
  timeoutMs: number;
}

/** Default limit of one delivery in milliseconds; a change to critical waits at most this long. */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5000;
/** Response bytes read from the receiver; the body is ignored, so a small cap suffices. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** Returns the origin of a URL, the only part of a webhook URL that may be logged. */
export function webhookOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

/** Sends incident level changes to one URL. */
export class IncidentWebhook {
  /** The URL's origin, for logs and messages. */
  readonly origin: string;
  private readonly url: URL;
  private readonly outbound: OutboundPolicy;
  private readonly server: string;
  private readonly timeoutMs: number;

  /**
   * Checks the URL against the policy without DNS. Throws ConfigError when the URL is invalid,
   * carries credentials, or is rejected (outbound requests off, host not allow-listed, blocked
   * address), so a webhook that could never be delivered stops the start-up.
   */
  constructor(options: IncidentWebhookOptions) {
    this.origin = webhookOrigin(options.url);
    try {
      this.url = options.outbound.checkUrl(options.url);
    } catch (error) {
      // The policy's messages name only the origin, never the path or query.
      const detail = error instanceof Error ? error.message : String(error);
      throw new ConfigError(
        `incident.webhookUrl (${this.origin}) cannot be used: ${detail}. Enable outbound ` +
          'requests and list the host in outbound.allowHosts, or remove incident.webhookUrl',
      );
    }
    this.outbound = options.outbound;
    this.server = options.server;
    this.timeoutMs = options.timeoutMs;
  }

  /**
   * Posts the payload and resolves when the receiver returns a 2xx status. Rejects with the
   * policy's errors (blocked, timed out, failed) or with OutboundRequestError for any other
   * status. Settles within `timeoutMs`, because the outbound fetch enforces it.
   */
  async send(change: Omit<IncidentWebhookPayload, 'server'>): Promise<void> {
    const payload: IncidentWebhookPayload = { ...change, server: this.server };
    const response = await this.outbound.fetch(this.url, {
      method: 'POST',
      body: JSON.stringify(payload),
      headers: { 'content-type': 'application/json' },
      accept: 'application/json, */*;q=0.1',
      timeoutMs: this.timeoutMs,
      maxBytes: MAX_RESPONSE_BYTES,
    });
    if (response.status < 200 || response.status > 299) {
      throw new OutboundRequestError(
        `Incident webhook ${this.origin} returned HTTP ${response.status}; expected 2xx`,
      );
    }
  }
}
