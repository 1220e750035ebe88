/**
 * Authentication and authorisation on the real server, as a table: every route × every role
 * × anonymous and wrong credentials, with the expected status.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ADMIN_AUTH,
  basic,
  removeDir,
  runCli,
  startServerProcess,
  tempDataDir,
  type ServerProcess,
} from '../helpers/server-process.js';

const PASSWORD = 'a-long-enough-password';
const ASK = encodeURIComponent('ASK { ?s ?p ?o }');

interface Route {
  name: string;
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  /** The Allow header a 405 must carry. */
  allow?: string;
}

const ROUTES: Route[] = [
  { name: 'health', method: 'GET', path: '/health' },
  { name: 'ready', method: 'GET', path: '/ready' },
  { name: 'query GET', method: 'GET', path: `/sparql?query=${ASK}` },
  {
    name: 'query POST',
    method: 'POST',
    path: '/datasets/default/sparql',
    body: 'ASK {}',
    contentType: 'application/sparql-query',
  },
  {
    name: 'update insert',
    method: 'POST',
    path: '/update',
    body: 'INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }',
    contentType: 'application/sparql-update',
  },
  {
    name: 'update clear',
    method: 'POST',
    path: '/datasets/default/update',
    body: 'CLEAR SILENT GRAPH <http://example.org/none>',
    contentType: 'application/sparql-update',
  },
  { name: 'graph store GET', method: 'GET', path: '/data?default' },
  {
    name: 'graph store POST',
    method: 'POST',
    path: '/datasets/default/data?default',
    body: '<http://example.org/s> <http://example.org/p> 2 .',
    contentType: 'text/turtle',
  },
  {
    name: 'graph store PUT',
    method: 'PUT',
    path: '/data?default',
    body: '<http://example.org/s> <http://example.org/p> 3 .',
    contentType: 'text/turtle',
  },
  {
    name: 'graph store DELETE',
    method: 'DELETE',
    path: `/data?graph=${encodeURIComponent('http://example.org/none')}`,
  },
  { name: 'list datasets', method: 'GET', path: '/admin/datasets' },
  {
    name: 'create dataset',
    method: 'PUT',
    path: '/admin/datasets/extra',
    body: '{}',
    contentType: 'application/json',
  },
  { name: 'metrics', method: 'GET', path: '/metrics' },
  { name: 'audit tail', method: 'GET', path: '/admin/audit?limit=5' },
  { name: 'blocked addresses', method: 'GET', path: '/admin/addresses' },
  { name: 'incident GET', method: 'GET', path: '/admin/incident' },
  {
    name: 'incident PUT',
    method: 'PUT',
    path: '/admin/incident',
    body: '{"level":"none"}',
    contentType: 'application/json',
  },
  { name: 'list users', method: 'GET', path: '/admin/users' },
  {
    name: 'put user',
    method: 'PUT',
    path: '/admin/users/table-user1',
    body: JSON.stringify({ password: PASSWORD, roles: ['reader'] }),
    contentType: 'application/json',
  },
  { name: 'delete user', method: 'DELETE', path: '/admin/users/doomed1' },
  { name: 'unlock user', method: 'POST', path: '/admin/users/victim1/unlock' },
  { name: 'list grants', method: 'GET', path: '/admin/grants?principal=reader1' },
  {
    name: 'put grant',
    method: 'PUT',
    path: '/admin/grants',
    body: JSON.stringify({
      principal: 'writer1',
      dataset: 'default',
      graph: 'http://example.org/g',
      permissions: ['read'],
    }),
    contentType: 'application/json',
  },
  {
    name: 'delete grant',
    method: 'DELETE',
    path: '/admin/grants?principal=victim1&dataset=default',
  },
  {
    name: 'create own token',
    method: 'POST',
    path: '/auth/tokens',
    body: JSON.stringify({ scopes: ['read'], name: 'table' }),
    contentType: 'application/json',
  },
  { name: 'list own tokens', method: 'GET', path: '/auth/tokens' },
  { name: 'revoke own token', method: 'DELETE', path: '/auth/tokens/{ADMIN_TOKEN_ID}' },
  { name: 'list tokens', method: 'GET', path: '/admin/tokens?user=reader1' },
  { name: 'revoke token', method: 'DELETE', path: '/admin/tokens/{WRITER_TOKEN_ID}' },
  { name: 'unknown route', method: 'GET', path: '/no/such/route' },
  {
    // A malformed JSON body: a 405 rather than 400 shows the body was never parsed.
    name: 'health POST',
    method: 'POST',
    path: '/health',
    body: '{"unterminated',
    contentType: 'application/json',
    allow: 'GET, HEAD',
  },
  { name: 'health DELETE', method: 'DELETE', path: '/health', allow: 'GET, HEAD' },
  { name: 'ready POST', method: 'POST', path: '/ready?x=1', allow: 'GET, HEAD' },
  {
    name: 'metrics POST',
    method: 'POST',
    path: '/metrics',
    body: '{}',
    contentType: 'application/json',
    allow: 'GET, HEAD',
  },
  { name: 'metrics HEAD', method: 'HEAD', path: '/metrics' },
];

type Caller =
  | 'anonymous'
  | 'wrong password'
  | 'reader'
  | 'writer'
  | 'admin'
  | 'reader token'
  | 'expired token'
  | 'wrong-scope token';

/** Routes that only admins may use: 401 without valid credentials, 403 for everyone else. */
const ADMIN_ONLY: Record<Caller, number> = {
  anonymous: 401,
  'wrong password': 401,
  reader: 403,
  writer: 403,
  admin: 200,
  'reader token': 403,
  'expired token': 401,
  'wrong-scope token': 403,
};

const ADMIN_ONLY_CREATED: Record<Caller, number> = { ...ADMIN_ONLY, admin: 201 };
const WRONG_METHOD: Record<Caller, number> = {
  anonymous: 405,
  'wrong password': 405,
  reader: 405,
  writer: 405,
  admin: 405,
  'reader token': 405,
  'expired token': 405,
  'wrong-scope token': 405,
};
const ADMIN_ONLY_NO_CONTENT: Record<Caller, number> = { ...ADMIN_ONLY, admin: 204 };

// Expected status per route, per caller.
const EXPECTED: Record<string, Record<Caller, number>> = {
  metrics: ADMIN_ONLY,
  'list users': ADMIN_ONLY,
  'put user': ADMIN_ONLY_CREATED,
  'delete user': ADMIN_ONLY_NO_CONTENT,
  'unlock user': ADMIN_ONLY_NO_CONTENT,
  'list grants': ADMIN_ONLY,
  'put grant': ADMIN_ONLY_CREATED,
  'delete grant': ADMIN_ONLY_NO_CONTENT,
  'list tokens': ADMIN_ONLY,
  'revoke token': ADMIN_ONLY_NO_CONTENT,
  // Only a password or session caller may create a token, within its own permissions.
  'create own token': {
    anonymous: 401,
    'wrong password': 401,
    reader: 201,
    writer: 201,
    admin: 201,
    'reader token': 403,
    'expired token': 401,
    'wrong-scope token': 403,
  },
  'list own tokens': {
    anonymous: 401,
    'wrong password': 401,
    reader: 200,
    writer: 200,
    admin: 200,
    'reader token': 200,
    'expired token': 401,
    'wrong-scope token': 200,
  },
  // The path names one of admin's API tokens: others see 404, and another admin token 403.
  'revoke own token': {
    anonymous: 401,
    'wrong password': 401,
    reader: 404,
    writer: 404,
    admin: 204,
    'reader token': 404,
    'expired token': 401,
    'wrong-scope token': 403,
  },
  'audit tail': ADMIN_ONLY,
  'blocked addresses': ADMIN_ONLY,
  'incident GET': ADMIN_ONLY,
  'incident PUT': ADMIN_ONLY,
  health: {
    anonymous: 200,
    'wrong password': 200,
    reader: 200,
    writer: 200,
    admin: 200,
    'reader token': 200,
    'expired token': 200,
    'wrong-scope token': 200,
  },
  ready: {
    anonymous: 200,
    'wrong password': 200,
    reader: 200,
    writer: 200,
    admin: 200,
    'reader token': 200,
    'expired token': 200,
    'wrong-scope token': 200,
  },
  'query GET': {
    anonymous: 401,
    'wrong password': 401,
    reader: 200,
    writer: 200,
    admin: 200,
    'reader token': 200,
    'expired token': 401,
    'wrong-scope token': 200,
  },
  'query POST': {
    anonymous: 401,
    'wrong password': 401,
    reader: 200,
    writer: 200,
    admin: 200,
    'reader token': 200,
    'expired token': 401,
    'wrong-scope token': 200,
  },
  'update insert': {
    anonymous: 401,
    'wrong password': 401,
    reader: 403,
    writer: 200,
    admin: 200,
    'reader token': 403,
    'expired token': 401,
    'wrong-scope token': 403,
  },
  'update clear': {
    anonymous: 401,
    'wrong password': 401,
    reader: 403,
    writer: 403,
    admin: 200,
    'reader token': 403,
    'expired token': 401,
    'wrong-scope token': 403,
  },
  'graph store GET': {
    anonymous: 401,
    'wrong password': 401,
    reader: 200,
    writer: 200,
    admin: 200,
    'reader token': 200,
    'expired token': 401,
    'wrong-scope token': 200,
  },
  'graph store POST': {
    anonymous: 401,
    'wrong password': 401,
    reader: 403,
    writer: 204,
    admin: 204,
    'reader token': 403,
    'expired token': 401,
    'wrong-scope token': 403,
  },
  'graph store PUT': {
    anonymous: 401,
    'wrong password': 401,
    reader: 403,
    writer: 403,
    admin: 204,
    'reader token': 403,
    'expired token': 401,
    'wrong-scope token': 403,
  },
  'graph store DELETE': {
    anonymous: 401,
    'wrong password': 401,
    reader: 403,
    writer: 403,
    admin: 404,
    'reader token': 403,
    'expired token': 401,
    'wrong-scope token': 403,
  },
  'list datasets': {
    anonymous: 401,
    'wrong password': 401,
    reader: 403,
    writer: 403,
    admin: 200,
    'reader token': 403,
    'expired token': 401,
    'wrong-scope token': 403,
  },
  'create dataset': {
    anonymous: 401,
    'wrong password': 401,
    reader: 403,
    writer: 403,
    admin: 201,
    'reader token': 403,
    'expired token': 401,
    'wrong-scope token': 403,
  },
  // A wrong method on a probe path is refused before authentication, for every caller.
  'health POST': WRONG_METHOD,
  'health DELETE': WRONG_METHOD,
  'ready POST': WRONG_METHOD,
  'metrics POST': WRONG_METHOD,
  // HEAD is a method /metrics accepts, so it authenticates as GET does.
  'metrics HEAD': ADMIN_ONLY,
  'unknown route': {
    anonymous: 401,
    'wrong password': 401,
    reader: 404,
    writer: 404,
    admin: 404,
    'reader token': 404,
    'expired token': 401,
    'wrong-scope token': 404,
  },
};

describe('access control table', () => {
  let server: ServerProcess;
  let dataDir: string;
  const credentials = {} as Record<Caller, string | null>;
  const tokenIds: Record<string, string> = {};

  before(async () => {
    dataDir = tempDataDir();
    // Bootstrap the admin through a first start, then add users with the CLI.
    server = await startServerProcess({ dataDir });
    await server.stop();
    for (const [user, role] of [
      ['reader1', 'reader'],
      ['writer1', 'writer'],
      ['victim1', 'reader'],
    ]) {
      const added = runCli(['user', 'add', user, '--roles', role, '--data-dir', dataDir], {
        input: `${PASSWORD}\n`,
      });
      assert.equal(added.status, 0, added.stderr);
    }
    const doomed = runCli(['user', 'add', 'doomed1', '--data-dir', dataDir], {
      input: `${PASSWORD}\n`,
    });
    assert.equal(doomed.status, 0, doomed.stderr);
    const granted = runCli([
      'grant',
      'add',
      'victim1',
      '--dataset',
      'default',
      '--permissions',
      'read',
      '--data-dir',
      dataDir,
    ]);
    assert.equal(granted.status, 0, granted.stderr);
    const createToken = (username: string, ...options: string[]) => {
      const created = runCli(['token', 'create', username, ...options, '--data-dir', dataDir]);
      assert.equal(created.status, 0, created.stderr);
      return { secret: created.stdout.trim(), id: /Created token (\S+)/.exec(created.stderr)![1]! };
    };
    const token = createToken('reader1', '--scopes', 'read');
    // An admin's token limited to read: a valid credential used beyond its scope.
    const wrongScope = createToken('admin', '--scopes', 'read');
    tokenIds.ADMIN_TOKEN_ID = createToken('admin', '--scopes', 'read,write').id;
    tokenIds.WRITER_TOKEN_ID = createToken('writer1', '--scopes', 'read').id;
    // 0.00001 days is 864 ms; the table starts only after that has passed.
    const expired = createToken('reader1', '--scopes', 'read', '--expires-days', '0.00001');
    const expiredBy = Date.now() + 1000;
    // One address sends every failing request of the table; keep it from being blocked.
    server = await startServerProcess({
      dataDir,
      env: { SEVEN_TICK_ADDRESS_BLOCK_THRESHOLD: '1000' },
    });

    credentials.anonymous = null;
    // A wrong password for a real user must look exactly like any other failure. It goes to
    // its own user, since five failures lock an account.
    credentials['wrong password'] = basic('victim1', 'not-the-password');
    credentials.reader = basic('reader1', PASSWORD);
    credentials.writer = basic('writer1', PASSWORD);
    credentials.admin = ADMIN_AUTH;
    credentials['reader token'] = `Bearer ${token.secret}`;
    credentials['expired token'] = `Bearer ${expired.secret}`;
    credentials['wrong-scope token'] = `Bearer ${wrongScope.secret}`;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiredBy - Date.now())));
  });

  after(async () => {
    await server?.stop();
    removeDir(dataDir);
  });

  for (const route of ROUTES) {
    for (const caller of Object.keys(EXPECTED[route.name]) as Caller[]) {
      const expected = EXPECTED[route.name][caller];
      it(`${route.method} ${route.name} as ${caller} → ${expected}`, async () => {
        const headers: Record<string, string> = {};
        if (route.contentType) headers['content-type'] = route.contentType;
        const path = route.path.replace(/\{(\w+)\}/, (_match, name: string) => tokenIds[name]!);
        const response = await server.request(path, {
          method: route.method,
          headers,
          body: route.body,
          auth: credentials[caller],
        });
        assert.equal(response.status, expected);
        if (expected === 405) assert.equal(response.headers.get('allow'), route.allow);
        if (expected >= 400 && route.method !== 'HEAD') {
          const body = (await response.json()) as { error: string; detail: string };
          assert.equal(typeof body.error, 'string');
          assert.equal(typeof body.detail, 'string');
        }
        if (expected === 401) {
          assert.match(response.headers.get('www-authenticate') ?? '', /^Basic /);
        }
      });
    }
  }

  it('logs in, queries with the session token, and logs out', async () => {
    const login = await server.request('/auth/login', {
      method: 'POST',
      auth: null,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'reader1', password: PASSWORD }),
    });
    assert.equal(login.status, 200);
    const { token, expiresAt } = (await login.json()) as { token: string; expiresAt: string };
    assert.ok(Date.parse(expiresAt) > Date.now());
    const bearer = `Bearer ${token}`;
    assert.equal((await server.request(`/sparql?query=${ASK}`, { auth: bearer })).status, 200);
    assert.equal(
      (await server.request('/auth/logout', { method: 'POST', auth: bearer })).status,
      204,
    );
    assert.equal((await server.request(`/sparql?query=${ASK}`, { auth: bearer })).status, 401);
  });

  it('rejects a login with a wrong password with 401', async () => {
    const login = await server.request('/auth/login', {
      method: 'POST',
      auth: null,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'writer1', password: 'wrong-password-here' }),
    });
    assert.equal(login.status, 401);
  });

  it('rejects a malformed login body with 400', async () => {
    const login = await server.request('/auth/login', {
      method: 'POST',
      auth: null,
      headers: { 'content-type': 'application/json' },
      body: '{"username": 1',
    });
    assert.equal(login.status, 400);
  });

  it('never writes a password or token to the log', () => {
    const log = server.output.join('\n');
    assert.ok(!log.includes(PASSWORD));
    for (const caller of ['reader token', 'expired token', 'wrong-scope token'] as const) {
      assert.ok(!log.includes(credentials[caller]!.slice(7)), caller);
    }
    assert.ok(!log.includes('test-admin-password'));
  });
});
