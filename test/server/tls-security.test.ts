/**
 * TLS hardening on a real server: a private key readable by others stops the start, HTTPS
 * responses carry Strict-Transport-Security, client certificates (mutual TLS) map their subject
 * CN to a user, and SIGHUP reloads a renewed certificate. Certificates come from `openssl`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import {
  ADMIN_AUTH,
  removeDir,
  runCli,
  startServerProcess,
  tempDataDir,
  type ServerProcess,
} from '../helpers/server-process.js';

const PASSWORD = 'reader-password-for-tests';

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe', timeout: 60_000 });
}

/** Writes NAME.key and NAME.pem for subject CN `commonName`, signed by ca.pem / ca.key. */
function issue(dir: string, name: string, commonName: string, extensions: string): void {
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`], dir);
  openssl(
    ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${commonName}`, '-out', `${name}.csr`],
    dir,
  );
  writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-sha256',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ],
    dir,
  );
}

interface TlsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  fingerprint: string;
}

describe('TLS hardening', () => {
  let dataDir: string;
  let server: ServerProcess;
  let port: number;
  const file = (name: string) => path.join(dataDir, name);

  /** One HTTPS GET, optionally with a client certificate (NAME.pem / NAME.key). */
  const get = (route: string, options: { client?: string; auth?: string } = {}) =>
    new Promise<TlsAnswer>((resolve, reject) => {
      const request = https.request(
        {
          host: '127.0.0.1',
          port,
          path: route,
          ca: readFileSync(file('ca.pem')),
          ...(options.client
            ? {
                cert: readFileSync(file(`${options.client}.pem`)),
                key: readFileSync(file(`${options.client}.key`)),
              }
            : {}),
          headers: options.auth ? { authorization: options.auth } : {},
          agent: false,
          timeout: 10_000,
        },
        (response) => {
          const fingerprint = (response.socket as tls.TLSSocket).getPeerCertificate()
            .fingerprint256;
          response.resume();
          response.on('end', () =>
            resolve({ status: response.statusCode!, headers: response.headers, fingerprint }),
          );
        },
      );
      request.on('timeout', () => request.destroy(new Error('request timed out')));
      request.on('error', reject);
      request.end();
    });

  before(async () => {
    dataDir = tempDataDir();
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key'], dataDir);
    openssl(
      [
        'req',
        '-new',
        '-x509',
        '-key',
        'ca.key',
        '-subj',
        '/CN=Test CA',
        '-days',
        '2',
        '-out',
        'ca.pem',
      ],
      dataDir,
    );
    const serverExtensions = 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n';
    issue(dataDir, 'server', '127.0.0.1', serverExtensions);
    issue(dataDir, 'renewed', '127.0.0.1', serverExtensions);
    issue(dataDir, 'reader', 'reader1', 'extendedKeyUsage=clientAuth\n');
    issue(dataDir, 'stranger', 'nobody-here', 'extendedKeyUsage=clientAuth\n');
    execFileSync('chmod', ['600', file('server.key'), file('renewed.key')]);

    // Bootstrap the admin and add reader1 over plain HTTP first.
    const plain = await startServerProcess({ dataDir });
    await plain.stop();
    const added = runCli(['user', 'add', 'reader1', '--roles', 'reader', '--data-dir', dataDir], {
      input: `${PASSWORD}\n`,
    });
    assert.equal(added.status, 0, added.stderr);
  });

  after(async () => {
    await server?.stop();
    removeDir(dataDir);
  });

  it('refuses a readable key', async () => {
    writeFileSync(file('open.key'), readFileSync(file('server.key')), { mode: 0o644 });
    execFileSync('chmod', ['644', file('open.key')]);
    await assert.rejects(
      startServerProcess({
        dataDir,
        args: ['--tls-cert', file('server.pem'), '--tls-key', file('open.key')],
        waitReady: false,
      }),
      (error: Error) => {
        assert.match(error.message, /open\.key is accessible to group or others \(mode 644\)/);
        assert.match(error.message, /chmod 600/);
        return true;
      },
    );
  });

  it('maps client certificates to users', async () => {
    const configFile = file('config.json');
    writeFileSync(configFile, JSON.stringify({ tlsClientCa: file('ca.pem') }));
    server = await startServerProcess({
      dataDir,
      args: [
        '--config',
        configFile,
        '--tls-cert',
        file('server.pem'),
        '--tls-key',
        file('server.key'),
      ],
      waitReady: false,
    });
    port = Number(new URL(server.url).port);
    // Readiness, bounded to 60 s.
    for (let attempt = 0; attempt < 600; attempt++) {
      if (server.output.some((line) => line.includes('"msg":"ready"'))) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Without a client certificate the handshake fails.
    await assert.rejects(get('/health'));

    const health = await get('/health', { client: 'reader' });
    assert.equal(health.status, 200);
    assert.equal(health.headers['strict-transport-security'], 'max-age=31536000');

    assert.equal((await get('/sparql?query=ASK%7B%7D', { client: 'reader' })).status, 200);
    assert.equal((await get('/admin/datasets', { client: 'reader' })).status, 403);
    assert.equal((await get('/sparql?query=ASK%7B%7D', { client: 'stranger' })).status, 401);
    // An Authorization header takes precedence over the certificate.
    const admin = await get('/admin/datasets', { client: 'reader', auth: ADMIN_AUTH });
    assert.equal(admin.status, 200);
  });

  it('reloads the certificate on SIGHUP', async () => {
    const before = (await get('/health', { client: 'reader' })).fingerprint;
    writeFileSync(file('server.pem'), readFileSync(file('renewed.pem')));
    writeFileSync(file('server.key'), readFileSync(file('renewed.key')));
    server.child.kill('SIGHUP');
    let after = before;
    // Bounded: at most 100 probes, 100 ms apart.
    for (let attempt = 0; attempt < 100 && after === before; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = (await get('/health', { client: 'reader' })).fingerprint;
    }
    assert.notEqual(after, before, 'the server still presents the old certificate');
    assert.equal(server.child.exitCode, null, 'SIGHUP must not stop the server');
  });
});
