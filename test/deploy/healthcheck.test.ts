/**
 * Runs deploy/healthcheck.mjs, the image's HEALTHCHECK command, against a real server on
 * 127.0.0.1 that serves HTTPS with a certificate for another host name, as in the image.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generate } from 'selfsigned';
import {
  CLI,
  removeDir,
  startServerProcess,
  tempDataDir,
  type ServerProcess,
} from '../helpers/server-process.js';
import { DEPLOY_DIR } from './deploy-files.js';

const HEALTHCHECK = path.join(DEPLOY_DIR, 'healthcheck.mjs');

/** Runs the health check with only the given SEVEN_TICK_* variables set. */
function runHealthcheck(variables: Record<string, string>) {
  const environment = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('SEVEN_TICK_')),
  );
  return spawnSync(process.execPath, [HEALTHCHECK], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...environment, ...variables },
  });
}

describe('image health check', { skip: !existsSync(CLI) && 'needs `npm run build`' }, () => {
  let dir: string;
  let server: ServerProcess;
  let variables: Record<string, string>;

  before(async () => {
    dir = tempDataDir();
    const pems = await generate([{ name: 'commonName', value: 'kg.example.org' }], {
      keySize: 2048,
    });
    const certFile = path.join(dir, 'tls.crt');
    const keyFile = path.join(dir, 'tls.key');
    writeFileSync(certFile, pems.cert);
    writeFileSync(keyFile, pems.private, { mode: 0o600 });
    server = await startServerProcess({
      dataDir: path.join(dir, 'data'),
      args: ['--tls-cert', certFile, '--tls-key', keyFile],
      // The helper polls /ready over fetch, which rejects the self-signed certificate. /health
      // returns 200 from the moment the server listens, which is when the helper returns.
      waitReady: false,
    });
    // The server got a free port from its flags. The health check reads that port from the
    // environment and the TLS setting from the config file, as in the image.
    const configFile = path.join(dir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({ host: '0.0.0.0', tlsCert: certFile, tlsKey: keyFile }),
    );
    variables = { SEVEN_TICK_CONFIG: configFile, SEVEN_TICK_PORT: new URL(server.url).port };
  });

  after(async () => {
    await server?.stop();
    if (dir) removeDir(dir);
  });

  test('passes while the server runs', () => {
    const result = runHealthcheck(variables);
    assert.equal(result.status, 0, result.stderr);
  });

  test('fails on a plain HTTP mismatch', () => {
    const configFile = path.join(dir, 'plain.json');
    writeFileSync(configFile, JSON.stringify({ host: '127.0.0.1' }));
    const result = runHealthcheck({ ...variables, SEVEN_TICK_CONFIG: configFile });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^healthcheck: GET \/health on 127\.0\.0\.1:\d+/);
  });

  test('fails on an invalid config', () => {
    const result = runHealthcheck({ ...variables, SEVEN_TICK_PORT: 'eighty' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /invalid configuration: port in SEVEN_TICK_PORT/);
  });

  test('fails once the server stopped', async () => {
    await server.stop();
    const result = runHealthcheck(variables);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /GET \/health on 127\.0\.0\.1:\d+ failed/);
  });
});
