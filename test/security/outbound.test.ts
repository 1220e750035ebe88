import assert from 'node:assert/strict';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { generate } from 'selfsigned';
import {
  ConfigError,
  InvalidArgumentError,
  KgError,
  LimitExceededError,
  QueryCancelledError,
} from '../../src/errors.js';
import {
  OutboundBlockedError,
  OutboundPolicy,
  OutboundRequestError,
  OutboundTimeoutError,
  type ResolvedAddress,
} from '../../src/security/outbound.js';

/** URLs whose host is an address that must never be contacted, in every spelling. */
const HOSTILE_LITERALS = [
  'http://127.0.0.1/',
  'http://127.1/',
  'http://2130706433/',
  'http://0177.0.0.1/',
  'http://0x7f.1/',
  'http://0x7f000001/',
  'http://017700000001/',
  'http://%31%32%37.0.0.1/',
  'http://[::1]/',
  'http://[::]/',
  'http://0.0.0.0/',
  'http://0/',
  'http://10.1.2.3/',
  'http://172.16.0.1/',
  'http://172.31.255.255/',
  'http://192.168.1.1/',
  'http://100.64.0.1/',
  'http://100.127.255.254/',
  'http://169.254.1.1/',
  'http://169.254.169.254/latest/meta-data/',
  'http://0xa9fea9fe/',
  'http://[fd00:ec2::254]/',
  'http://[fe80::1]/',
  'http://[fc00::1]/',
  'http://[fd12:3456::1]/',
  'http://224.0.0.1/',
  'http://239.255.255.250/',
  'http://[ff02::1]/',
  'http://255.255.255.255/',
  'http://240.0.0.1/',
  'http://192.0.2.1/',
  'http://198.51.100.7/',
  'http://203.0.113.9/',
  'http://198.18.0.1/',
  'http://192.0.0.8/',
  'http://[2001:db8::1]/',
  'http://[::ffff:127.0.0.1]/',
  'http://[::ffff:169.254.169.254]/',
  'http://[::ffff:8.8.8.8]/',
  'http://[::127.0.0.1]/',
  'http://[64:ff9b::7f00:1]/',
  'http://[64:ff9b::a00:1]/',
  'http://[64:ff9b:1::a00:1]/',
  'http://[2002:7f00:1::1]/',
  'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/',
  'http://[100::1]/',
  'http://[fec0::1]/',
  'http://[4000::1]/',
  'https://127.0.0.1:8443/',
];

const HOSTILE_NAMES = [
  'http://localhost/',
  'http://LOCALHOST./',
  'http://api.localhost/',
  'http://metadata.google.internal/computeMetadata/v1/',
];

const BAD_SCHEMES = [
  'file:///etc/passwd',
  'ftp://example.org/',
  'gopher://example.org/',
  'data:text/plain,hello',
  'javascript:alert(1)',
  'ws://example.org/',
  'not a url',
];

function hostOf(url: string): string {
  return new URL(url).hostname.replace(/\.$/, '');
}

/** A resolver that must not be called: the checks under test need no DNS. */
function noDns(hostname: string): Promise<ResolvedAddress[]> {
  return Promise.reject(new Error(`unexpected DNS lookup of ${hostname}`));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

describe('OutboundPolicy checks', () => {
  it('rejects everything by default', async () => {
    const policy = new OutboundPolicy();
    assert.equal(policy.enabled, false);
    const error = await rejection(policy.check('https://example.org/'));
    assert.ok(error instanceof OutboundBlockedError);
    assert.match(error.message, /disabled/);
    assert.equal(error.code, 'ACCESS_DENIED');
  });

  it('rejects hostile literal addresses', async () => {
    // Allow-list every host, so only the address rules can reject.
    const allowHosts = [...HOSTILE_LITERALS, ...HOSTILE_NAMES].map(hostOf);
    const policy = new OutboundPolicy({ enabled: true, allowHosts }, { resolver: noDns });
    for (const url of [...HOSTILE_LITERALS, ...HOSTILE_NAMES]) {
      const error = await rejection(policy.check(url));
      assert.ok(error instanceof OutboundBlockedError, `${url}: ${String(error)}`);
      assert.doesNotMatch(error.reason, /allowHosts/, url);
    }
  });

  it('rejects loopback literals even with the test option', async () => {
    const policy = new OutboundPolicy(
      { enabled: true, allowHosts: ['localhost', '10.0.0.1'] },
      { allowLoopbackForTests: true, resolver: noDns },
    );
    assert.ok((await rejection(policy.check('http://localhost/'))) instanceof OutboundBlockedError);
    assert.ok((await rejection(policy.check('http://10.0.0.1/'))) instanceof OutboundBlockedError);
  });

  it('rejects schemes other than http and https', async () => {
    const policy = new OutboundPolicy({ enabled: true, allowHosts: ['example.org'] });
    for (const url of BAD_SCHEMES) {
      const error = await rejection(policy.check(url));
      assert.ok(error instanceof InvalidArgumentError, `${url}: ${String(error)}`);
    }
  });

  it('rejects credentials in the URL', async () => {
    const policy = new OutboundPolicy({ enabled: true, allowHosts: ['example.org'] });
    const error = await rejection(policy.check('https://user:secret@example.org/'));
    assert.ok(error instanceof InvalidArgumentError);
    assert.doesNotMatch(error.message, /secret/);
  });

  it('matches exact and suffix allow-list rules', () => {
    const policy = new OutboundPolicy(
      { enabled: true, allowHosts: ['Data.Example.COM', '*.example.org'] },
      { resolver: noDns },
    );
    assert.equal(policy.checkUrl('https://data.example.com/x').hostname, 'data.example.com');
    assert.equal(policy.checkUrl('https://data.example.com./x').hostname, 'data.example.com.');
    assert.equal(policy.checkUrl('https://a.example.org/').hostname, 'a.example.org');
    assert.equal(policy.checkUrl('https://a.b.example.org/').hostname, 'a.b.example.org');
    for (const url of [
      'https://example.org/',
      'https://evilexample.org/',
      'https://example.org.evil.net/',
      'https://other.example.com/',
      'https://example.com/',
    ]) {
      assert.throws(() => policy.checkUrl(url), OutboundBlockedError, url);
    }
  });

  it('rejects invalid allow-list entries', () => {
    for (const entry of [
      '',
      'example.org:80',
      'http://example.org',
      '*.*.example.org',
      'a b',
      'x/y',
      '*.10.0.0.1',
      'user@example.org',
    ]) {
      assert.throws(() => new OutboundPolicy({ allowHosts: [entry] }), ConfigError, entry);
    }
    assert.throws(() => new OutboundPolicy({ maxRedirects: -1 }), ConfigError);
    assert.throws(() => new OutboundPolicy({ timeoutMs: 1.5 }), ConfigError);
  });

  it('checks every DNS answer', async () => {
    const answers: Record<string, ResolvedAddress[]> = {
      'mixed.example.org': [
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.7', family: 4 },
      ],
      'mapped.example.org': [{ address: '::ffff:127.0.0.1', family: 6 }],
      'metadata.example.org': [{ address: '169.254.169.254', family: 4 }],
      'empty.example.org': [],
    };
    const policy = new OutboundPolicy(
      { enabled: true, allowHosts: ['*.example.org'] },
      { resolver: async (name) => answers[name] ?? [] },
    );
    const mixed = await rejection(policy.check('http://mixed.example.org/'));
    assert.ok(mixed instanceof OutboundBlockedError);
    assert.match(mixed.reason, /10\.0\.0\.7 is blocked: private address/);
    const mapped = await rejection(policy.check('http://mapped.example.org/'));
    assert.ok(mapped instanceof OutboundBlockedError);
    const metadata = await rejection(policy.check('http://metadata.example.org/'));
    assert.ok(metadata instanceof OutboundBlockedError);
    assert.match(metadata.reason, /metadata/);
    const empty = await rejection(policy.check('http://empty.example.org/'));
    assert.ok(empty instanceof OutboundRequestError);
  });

  it('pins the first public answer', async () => {
    const policy = new OutboundPolicy(
      { enabled: true, allowHosts: ['data.example.org'] },
      {
        resolver: async () => [
          { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
          { address: '93.184.216.34', family: 4 },
        ],
      },
    );
    const target = await policy.check('https://data.example.org/sparql');
    assert.equal(target.address, '2606:2800:220:1:248:1893:25c8:1946');
    assert.equal(target.family, 6);
    assert.equal(target.url.hostname, 'data.example.org');
  });
});

interface Seen {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
}

/** A local HTTP server whose routes the tests set; it records every request it receives. */
class LocalServer {
  readonly seen: Seen[] = [];
  routes = new Map<
    string,
    (request: http.IncomingMessage, response: http.ServerResponse) => void
  >();
  private readonly server = http.createServer((request, response) => {
    this.seen.push({
      path: request.url ?? '',
      method: request.method ?? '',
      headers: request.headers,
    });
    const route = this.routes.get((request.url ?? '').split('?', 1)[0]!);
    if (route === undefined) {
      response.writeHead(404).end('no route');
      return;
    }
    route(request, response);
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function redirect(location: string, status = 302) {
  return (_request: http.IncomingMessage, response: http.ServerResponse) => {
    response.writeHead(status, { location }).end();
  };
}

describe('OutboundPolicy fetch', () => {
  const server = new LocalServer();
  const other = new LocalServer();
  const testOptions = { allowLoopbackForTests: true, resolver: noDns };
  let policy: OutboundPolicy;

  before(async () => {
    await server.start();
    await other.start();
    policy = new OutboundPolicy({ enabled: true, allowHosts: ['127.0.0.1'] }, testOptions);
    server.routes.set('/ok', (request, response) => {
      response
        .writeHead(200, { 'content-type': 'text/plain' })
        .end(`accept=${request.headers.accept}`);
    });
    server.routes.set('/hop1', redirect('/hop2'));
    server.routes.set('/hop2', redirect('/hop3', 307));
    server.routes.set('/hop3', redirect('/ok', 301));
    server.routes.set('/hop0', redirect('/hop1', 308));
    server.routes.set('/to-metadata', redirect('http://169.254.169.254/latest/meta-data/'));
    server.routes.set('/to-unlisted', redirect('http://127.0.0.2/'));
    server.routes.set('/to-file', redirect('file:///etc/passwd'));
    server.routes.set('/to-other', redirect(`${other.origin}/echo`));
    server.routes.set('/to-same', redirect('/echo'));
    server.routes.set('/see-other', redirect('/echo', 303));
    server.routes.set('/keep-post', redirect('/echo', 307));
    server.routes.set('/echo', (request, response) => {
      response.writeHead(200).end(`${request.method} ${request.headers.authorization ?? '-'}`);
    });
    other.routes.set('/echo', (request, response) => {
      response.writeHead(200).end(`${request.method} ${request.headers.authorization ?? '-'}`);
    });
    server.routes.set('/big', (_request, response) => {
      response.writeHead(200, { 'content-length': '5000' }).end(Buffer.alloc(5000, 'a'));
    });
    server.routes.set('/big-chunked', (_request, response) => {
      response.writeHead(200);
      for (let i = 0; i < 10; i++) response.write(Buffer.alloc(500, 'b'));
      response.end();
    });
    server.routes.set('/hang', () => {
      // Never sends a response, so the client's timeout must end the request.
    });
  });

  after(async () => {
    await server.stop();
    await other.stop();
  });

  it('rejects loopback without the test option', async () => {
    const strict = new OutboundPolicy({ enabled: true, allowHosts: ['127.0.0.1'] });
    const before = server.seen.length;
    const error = await rejection(strict.fetch(`${server.origin}/ok`));
    assert.ok(error instanceof OutboundBlockedError);
    assert.match(error.reason, /loopback/);
    assert.equal(server.seen.length, before);
  });

  it('fetches from the local server', async () => {
    const response = await policy.fetch(`${server.origin}/ok`, { accept: 'text/turtle' });
    assert.equal(response.status, 200);
    assert.equal(response.body.toString(), 'accept=text/turtle');
    assert.equal(response.finalUrl, `${server.origin}/ok`);
    assert.equal(response.headers['content-type'], 'text/plain');
  });

  it('follows three redirects', async () => {
    const response = await policy.fetch(`${server.origin}/hop1`);
    assert.equal(response.status, 200);
    assert.equal(response.finalUrl, `${server.origin}/ok`);
  });

  it('stops after the redirect cap', async () => {
    const error = await rejection(policy.fetch(`${server.origin}/hop0`));
    assert.ok(error instanceof LimitExceededError);
    assert.match(error.message, /redirects/);
    const lower = new OutboundPolicy(
      { enabled: true, allowHosts: ['127.0.0.1'], maxRedirects: 0 },
      testOptions,
    );
    assert.ok(
      (await rejection(lower.fetch(`${server.origin}/to-same`))) instanceof LimitExceededError,
    );
  });

  it('checks every redirect hop', async () => {
    const metadata = await rejection(policy.fetch(`${server.origin}/to-metadata`));
    assert.ok(metadata instanceof OutboundBlockedError);
    assert.match(metadata.reason, /metadata/);
    const unlisted = await rejection(policy.fetch(`${server.origin}/to-unlisted`));
    assert.ok(unlisted instanceof OutboundBlockedError);
    assert.match(unlisted.reason, /allowHosts/);
    const file = await rejection(policy.fetch(`${server.origin}/to-file`));
    assert.ok(file instanceof InvalidArgumentError);
  });

  it('drops credentials on cross-origin redirects', async () => {
    const headers = { Authorization: 'Bearer s3cret' };
    const same = await policy.fetch(`${server.origin}/to-same`, { headers });
    assert.equal(same.body.toString(), 'GET Bearer s3cret');
    const cross = await policy.fetch(`${server.origin}/to-other`, { headers });
    assert.equal(cross.finalUrl, `${other.origin}/echo`);
    assert.equal(cross.body.toString(), 'GET -');
  });

  it('turns POST into GET on 303 only', async () => {
    const seeOther = await policy.fetch(`${server.origin}/see-other`, {
      method: 'POST',
      body: 'q',
    });
    assert.equal(seeOther.body.toString(), 'GET -');
    const temporary = await policy.fetch(`${server.origin}/keep-post`, {
      method: 'POST',
      body: 'q',
    });
    assert.equal(temporary.body.toString(), 'POST -');
  });

  it('caps the response size', async () => {
    const declared = await rejection(policy.fetch(`${server.origin}/big`, { maxBytes: 1000 }));
    assert.ok(declared instanceof LimitExceededError);
    const streamed = await rejection(
      policy.fetch(`${server.origin}/big-chunked`, { maxBytes: 1000 }),
    );
    assert.ok(streamed instanceof LimitExceededError);
    const fits = await policy.fetch(`${server.origin}/big`, { maxBytes: 5000 });
    assert.equal(fits.body.length, 5000);
  });

  it('times out a silent server', async () => {
    const error = await rejection(policy.fetch(`${server.origin}/hang`, { timeoutMs: 100 }));
    assert.ok(error instanceof OutboundTimeoutError);
    assert.equal(error.timeoutMs, 100);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = policy.fetch(`${server.origin}/hang`, { signal: controller.signal });
    controller.abort();
    assert.ok((await rejection(pending)) instanceof QueryCancelledError);
  });

  it('reports a refused connection', async () => {
    const closed = new LocalServer();
    await closed.start();
    const origin = closed.origin;
    await closed.stop();
    const error = await rejection(policy.fetch(`${origin}/`));
    assert.ok(error instanceof OutboundRequestError, String(error));
    assert.ok(error instanceof KgError);
  });

  it('connects to the pinned address', async () => {
    // The first lookup returns loopback, which this test allows, and any later one a private
    // address. With pinning, the connection goes to the one checked address.
    let lookups = 0;
    const rebinding = new OutboundPolicy(
      { enabled: true, allowHosts: ['rebind.example.org'] },
      {
        allowLoopbackForTests: true,
        resolver: async () => {
          lookups += 1;
          return [{ address: lookups === 1 ? '127.0.0.1' : '10.0.0.1', family: 4 }];
        },
      },
    );
    const response = await rebinding.fetch(`http://rebind.example.org:${server.port}/ok`);
    assert.equal(response.status, 200);
    assert.equal(lookups, 1);
    const seen = server.seen.at(-1)!;
    assert.equal(seen.headers.host, `rebind.example.org:${server.port}`);
  });

  it('rechecks a rebinding host on redirect', async () => {
    let lookups = 0;
    const rebinding = new OutboundPolicy(
      { enabled: true, allowHosts: ['rebind.example.org'] },
      {
        allowLoopbackForTests: true,
        resolver: async () => {
          lookups += 1;
          return [{ address: lookups === 1 ? '127.0.0.1' : '10.0.0.1', family: 4 }];
        },
      },
    );
    const error = await rejection(
      rebinding.fetch(`http://rebind.example.org:${server.port}/to-same`),
    );
    assert.ok(error instanceof OutboundBlockedError);
    assert.match(error.reason, /10\.0\.0\.1 is blocked: private address/);
    assert.equal(lookups, 2);
  });
});

describe('OutboundPolicy over HTTPS', () => {
  let server: https.Server;
  let port: number;
  let cert: string;
  const hosts: string[] = [];

  before(async () => {
    // The certificate names kg.example.org only; the server listens on 127.0.0.1.
    const pems = await generate([{ name: 'commonName', value: 'kg.example.org' }], {
      keySize: 2048,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'kg.example.org' }] }],
    });
    cert = pems.cert;
    server = https.createServer({ cert: pems.cert, key: pems.private }, (request, response) => {
      hosts.push(request.headers.host ?? '');
      response.writeHead(200).end('secure');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function policyFor(name: string, ca?: string): OutboundPolicy {
    return new OutboundPolicy(
      { enabled: true, allowHosts: [name] },
      {
        allowLoopbackForTests: true,
        resolver: async () => [{ address: '127.0.0.1', family: 4 }],
        caForTests: ca,
      },
    );
  }

  it('verifies the name on the pinned address', async () => {
    const response = await policyFor('kg.example.org', cert).fetch(
      `https://kg.example.org:${port}/`,
    );
    assert.equal(response.body.toString(), 'secure');
    assert.equal(hosts.at(-1), `kg.example.org:${port}`);
  });

  it('rejects an untrusted certificate', async () => {
    const error = await rejection(
      policyFor('kg.example.org').fetch(`https://kg.example.org:${port}/`),
    );
    assert.ok(error instanceof OutboundRequestError, String(error));
  });

  it('rejects a certificate for another name', async () => {
    const error = await rejection(
      policyFor('other.example.org', cert).fetch(`https://other.example.org:${port}/`),
    );
    assert.ok(error instanceof OutboundRequestError, String(error));
    assert.match(error.message, /altnames|certificate/i);
  });
});
