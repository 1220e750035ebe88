/**
 * Runs the W3C SPARQL 1.1 Graph Store Protocol tests (graph-store-protocol/manifest.ttl), whose
 * requests and expected responses are written in the W3C HTTP vocabulary. Each test gets a
 * fresh data dir and a real server on 127.0.0.1; its requests run in order, with `/gsp`
 * replaced by the server's `/data` endpoint.
 */
import type * as RDF from '@rdfjs/types';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Parser } from 'n3';

import { DEFAULT_CONFIG } from '../src/config.js';
import { startServer } from '../src/server/serve.js';
import { isomorphic } from './isomorphism.js';
import {
  MF,
  readManifests,
  TEST_BASE,
  type ManifestEntry,
  type ManifestGraph,
} from './manifest.js';
import { failed, messageOf, PASSED, type Outcome, type TestOutcome } from './outcome.js';

const HT = 'http://www.w3.org/2011/http#';
const HTS = 'http://www.w3.org/2011/http-statusCodes#';
const CNT = 'http://www.w3.org/2011/content#';
const PASSWORD = 'graph-store-conformance-password';
/** Wall-clock limit for one request, in milliseconds. */
const REQUEST_TIMEOUT_MS = 10_000;

/** Status names of the http-statusCodes vocabulary that the tests use. */
const STATUS: Record<string, number> = {
  OK: 200,
  Created: 201,
  NoContent: 204,
  NotFound: 404,
};

export const GRAPH_STORE_MANIFEST = `${TEST_BASE}sparql/sparql11/graph-store-protocol/manifest.ttl`;

interface TestRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  expectedStatus: number[];
  expectedContentType: string | undefined;
  expectedBody: string | undefined;
  /** Template variable that the response's Location header value replaces in later requests. */
  expectedLocation: string | undefined;
}

export async function runGraphStoreSuite(): Promise<TestOutcome[]> {
  const outcomes: TestOutcome[] = [];
  for (const entry of readManifests(GRAPH_STORE_MANIFEST)) {
    let outcome: Outcome;
    try {
      outcome = await runGraphStoreTest(entry);
    } catch (error) {
      outcome = failed(`the runner failed: ${messageOf(error)}`);
    }
    outcomes.push({ id: entry.id, ...outcome });
  }
  return outcomes;
}

async function runGraphStoreTest(entry: ManifestEntry): Promise<Outcome> {
  const graph = entry.graph;
  const connection = entry.action!;
  const requests = graph
    .objects(connection, `${HT}requests`)
    .flatMap((list) => graph.list(list))
    .map((node) => requestOf(graph, node));

  const dataDir = mkdtempSync(path.join(tmpdir(), 'seven-tick-gsp-test-'));
  const server = await startServer(
    { ...DEFAULT_CONFIG, dataDir, port: 0, logLevel: 'silent' },
    { adminPassword: PASSWORD },
  );
  try {
    await server.ready;
    const auth = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
    const variables = new Map<string, string>();
    for (const [index, request] of requests.entries()) {
      const label = `request ${index + 1} (${request.method} ${request.path})`;
      let target = request.path.replace(/^\/gsp/, '/data');
      let body = request.body;
      for (const [name, value] of variables) {
        target = target.replaceAll(name, value);
        body = body?.replaceAll(name, value);
      }
      const response = await fetch(server.url + target, {
        method: request.method,
        headers: { ...request.headers, authorization: auth },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      if (!request.expectedStatus.includes(response.status)) {
        return failed(
          `${label} answered ${response.status}, expected ${request.expectedStatus.join(' or ')}: ${text.slice(0, 200)}`,
        );
      }
      if (request.expectedLocation !== undefined) {
        const location = response.headers.get('location');
        if (location === null) return failed(`${label} has no Location header`);
        variables.set(request.expectedLocation, location);
      }
      if (request.expectedContentType !== undefined) {
        const actual = response.headers.get('content-type') ?? '';
        if (essence(actual) !== essence(request.expectedContentType)) {
          return failed(
            `${label} has content type ${actual}, expected ${request.expectedContentType}`,
          );
        }
      }
      if (request.expectedBody !== undefined) {
        const base = server.url + target;
        const expected = new Parser({ baseIRI: base }).parse(request.expectedBody);
        const actual = new Parser({ baseIRI: base }).parse(text);
        if (!isomorphic(actual, expected)) {
          return failed(`${label} returned a graph that differs from the expected one`);
        }
      }
    }
    return PASSED;
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function requestOf(graph: ManifestGraph, node: RDF.Term): TestRequest {
  const headers: Record<string, string> = {};
  for (const list of graph.objects(node, `${HT}headers`)) {
    for (const header of graph.list(list)) {
      headers[graph.object(header, `${HT}fieldName`)!.value] = graph.object(
        header,
        `${HT}fieldValue`,
      )!.value;
    }
  }
  const bodyNode = graph.object(node, `${HT}body`);
  const response = graph.object(node, `${HT}resp`)!;
  const responseBody = graph.object(response, `${HT}body`);
  let expectedContentType: string | undefined;
  for (const list of graph.objects(response, `${HT}headers`)) {
    for (const header of graph.list(list)) {
      if (graph.object(header, `${HT}fieldName`)!.value.toLowerCase() === 'content-type') {
        expectedContentType = graph.object(header, `${HT}fieldValue`)!.value;
      }
    }
  }
  return {
    method: graph.object(node, `${HT}methodName`)!.value,
    path: graph.object(node, `${HT}absolutePath`)!.value,
    headers,
    body: bodyNode === undefined ? undefined : graph.object(bodyNode, `${CNT}chars`)!.value,
    expectedStatus: graph
      .objects(response, `${MF}expectedStatus`)
      .map((term) => STATUS[term.value.slice(HTS.length)] ?? -1),
    expectedContentType,
    expectedBody:
      responseBody === undefined ? undefined : graph.object(responseBody, `${CNT}chars`)!.value,
    expectedLocation: graph.object(response, `${MF}expectedLocation`)?.value,
  };
}

function essence(contentType: string): string {
  return contentType.split(';', 1)[0]!.trim().toLowerCase();
}
