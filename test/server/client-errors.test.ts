/**
 * Requests refused before a route runs still get the JSON error shape, on the real server:
 * malformed HTTP, an oversized request head, a wrong method on a known path, an unknown body
 * type and a compressed body.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

/** Sends raw bytes and returns everything the server sends before it closes (at most 5 s). */
function rawExchange(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let answer = '';
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

function jsonBody(answer: string): Record<string, unknown> {
  return JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
}

describe('errors before routing', () => {
  let server: ServerProcess;

  before(async () => {
    server = await startServerProcess();
  });
  after(async () => {
    await server.stop();
  });

  it('answers bytes that are not HTTP with 400 BAD_HTTP and closes', async () => {
    const answer = await rawExchange(server.url, 'GARBAGE\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 400 /);
    const body = jsonBody(answer);
    assert.equal(body.code, 'BAD_HTTP');
    assert.equal(typeof body.detail, 'string');
  });

  it('answers a query string over the header limit with 431 naming POST', async () => {
    const long = 'a'.repeat(20_000);
    const answer = await rawExchange(
      server.url,
      `GET /sparql?query=${long} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    );
    assert.match(answer, /^HTTP\/1\.1 431 /);
    const body = jsonBody(answer);
    assert.equal(body.code, 'HEADER_TOO_LARGE');
    assert.match(String(body.detail), /POST/);
  });

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const response = await server.request('/update');
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'POST');
    const body = (await response.json()) as { detail: string; code: string };
    assert.match(body.detail, /does not accept GET/);
    assert.equal(body.code, 'METHOD_NOT_ALLOWED');
    const dataset = await server.request('/datasets/default/sparql', { method: 'DELETE' });
    assert.equal(dataset.status, 405);
    assert.equal(dataset.headers.get('allow'), 'GET, HEAD, POST');
  });

  it('answers router errors in the JSON error shape', async () => {
    const longName = await server.request(`/admin/datasets/${'x'.repeat(200)}`, {
      method: 'DELETE',
    });
    assert.equal(longName.status, 414);
    const tooLong = (await longName.json()) as { error: string; detail: string; code: string };
    assert.equal(tooLong.error, 'URI too long');
    assert.equal(tooLong.code, 'FST_ERR_MAX_PARAM_LENGTH');
    assert.equal(typeof tooLong.detail, 'string');
    const badEscape = await server.request('/datasets/%ZZ/sparql?query=ASK%7B%7D');
    assert.equal(badEscape.status, 400);
    const bad = (await badEscape.json()) as { error: string; detail: string; code: string };
    assert.equal(bad.code, 'FST_ERR_BAD_URL');
    assert.equal(typeof bad.detail, 'string');
  });

  it('keeps 404 for unknown paths and 401 before 405 for anonymous clients', async () => {
    const unknown = await server.request('/no/such/route');
    assert.equal(unknown.status, 404);
    const anonymous = await server.request('/update', { auth: null });
    assert.equal(anonymous.status, 401);
  });

  it('quotes an unknown Content-Type in the 415 detail', async () => {
    const response = await server.request('/sparql', {
      method: 'POST',
      headers: { 'content-type': 'application/x-unknown' },
      body: 'ASK {}',
    });
    assert.equal(response.status, 415);
    const body = (await response.json()) as { detail: string; error: string };
    assert.equal(body.error, 'Unsupported media type');
    assert.match(body.detail, /"application\/x-unknown"/);
  });

  it('refuses a compressed body with 415 and Accept-Encoding', async () => {
    const response = await server.request('/sparql', {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-query', 'content-encoding': 'gzip' },
      body: 'ASK {}',
    });
    assert.equal(response.status, 415);
    assert.equal(response.headers.get('accept-encoding'), 'identity');
    const body = (await response.json()) as { code: string };
    assert.equal(body.code, 'UNSUPPORTED_CONTENT_ENCODING');
    const identity = await server.request('/sparql', {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-query', 'content-encoding': 'identity' },
      body: 'ASK {}',
    });
    assert.equal(identity.status, 200);
  });

  it('still serves after all of the above', async () => {
    const response = await server.request('/health', { auth: null });
    assert.equal(response.status, 200);
  });
});
