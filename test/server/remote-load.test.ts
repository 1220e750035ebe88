/**
 * SPARQL Update LOAD through the outbound policy: a document served on 127.0.0.1 (reachable
 * only with the test-only loopback option) is loaded into a graph; refused and failing
 * sources fail the request unless SILENT, and nothing is written then.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OutboundPolicy } from '../../src/security/outbound.js';
import { remoteLoader } from '../../src/server/remote-load.js';
import { executeUpdate, parseUpdate } from '../../src/sparql/index.js';
import { DEFAULT_DATASET, Engine } from '../../src/storage/engine.js';
import { ANY } from '../../src/store/types.js';

const EX = 'http://example.org/';

describe('LOAD through the outbound policy', () => {
  let server: Server;
  let base: string;
  let dir: string;
  let engine: Engine;

  before(async () => {
    server = createServer((request, response) => {
      if (request.url === '/people.ttl') {
        response.writeHead(200, { 'content-type': 'text/turtle' });
        response.end(`<${EX}ann> <${EX}knows> [ <${EX}name> "Bob" ] .`);
      } else if (request.url === '/broken.ttl') {
        response.writeHead(200, { 'content-type': 'text/turtle' });
        response.end(`<${EX}ann> <${EX}knows> .`);
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = mkdtempSync(path.join(tmpdir(), 'seven-tick-load-'));
    engine = Engine.open(dir);
  });

  after(async () => {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
    await new Promise((resolve) => server.close(resolve));
  });

  const run = (text: string, policy: OutboundPolicy) =>
    engine.transaction(DEFAULT_DATASET, (tx) =>
      executeUpdate(
        {
          dictionary: tx.dictionary,
          quads: tx.quads,
          insert: (quads) => tx.insert(quads),
          delete: (quads) => tx.delete(quads),
          load: remoteLoader(policy, tx.dictionary, 1024 * 1024),
        },
        parseUpdate(text),
      ),
    );

  const size = () => engine.dataset(DEFAULT_DATASET).quads.count(ANY, ANY, ANY, ANY);

  it('loads a document into a named graph', async () => {
    const policy = new OutboundPolicy(
      { enabled: true, allowHosts: ['127.0.0.1'] },
      { allowLoopbackForTests: true },
    );
    const result = await run(`LOAD <${base}/people.ttl> INTO GRAPH <${EX}g>`, policy);
    assert.equal(result.inserted, 2);
    const { dictionary, quads } = engine.dataset(DEFAULT_DATASET);
    assert.equal(quads.count(ANY, ANY, ANY, dictionary.lookup(`${EX}g`)!), 2);
  });

  it('fails whole on a refused, missing or broken source unless SILENT', async () => {
    const before = size();
    const off = new OutboundPolicy({});
    const loopbackRefused = new OutboundPolicy({ enabled: true, allowHosts: ['127.0.0.1'] });
    const allowed = new OutboundPolicy(
      { enabled: true, allowHosts: ['127.0.0.1'] },
      { allowLoopbackForTests: true },
    );
    const cases: [string, OutboundPolicy, RegExp][] = [
      [`${base}/people.ttl`, off, /outbound requests, which are off/],
      [`${base}/people.ttl`, loopbackRefused, /loopback|not allowed|refused/i],
      [`${base}/missing.ttl`, allowed, /404/],
      [`${base}/broken.ttl`, allowed, /broken.ttl:1:/],
    ];
    for (const [url, policy, message] of cases) {
      await assert.rejects(
        run(`INSERT DATA { <${EX}x> <${EX}p> 1 } ; LOAD <${url}>`, policy),
        message,
        url,
      );
      assert.equal(size(), before);
      const silent = await run(`LOAD SILENT <${url}>`, policy);
      assert.equal(silent.inserted, 0);
    }
  });
});
