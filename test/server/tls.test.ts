/**
 * HTTPS: the server serves TLS 1.2 and 1.3 with the given certificate, refuses TLS 1.1, and
 * the same authentication applies.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { generate } from 'selfsigned';
import {
  ADMIN_AUTH,
  removeDir,
  startServerProcess,
  tempDataDir,
  type ServerProcess,
} from '../helpers/server-process.js';

interface TlsResponse {
  status: number;
  body: string;
  protocol: string | null;
}

describe('HTTPS', () => {
  let server: ServerProcess;
  let dataDir: string;
  let cert: string;
  let port: number;

  before(async () => {
    dataDir = tempDataDir();
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keySize: 2048,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    cert = pems.cert;
    const certFile = path.join(dataDir, 'cert.pem');
    const keyFile = path.join(dataDir, 'key.pem');
    writeFileSync(certFile, pems.cert);
    writeFileSync(keyFile, pems.private, { mode: 0o600 });
    server = await startServerProcess({
      dataDir,
      args: ['--tls-cert', certFile, '--tls-key', keyFile],
      waitReady: false,
    });
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    port = Number(new URL(server.url).port);
    // Wait for the "ready" log line, bounded to 60 s.
    for (let attempt = 0; attempt < 600; attempt++) {
      if (server.output.some((line) => line.includes('"msg":"ready"'))) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('HTTPS server not ready');
  });

  after(async () => {
    await server?.stop();
    removeDir(dataDir);
  });

  function get(
    pathname: string,
    headers: Record<string, string> = {},
    maxVersion?: tls.SecureVersion,
  ) {
    return new Promise<TlsResponse>((resolve, reject) => {
      const request = https.get(
        {
          host: '127.0.0.1',
          port,
          path: pathname,
          ca: cert,
          headers,
          // Offer old versions too, so the test can check that the server rejects them.
          minVersion: 'TLSv1' as const,
          ...(maxVersion ? { maxVersion } : {}),
        },
        (response) => {
          // Read the protocol now: the socket is detached by the time the body ends.
          const protocol = (response.socket as tls.TLSSocket).getProtocol() ?? null;
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              body,
              protocol,
            }),
          );
        },
      );
      request.on('error', reject);
      request.setTimeout(10_000, () => request.destroy(new Error('request timed out')));
    });
  }

  it('answers health over TLS 1.3 by default', async () => {
    const response = await get('/health');
    assert.equal(response.status, 200);
    assert.equal(response.protocol, 'TLSv1.3');
  });

  it('accepts TLS 1.2', async () => {
    const response = await get('/health', {}, 'TLSv1.2');
    assert.equal(response.status, 200);
    assert.equal(response.protocol, 'TLSv1.2');
  });

  it('refuses TLS 1.1', async () => {
    await assert.rejects(get('/health', {}, 'TLSv1.1'));
  });

  it('requires credentials over TLS too', async () => {
    const query = `/sparql?query=${encodeURIComponent('ASK {}')}`;
    assert.equal((await get(query)).status, 401);
    const response = await get(query, { authorization: ADMIN_AUTH });
    assert.equal(response.status, 200);
    assert.deepEqual(JSON.parse(response.body), { head: {}, boolean: true });
  });
});
