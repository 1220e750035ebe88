/**
 * HTTPS settings: TLS 1.2 or later with forward-secret AEAD cipher suites only, 5-minute session
 * tickets, an optional client-certificate CA (mutual TLS), and a private-key permission check.
 * `reloadTls` rereads the files for a running server (the CLI calls it on SIGHUP), so a renewed
 * certificate takes effect without a restart.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Server as HttpsServer, ServerOptions as HttpsServerOptions } from 'node:https';
import { isIP } from 'node:net';
import type { Config } from '../config.js';
import { ConfigError } from '../errors.js';

/**
 * TLS 1.3 suites first, then TLS 1.2 suites with ECDHE key exchange (forward secrecy) and
 * AES-GCM or ChaCha20-Poly1305 encryption. CBC and RSA key exchange are left out.
 */
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** Lifetime of a TLS session ticket, in seconds. */
export const TLS_SESSION_TIMEOUT_SECONDS = 300;

/** Throws ConfigError when the key file can be read by anyone but its owner. */
export function checkKeyFileMode(file: string): void {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (error) {
    throw new ConfigError(`Cannot read the TLS key file ${file}: ${(error as Error).message}`);
  }
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(
      `The TLS key file ${file} is accessible to group or others (mode ` +
        `${(mode & 0o777).toString(8).padStart(3, '0')}); restrict it with \`chmod 600 ${file}\``,
    );
  }
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ConfigError(`Cannot read the TLS ${what} ${file}: ${(error as Error).message}`);
  }
}

/** Reads the certificate, key and client CA from the configured files. */
function secureContextFiles(config: Config): Pick<HttpsServerOptions, 'cert' | 'key' | 'ca'> {
  checkKeyFileMode(config.tlsKey!);
  return {
    cert: readPem(config.tlsCert!, 'certificate'),
    key: readPem(config.tlsKey!, 'key'),
    ...(config.tlsClientCa ? { ca: readPem(config.tlsClientCa, 'client CA certificate') } : {}),
  };
}

/** Returns the HTTPS options for the config, or undefined when it has no certificate. */
export function httpsOptions(config: Config): HttpsServerOptions | undefined {
  if (!config.tlsCert) return undefined;
  return {
    ...secureContextFiles(config),
    minVersion: 'TLSv1.2',
    ciphers: TLS_CIPHERS,
    honorCipherOrder: true,
    sessionTimeout: TLS_SESSION_TIMEOUT_SECONDS,
    ...(config.tlsClientCa ? { requestCert: true, rejectUnauthorized: true } : {}),
  };
}

/** Rereads the certificate, key and client CA into the running server's secure context. */
export function reloadTls(server: HttpsServer, config: Config): void {
  server.setSecureContext({
    ...secureContextFiles(config),
    minVersion: 'TLSv1.2',
    ciphers: TLS_CIPHERS,
    honorCipherOrder: true,
    sessionTimeout: TLS_SESSION_TIMEOUT_SECONDS,
  });
}

/** Returns whether a bind address reaches only this host. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}
