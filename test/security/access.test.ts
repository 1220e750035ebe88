import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AccessDeniedError, InvalidArgumentError, NotFoundError } from '../../src/errors.js';
import { AccessPolicy, canReadMetrics } from '../../src/security/access.js';
import { Permission, permissionsForRoles, type RoleName } from '../../src/security/permissions.js';
import type { Principal } from '../../src/security/principal.js';
import { UserStore } from '../../src/security/users.js';
import { openTestDatabase, type TestDatabase } from './helpers.js';

const PASSWORD = 'correct horse battery staple';
const { Read, Write, Delete, Admin } = Permission;
const G1 = 'http://example.org/g1';
const G2 = 'http://example.org/g2';

function passwordPrincipal(username: string, roles: RoleName[]): Principal {
  return { username, roles, permissions: permissionsForRoles(roles), via: 'password' };
}

function tokenPrincipal(username: string, roles: RoleName[], scopes: string[]): Principal {
  const scopeBits = scopes.reduce(
    (bits, scope) =>
      bits | ({ read: Read, write: Write, delete: Delete, admin: Admin }[scope] ?? 0),
    0,
  );
  return {
    username,
    roles,
    permissions: permissionsForRoles(roles) & scopeBits,
    via: 'api-token',
    tokenId: 'test',
    scopes,
  };
}

describe('AccessPolicy', () => {
  let handle: TestDatabase;
  let policy: AccessPolicy;

  beforeEach(async () => {
    handle = openTestDatabase();
    const users = new UserStore(handle.db);
    for (const name of ['root', 'ed', 'wendy', 'rita', 'nora', 'gina', 'owen']) {
      await users.add(name, PASSWORD, []);
    }
    policy = new AccessPolicy(handle.db);
    // nora: no role, read on dataset "books" only.
    policy.grant('nora', 'read', { dataset: 'books' });
    // gina: write on one graph of "books" and read everywhere through "*".
    policy.grant('gina', ['write'], { dataset: 'books', graph: G1 });
    policy.grant('gina', 'read', { dataset: '*' });
    // owen: owner (admin grant) of dataset "films".
    policy.grant('owen', Admin, { dataset: 'films' });
  });
  afterEach(() => handle.close());

  const principals: Record<string, Principal> = {
    root: passwordPrincipal('root', ['admin']),
    ed: passwordPrincipal('ed', ['editor']),
    wendy: passwordPrincipal('wendy', ['writer']),
    rita: passwordPrincipal('rita', ['reader']),
    nora: passwordPrincipal('nora', []),
    gina: passwordPrincipal('gina', []),
    owen: passwordPrincipal('owen', []),
    'root token read': tokenPrincipal('root', ['admin'], ['read']),
    'owen token read': tokenPrincipal('owen', [], ['read']),
    'gina token read': tokenPrincipal('gina', [], ['read']),
  };

  // [principal, permission, dataset, graph, expected]
  const cases: [string, number, string, string | undefined, boolean][] = [
    ['root', Admin, '*', undefined, true],
    ['root', Delete, 'books', G1, true],
    ['ed', Read, 'books', undefined, true],
    ['ed', Write, 'films', G2, true],
    ['ed', Delete, 'books', undefined, true],
    ['ed', Admin, '*', undefined, false],
    ['ed', Admin, 'books', undefined, false],
    ['wendy', Write, 'books', undefined, true],
    ['wendy', Read | Write, 'books', G1, true],
    ['wendy', Delete, 'books', undefined, false],
    ['rita', Read, 'films', G2, true],
    ['rita', Write, 'films', undefined, false],
    ['nora', Read, 'books', undefined, true],
    ['nora', Read, 'books', G1, true],
    ['nora', Read, 'films', undefined, false],
    ['nora', Write, 'books', undefined, false],
    ['nora', Read, '*', undefined, false],
    ['gina', Write, 'books', G1, true],
    ['gina', Write, 'books', G2, false],
    ['gina', Write, 'books', undefined, false],
    ['gina', Read | Write, 'books', G1, true],
    ['gina', Read, 'films', undefined, true],
    ['gina', Write, 'films', G1, false],
    ['owen', Delete, 'films', undefined, true],
    ['owen', Admin, 'films', G2, true],
    ['owen', Read, 'books', undefined, false],
    ['owen', Admin, '*', undefined, false],
    ['root token read', Read, 'books', undefined, true],
    ['root token read', Write, 'books', undefined, false],
    ['root token read', Admin, '*', undefined, false],
    ['owen token read', Read, 'films', undefined, true],
    ['owen token read', Write, 'films', undefined, false],
    ['gina token read', Write, 'books', G1, false],
    ['gina token read', Read, 'books', G2, true],
  ];

  for (const [name, permission, dataset, graph, expected] of cases) {
    const label = `${name} ${permission} on ${dataset}${graph === undefined ? '' : ` ${graph}`}`;
    it(`decides ${label}`, () => {
      assert.equal(policy.check(principals[name]!, permission, { dataset, graph }), expected);
    });
  }

  it('denies by default', () => {
    const stranger = passwordPrincipal('stranger', []);
    assert.equal(policy.check(stranger, Read, { dataset: 'books' }), false);
  });

  it('names permission and resource on denial', () => {
    assert.throws(
      () => policy.require(principals.rita!, 'write', { dataset: 'books', graph: G1 }),
      (error: unknown) => {
        assert.ok(error instanceof AccessDeniedError);
        assert.equal(
          error.message,
          `Permission denied: write on graph <${G1}> in dataset "books" is not granted to "rita"`,
        );
        return true;
      },
    );
    assert.doesNotThrow(() => policy.require(principals.rita!, Read, { dataset: 'books' }));
  });

  it('lists readable graphs', () => {
    policy.grant('nora', 'write', { dataset: 'films', graph: G2 });
    policy.grant('nora', 'read', { dataset: 'films', graph: G1 });
    assert.deepEqual(policy.graphAccess(principals.nora!, Read, 'books'), { allGraphs: true });
    assert.deepEqual(policy.graphAccess(principals.nora!, Read, 'films'), {
      allGraphs: false,
      graphs: [G1],
    });
    assert.deepEqual(policy.graphAccess(principals.gina!, Write, 'books'), {
      allGraphs: false,
      graphs: [G1],
    });
  });

  it('merges, revokes and lists grants', () => {
    policy.grant('nora', 'write', { dataset: 'books' });
    assert.deepEqual(policy.listGrants('nora'), [
      { principal: 'nora', dataset: 'books', graph: null, permissions: ['read', 'write'] },
    ]);
    assert.equal(policy.revoke('nora', { dataset: 'books' }, 'read'), true);
    assert.deepEqual(policy.listGrants('nora')[0]!.permissions, ['write']);
    assert.equal(policy.revoke('nora', { dataset: 'books' }), true);
    assert.deepEqual(policy.listGrants('nora'), []);
    assert.equal(policy.revoke('nora', { dataset: 'books' }), false);
    assert.equal(policy.check(principals.nora!, Read, { dataset: 'books' }), false);
    assert.equal(policy.listGrants().length, 3);
  });

  it('validates grants', () => {
    assert.throws(() => policy.grant('nobody', 'read', { dataset: 'books' }), NotFoundError);
    assert.throws(
      () => policy.grant('nora', 'sudo', { dataset: 'books' }),
      /Unknown permission "sudo"/,
    );
    assert.throws(() => policy.grant('nora', [], { dataset: 'books' }), InvalidArgumentError);
    assert.throws(() => policy.grant('nora', 16, { dataset: 'books' }), InvalidArgumentError);
    assert.throws(() => policy.grant('nora', 'read', { dataset: '' }), InvalidArgumentError);
    assert.throws(
      () => policy.grant('nora', 'read', { dataset: 'b', graph: '' }),
      InvalidArgumentError,
    );
  });

  it('drops grants with their user', () => {
    const users = new UserStore(handle.db);
    users.remove('nora');
    assert.deepEqual(policy.listGrants('nora'), []);
  });

  it('opens metrics to admins and metrics tokens', () => {
    assert.equal(canReadMetrics(principals.root!), true);
    assert.equal(canReadMetrics(principals.ed!), false);
    assert.equal(canReadMetrics(tokenPrincipal('rita', ['reader'], ['metrics'])), true);
    assert.equal(canReadMetrics(tokenPrincipal('root', ['admin'], ['read'])), false);
  });
});
