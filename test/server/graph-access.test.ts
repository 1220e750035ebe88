/**
 * Graph-level grants, enforced where quads are read: a user granted one named graph reads that
 * graph only, whatever the query requests, and a user with no grant gets 403.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { AccessPolicy } from '../../src/security/access.js';
import { ensureSecuritySchema } from '../../src/security/schema.js';
import { UserStore } from '../../src/security/users.js';
import { DATABASE_FILE } from '../../src/storage/database.js';
import {
  ADMIN_PASSWORD,
  basic,
  removeDir,
  runCli,
  startServerProcess,
  tempDataDir,
  type ServerProcess,
} from '../helpers/server-process.js';

const PASSWORD = 'graph-user-password';
const PUBLIC = 'http://example.org/public';
const SECRET = 'http://example.org/secret';

describe('graph-level access', () => {
  let server: ServerProcess;
  let dataDir: string;

  before(async () => {
    dataDir = tempDataDir();
    const file = path.join(dataDir, 'data.ttl');
    writeFileSync(file, '<http://example.org/s> <http://example.org/p> "value" .\n');
    for (const graph of [PUBLIC, SECRET]) {
      const load = runCli(['load', '--data-dir', dataDir, '--graph', graph, file]);
      assert.equal(load.status, 0, load.stderr);
    }
    const defaultLoad = runCli(['load', '--data-dir', dataDir, file]);
    assert.equal(defaultLoad.status, 0, defaultLoad.stderr);

    // Users without a role, and a grant on one graph, written while no server runs.
    const db = new Database(path.join(dataDir, DATABASE_FILE));
    ensureSecuritySchema(db);
    const users = new UserStore(db);
    // The server creates admin only on a data dir without users, so add it here too.
    await users.add('admin', ADMIN_PASSWORD, ['admin']);
    await users.add('graphuser', PASSWORD, []);
    await users.add('nobody', PASSWORD, []);
    new AccessPolicy(db).grant('graphuser', 'read', { dataset: 'default', graph: PUBLIC });
    db.close();

    server = await startServerProcess({ dataDir });
  });

  after(async () => {
    await server?.stop();
    removeDir(dataDir);
  });

  async function select(query: string, user: string): Promise<{ status: number; rows: string[] }> {
    const response = await server.request(`/sparql?query=${encodeURIComponent(query)}`, {
      auth: basic(user, PASSWORD),
      headers: { accept: 'text/csv' },
    });
    const text = await response.text();
    return { status: response.status, rows: text.trim().split('\r\n').slice(1) };
  }

  it('lists only the granted graph', async () => {
    const result = await select('SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }', 'graphuser');
    assert.equal(result.status, 200);
    assert.deepEqual(result.rows, [PUBLIC]);
  });

  it('hides a named graph asked for by name', async () => {
    const result = await select(`SELECT ?o WHERE { GRAPH <${SECRET}> { ?s ?p ?o } }`, 'graphuser');
    assert.equal(result.status, 200);
    assert.deepEqual(result.rows, []);
  });

  it('hides the default graph', async () => {
    const result = await select('SELECT ?o WHERE { ?s ?p ?o }', 'graphuser');
    assert.equal(result.status, 200);
    assert.deepEqual(result.rows, []);
  });

  it('shows every graph to the admin', async () => {
    const response = await server.request(
      `/sparql?query=${encodeURIComponent('SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }')}`,
      { headers: { accept: 'text/csv' } },
    );
    const rows = (await response.text()).trim().split('\r\n').slice(1).sort();
    assert.deepEqual(rows, [PUBLIC, SECRET]);
  });

  it('refuses a user without any grant', async () => {
    const result = await select('ASK { ?s ?p ?o }', 'nobody');
    assert.equal(result.status, 403);
  });
});
