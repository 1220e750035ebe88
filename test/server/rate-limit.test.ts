/**
 * Rate limits on a real server: per principal and per client address, 429 with Retry-After,
 * /health never limited, and X-Forwarded-For ignored when no proxy is trusted.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  removeDir,
  startServerProcess,
  tempDataDir,
  type ServerProcess,
} from '../helpers/server-process.js';

const ASK = '/sparql?query=ASK%7B%7D';

describe('rate limits', () => {
  let server: ServerProcess;
  let dataDir: string;

  before(async () => {
    dataDir = tempDataDir();
    const configFile = path.join(dataDir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        addressRateLimitPerSecond: 1,
        addressRateLimitBurst: 12,
        principalRateLimitPerSecond: 1,
        principalRateLimitBurst: 4,
        addressBlockThreshold: 1000,
      }),
    );
    server = await startServerProcess({ dataDir, args: ['--config', configFile] });
  });

  after(async () => {
    await server?.stop();
    removeDir(dataDir);
  });

  it('limits a principal', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 8; i++) {
      const response = await server.request(ASK);
      statuses.push(response.status);
      if (response.status === 429) limited ??= response;
    }
    assert.equal(statuses.slice(0, 4).join(), '200,200,200,200');
    assert.ok(limited, `no 429 in ${statuses.join()}`);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    const body = (await limited.json()) as { code: string; detail: string };
    assert.equal(body.code, 'RATE_LIMITED');
    assert.match(body.detail, /by "admin"/);
  });

  it('limits an address despite X-Forwarded-For', async () => {
    let limited: Response | undefined;
    for (let i = 0; i < 20 && limited === undefined; i++) {
      // No proxy is trusted, so a forged client address changes nothing.
      const response = await server.request(ASK, {
        auth: null,
        headers: { 'x-forwarded-for': `198.51.100.${i}` },
      });
      if (response.status === 429) limited = response;
      else assert.equal(response.status, 401);
    }
    assert.ok(limited, 'the address was never limited');
    assert.match(((await limited.json()) as { detail: string }).detail, /from this address/);
  });

  it('never limits /health', async () => {
    for (let i = 0; i < 20; i++) {
      assert.equal((await server.request('/health', { auth: null })).status, 200);
    }
  });

  it('counts limited requests', async () => {
    // The address is limited right now too, so wait for one token (1 per second), bounded.
    let text = '';
    for (let attempt = 0; attempt < 50 && text === ''; attempt++) {
      const response = await server.request('/metrics');
      if (response.status === 200) text = await response.text();
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.match(text, /^seven_tick_rate_limited_total\{route="\/sparql"\} \d+/m);
  });
});
