/**
 * Long updates go through the worker-thread parse end to end while /health keeps responding:
 * one that sparqljs must read (two operations, so the quad data fast path does not apply),
 * and one large INSERT DATA, which the fast path parses.
 *
 * The server's log shows the order of events on its main thread, so the tests check that a
 * /health request completed after the update was received (the "parsing a long update" line)
 * and before it was committed. That holds only when the main thread is free during the parse,
 * however slow the machine. While the body is still arriving the server responds to other
 * requests anyway, so a count of /health responses during the whole request would prove nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { countMatches, startServerProcess, type ServerProcess } from '../helpers/server-process.js';

/** Triples in the two-operation update: sparqljs takes about a second per 10,000. */
const TRIPLES = 15_000;
/** Triples in the large INSERT DATA: about 4 MB, under the default 10 MiB body limit. */
const FAST_PATH_TRIPLES = 60_000;

interface LogLine {
  reqId?: string;
  msg?: string;
  req?: { method?: string; path?: string };
}

/** Returns the server's JSON log lines, in the order it wrote them. */
function logLines(server: ServerProcess): LogLine[] {
  const lines: LogLine[] = [];
  for (const chunk of server.output) {
    if (!chunk.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(chunk) as LogLine);
    } catch {
      // A line of stderr output or a notice, not a log entry.
    }
  }
  return lines;
}

/** Returns the indexes of the log lines that report the parse of a long update. */
function longUpdateLines(lines: LogLine[]): number[] {
  const indexes: number[] = [];
  lines.forEach((line, index) => {
    if (line.msg === 'parsing a long update in a worker thread') indexes.push(index);
  });
  return indexes;
}

/**
 * Returns how many /health requests completed, by the server's log, after the server received
 * its long update number `updateNumber` (0 for the first) and before it committed it. The log
 * reaches the test through a pipe, which may lag behind the HTTP response, so this waits up to
 * 30 s for both lines.
 */
async function healthAnswersDuringParseAndCommit(
  server: ServerProcess,
  updateNumber: number,
): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (let attempt = 0; attempt < 600 && Date.now() < deadline; attempt++) {
    const lines = logLines(server);
    const started = longUpdateLines(lines)[updateNumber];
    const updateId = started === undefined ? undefined : lines[started]!.reqId;
    const committed = lines.findIndex(
      (line, index) =>
        started !== undefined &&
        index > started &&
        line.reqId === updateId &&
        line.msg === 'update committed',
    );
    if (started !== undefined && committed > started) {
      const healthIds = new Set(
        lines.filter((line) => line.req?.path === '/health').map((line) => line.reqId),
      );
      return lines
        .slice(started + 1, committed)
        .filter((line) => line.msg === 'request completed' && healthIds.has(line.reqId)).length;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`the server logged no receipt and commit of long update ${updateNumber} in 30 s`);
}

/**
 * Sends the update and polls /health until the update's response arrives (at most 300 s or
 * 100,000 polls); returns the update's response.
 */
async function postWhilePolling(server: ServerProcess, update: string): Promise<Response> {
  let settled = false;
  const pending = server
    .request('/update', {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-update' },
      body: update,
    })
    .finally(() => (settled = true));
  const deadline = Date.now() + 300_000;
  for (let polls = 0; !settled && polls < 100_000 && Date.now() < deadline; polls++) {
    const health = await server.request('/health', { auth: null });
    await health.arrayBuffer();
  }
  return pending;
}

describe('health during a long update', () => {
  let server: ServerProcess;

  before(async () => {
    server = await startServerProcess();
  });
  after(async () => {
    await server.stop();
  });

  it('answers /health while the update is parsed', async () => {
    const lines: string[] = [];
    for (let i = 0; i < TRIPLES; i++) lines.push(`<http://e.org/s${i}> <http://e.org/p> "v${i}" .`);
    const update = `INSERT DATA {\n${lines.join('\n')}\n} ;\nCLEAR SILENT GRAPH <urn:x:none>`;
    const updateNumber = longUpdateLines(logLines(server)).length;
    const response = await postWhilePolling(server, update);
    assert.equal(response.status, 200, await response.clone().text());
    assert.ok(
      (await healthAnswersDuringParseAndCommit(server, updateNumber)) > 0,
      'no /health request completed between receiving and committing the update',
    );
    assert.equal(await countMatches(server, '?s <http://e.org/p> ?o'), TRIPLES);
  });

  it('serves /health during a large INSERT DATA', async (t) => {
    const lines: string[] = [];
    for (let i = 0; i < FAST_PATH_TRIPLES; i++) {
      lines.push(`<http://e.org/big/s${i}> <http://e.org/big/p> "value ${i}"@en .`);
    }
    const updateNumber = longUpdateLines(logLines(server)).length;
    const response = await postWhilePolling(server, `INSERT DATA {\n${lines.join('\n')}\n}`);
    assert.equal(response.status, 200, await response.clone().text());
    assert.deepEqual(await response.json(), { inserted: FAST_PATH_TRIPLES, deleted: 0 });
    const answers = await healthAnswersDuringParseAndCommit(server, updateNumber);
    t.diagnostic(`/health requests completed between receiving and committing: ${answers}`);
    assert.ok(answers > 0, 'no /health request completed between receiving and committing');
    assert.equal(await countMatches(server, '?s <http://e.org/big/p> ?o'), FAST_PATH_TRIPLES);
  });
});
