import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../src/errors.js';
import {
  Permission,
  formatPermissions,
  parsePermissions,
  parseRoles,
  parseScopes,
  permissionsForRoles,
  tokenPermissions,
} from '../../src/security/permissions.js';

const { Read, Write, Delete, Admin } = Permission;

describe('permissions', () => {
  it('has the fixed bit values', () => {
    assert.deepEqual([Read, Write, Delete, Admin], [1, 2, 4, 8]);
  });

  it('maps roles to permissions', () => {
    const cases: [string[], number][] = [
      [['admin'], Read | Write | Delete | Admin],
      [['editor'], Read | Write | Delete],
      [['writer'], Read | Write],
      [['reader'], Read],
      [['reader', 'writer'], Read | Write],
      [[], 0],
    ];
    for (const [roles, bits] of cases) assert.equal(permissionsForRoles(roles), bits, roles.join());
  });

  it('parses and formats names', () => {
    assert.equal(parsePermissions('read,write'), Read | Write);
    assert.equal(parsePermissions(['Delete', 'admin']), Delete | Admin);
    assert.deepEqual(formatPermissions(Admin | Read), ['read', 'admin']);
    assert.deepEqual(parseRoles('writer reader writer'), ['reader', 'writer']);
    assert.deepEqual(parseScopes(['metrics', 'read']), ['metrics', 'read']);
  });

  it('rejects unknown names clearly', () => {
    assert.throws(() => parsePermissions('read,execute'), {
      name: 'InvalidArgumentError',
      message: 'Unknown permission "execute"; expected one of read, write, delete, admin',
    });
    assert.throws(() => parsePermissions(''), InvalidArgumentError);
    assert.throws(() => parseRoles(['root']), /Unknown role "root"; expected one of admin/);
    assert.throws(() => parseScopes(['all']), /Unknown token scope "all"/);
  });

  it('intersects token scopes with roles', () => {
    assert.equal(tokenPermissions(['read', 'write', 'metrics'], ['reader']), Read);
    assert.equal(tokenPermissions(['admin'], ['admin']), Admin);
    assert.equal(tokenPermissions(['admin'], ['editor']), 0);
  });
});
