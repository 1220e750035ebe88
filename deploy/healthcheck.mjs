// Health check of the container image (Docker HEALTHCHECK): GET /health on the server in this
// container; exit 0 on 200, 1 on anything else. It resolves the port and the TLS setting as the
// server does (the config file named by SEVEN_TICK_CONFIG, then SEVEN_TICK_* variables). Flags
// passed to `serve` are invisible here, so change the port or TLS in the config file or the
// environment, not on the command line.
import http from 'node:http';
import https from 'node:https';
import process from 'node:process';
import { resolveConfig } from '../dist/config.js';

/** Time the server gets to respond, in milliseconds. It stays below the HEALTHCHECK --timeout of 5 s. */
const TIMEOUT_MS = 4000;
/** Bind addresses that mean "every interface", for which the check connects over loopback. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::']);

function fail(message) {
  process.stderr.write(`healthcheck: ${message}\n`);
  process.exit(1);
}

let config;
try {
  config = resolveConfig({});
} catch (error) {
  fail(`invalid configuration: ${error.message}`);
}

const host = WILDCARD_HOSTS.has(config.host) ? '127.0.0.1' : config.host;
const scheme = config.tlsCert ? https : http;
const request = scheme.get(
  {
    host,
    port: config.port,
    path: '/health',
    timeout: TIMEOUT_MS,
    // The certificate names the public host name, not the loopback address. The request sends
    // no credentials and reads only the status code, so it skips certificate verification.
    rejectUnauthorized: false,
  },
  (response) => {
    response.resume();
    if (response.statusCode === 200) process.exit(0);
    fail(`GET /health on ${host}:${config.port} returned ${response.statusCode}`);
  },
);
request.on('timeout', () => request.destroy(new Error(`no response within ${TIMEOUT_MS} ms`)));
request.on('error', (error) =>
  fail(`GET /health on ${host}:${config.port} failed: ${error.message}`),
);
