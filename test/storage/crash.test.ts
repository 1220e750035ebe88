/**
 * Durability under `kill -9`: clients stream update transactions at a real server, which is
 * killed with SIGKILL at a random moment, restarted and checked, many times over.
 *
 * Every transaction i of a client inserts five triples of its own plus an "open" marker, and
 * deletes the marker of the client's transaction i - 1. After each restart, every transaction
 * a client saw acknowledged must be present, and no transaction may be half applied: all five
 * triples or none, and a present successor means the predecessor's marker is gone.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  ADMIN_PASSWORD,
  removeDir,
  startServerProcess,
  tempDataDir,
  type ServerProcess,
} from '../helpers/server-process.js';

const EX = 'http://example.org/crash/';
const CYCLES = 8;
const CLIENTS = 4;
const ITEMS = 5;

async function login(server: ServerProcess): Promise<string> {
  const response = await server.request('/auth/login', {
    method: 'POST',
    auth: null,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  assert.equal(response.status, 200);
  return `Bearer ${((await response.json()) as { token: string }).token}`;
}

function transaction(client: number, i: number): string {
  const tx = `<${EX}c${client}/t${i}>`;
  const items = Array.from({ length: ITEMS }, (_, k) => `${tx} <${EX}item> ${k} .`).join('\n');
  const previous =
    i > 0 ? `DELETE DATA { <${EX}c${client}/t${i - 1}> <${EX}state> "open" } ;\n` : '';
  return `${previous}INSERT DATA { ${items}\n${tx} <${EX}state> "open" . }`;
}

/** Reads every transaction's item count and marker from the server. */
async function readState(
  server: ServerProcess,
  auth: string,
): Promise<Map<string, { items: number; open: boolean }>> {
  const query = `SELECT ?tx (COUNT(?k) AS ?n) (SAMPLE(?state) AS ?s) {
    { ?tx <${EX}item> ?k } UNION { ?tx <${EX}state> ?state }
  } GROUP BY ?tx`;
  const response = await server.request(`/sparql?query=${encodeURIComponent(query)}`, { auth });
  assert.equal(response.status, 200);
  const body = (await response.json()) as {
    results: { bindings: { tx: { value: string }; n: { value: string }; s?: { value: string } }[] };
  };
  const state = new Map<string, { items: number; open: boolean }>();
  for (const row of body.results.bindings) {
    const open = row.s !== undefined;
    state.set(row.tx.value, { items: Number(row.n.value), open });
  }
  return state;
}

describe('durability under SIGKILL', () => {
  const dataDir = tempDataDir();
  let server: ServerProcess | undefined;

  after(async () => {
    await server?.kill9();
    removeDir(dataDir);
  });

  it(`keeps every acknowledged write through ${CYCLES} kills`, async (t) => {
    /** Next transaction number per client; everything below it was acknowledged. */
    const next = new Array<number>(CLIENTS).fill(0);
    let acknowledged = 0;
    // The last round only checks what the last kill left.
    for (let cycle = 0; cycle <= CYCLES; cycle++) {
      server = await startServerProcess({ dataDir });
      const auth = await login(server);
      const current = server;

      // Check what the previous cycle left, before writing more.
      const state = await readState(current, auth);
      for (let client = 0; client < CLIENTS; client++) {
        for (let i = 0; i < next[client]!; i++) {
          const tx = state.get(`${EX}c${client}/t${i}`);
          assert.ok(tx !== undefined, `acknowledged transaction c${client}/t${i} is missing`);
        }
        // A transaction sent but not acknowledged may or may not be there; take it into account.
        if (state.has(`${EX}c${client}/t${next[client]!}`)) next[client]!++;
      }
      for (const [name, tx] of state) {
        assert.equal(tx.items, ITEMS, `${name} is half applied: ${tx.items} items`);
        const [, client, i] = /c(\d+)\/t(\d+)$/.exec(name)!.map(Number);
        const successor = state.has(`${EX}c${client}/t${i! + 1}`);
        assert.equal(tx.open, !successor, `${name}: marker ${tx.open} with successor ${successor}`);
      }

      if (cycle === CYCLES) break;

      // Stream transactions from every client, and kill the server at a random moment.
      let stopped = false;
      const clients = Array.from({ length: CLIENTS }, async (_, client) => {
        for (let sent = 0; !stopped && sent < 10_000; sent++) {
          const i = next[client]!;
          const response = await current
            .request('/update', {
              method: 'POST',
              auth,
              headers: { 'content-type': 'application/sparql-update' },
              body: transaction(client, i),
            })
            .catch(() => undefined);
          if (response === undefined) return;
          if (response.status !== 200) {
            assert.fail(`update answered ${response.status}: ${await response.text()}`);
          }
          await response.arrayBuffer();
          next[client] = i + 1;
          acknowledged++;
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 400));
      stopped = true;
      await current.kill9();
      await Promise.all(clients);
    }
    t.diagnostic(`${acknowledged} transactions acknowledged over ${CYCLES} kills`);
    assert.ok(acknowledged > CYCLES, `only ${acknowledged} transactions were acknowledged`);
  });
});
