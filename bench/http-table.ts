/** Markdown for the HTTP section: throughput and latency, then the cost of authentication. */
import type { HttpResults, HttpRun } from './http.js';
import { formatNumber, formatSample } from './stats.js';

function runCells(run: HttpRun): string {
  return `${formatSample(run.requestsPerSecond)} | ${formatSample(run.p50)} | ${formatSample(run.p99)}`;
}

export function httpTable(results: HttpResults): string {
  const concurrencies = Object.keys(results.serve).map(Number);
  const top = Math.max(...concurrencies);
  const lines = [
    `Each run is ${results.secondsPerRun} s of autocannon after a 2 s warm-up; the client ` +
      'runs in the bench process on the same machine as the server, so both share the CPUs. ' +
      "Latencies are autocannon's, in whole milliseconds. The npm `oxigraph` package has no HTTP " +
      'server, so there is no peer here. The bench raises the per-address and per-principal ' +
      'rate limits to 10^9 requests/s, because the default of 200 would answer with 429; the ' +
      'limiter still runs on every request.',
    '',
    '| request | concurrency | requests/s | p50 ms | p99 ms |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const connections of concurrencies) {
    lines.push(
      `| \`seven-tick serve\`, LUBM ${results.query}, Bearer session token | ${connections} | ` +
        `${runCells(results.serve[connections])} |`,
    );
  }
  lines.push(
    `| \`seven-tick serve\`, GET /health, no credentials | ${top} | ${runCells(results.health)} |`,
  );

  lines.push(
    '',
    '### Cost of authentication',
    '',
    'The server cannot run with authentication off. Instead one bench server ' +
      '(`bench/http-server.ts`, the same `startServer` as `seven-tick serve`) holds two session ' +
      'tokens. Requests with the checked token are authenticated as `seven-tick serve` does: the ' +
      'server parses the Authorization header, checks the client address, and verifies the ' +
      'Bearer token. Verifying costs a SHA-256 digest of the token and a lookup in the cache ' +
      'of verified tokens, which reads `PRAGMA data_version` at most once a millisecond, or a ' +
      'database lookup on a miss. A token that repeats the last one its keep-alive connection ' +
      'sent skips the digest, and autocannon keeps its connections open. Requests with the reused token are authenticated once, and the principal is reused ' +
      'afterwards. Both kinds keep the rate limiters, every access check and the audit flush ' +
      'before each response. Runs alternate between the two tokens, in the order A B, B A, and ' +
      'so on. One process serves both, so they share its JIT state, heap and CPU placement. The ' +
      'last column is the share of throughput authentication costs: 1 minus checked over reused ' +
      'requests/s, computed for the two runs of each round, as a median with the range over the ' +
      'rounds.',
    '',
    '| concurrency | token checked: requests/s | p50 ms | p99 ms | principal reused: requests/s | p50 ms | p99 ms | cost of authentication |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const connections of concurrencies) {
    const checked = results.authChecked[connections];
    const reused = results.authReused[connections];
    const cost = results.authCost[connections];
    const percent = (fraction: number) => `${(fraction * 100).toFixed(1)} %`;
    lines.push(
      `| ${connections} | ${runCells(checked)} | ${runCells(reused)} | ` +
        `${percent(cost.median)} (${percent(cost.min)} to ${percent(cost.max)}) |`,
    );
  }
  lines.push(
    '',
    `Called directly in the server process, \`Authenticator.authenticate\` takes ` +
      `${formatNumber(results.authenticateMicros)} µs per Bearer session token on a new ` +
      `connection and ${formatNumber(results.authenticateRepeatMicros)} µs when the token ` +
      'repeats on one connection. Both are means of 20,000 calls, which queue their audit ' +
      'entries but do not wait for them to be durable. That ' +
      'loop keeps the code and data in the CPU caches and reads `PRAGMA data_version` once for ' +
      'all the calls of a millisecond. Under HTTP load, the query and HTTP work of each request ' +
      'run between two authentications and can evict that code and data from the caches. At ' +
      'concurrency 1 a read of `PRAGMA data_version` also falls on one request in every few. So ' +
      'one authentication likely costs more there.',
  );
  return lines.join('\n');
}
