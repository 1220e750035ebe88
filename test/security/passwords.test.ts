import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../src/errors.js';
import {
  PASSWORD_MAX_BYTES,
  checkPasswordPolicy,
  generatePassword,
  hashPassword,
  verifyPassword,
} from '../../src/security/passwords.js';

const PASSWORD = 'correct horse battery staple';

describe('passwords', () => {
  it('hashes as argon2id PHC with OWASP parameters', async () => {
    const hash = await hashPassword(PASSWORD);
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.ok(!hash.includes(PASSWORD));
  });

  it('salts each hash differently', async () => {
    const first = await hashPassword(PASSWORD);
    const second = await hashPassword(PASSWORD);
    assert.notEqual(first, second);
    assert.equal(await verifyPassword(first, PASSWORD), true);
    assert.equal(await verifyPassword(second, PASSWORD), true);
  });

  it('verifies right and wrong passwords', async () => {
    const hash = await hashPassword(PASSWORD);
    assert.equal(await verifyPassword(hash, PASSWORD), true);
    assert.equal(await verifyPassword(hash, `${PASSWORD} `), false);
    assert.equal(await verifyPassword(hash, ''), false);
  });

  it('returns false for malformed hashes', async () => {
    const cases: unknown[] = ['', 'garbage', '$argon2id$v=19$m=1,t=1,p=1$xx$yy', null, 42];
    for (const hash of cases) {
      assert.equal(await verifyPassword(hash as string, PASSWORD), false, String(hash));
    }
  });

  it('returns false for an oversized password', async () => {
    const hash = await hashPassword(PASSWORD);
    assert.equal(await verifyPassword(hash, 'x'.repeat(PASSWORD_MAX_BYTES + 1)), false);
  });

  it('enforces the policy', async () => {
    const rejected: [string, RegExp][] = [
      ['', /too short: 0 characters; use at least 12/],
      ['elevenchars', /too short: 11 characters/],
      // Eleven characters of four UTF-8 bytes each: counted as characters, not bytes.
      ['😀'.repeat(11), /too short: 11 characters/],
      ['x'.repeat(PASSWORD_MAX_BYTES + 1), /too long: 1025 bytes in UTF-8; use at most 1024/],
      ['é'.repeat(513), /too long: 1026 bytes/],
    ];
    for (const [password, message] of rejected) {
      assert.throws(() => checkPasswordPolicy(password), InvalidArgumentError);
      assert.throws(() => checkPasswordPolicy(password), message);
      await assert.rejects(hashPassword(password), InvalidArgumentError);
    }
    for (const password of ['twelve chars', 'x'.repeat(PASSWORD_MAX_BYTES), '😀'.repeat(12)]) {
      assert.doesNotThrow(() => checkPasswordPolicy(password));
    }
  });

  it('generates URL-safe random passwords', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const password = generatePassword();
      assert.match(password, /^[A-Za-z0-9_-]{32}$/);
      assert.doesNotThrow(() => checkPasswordPolicy(password));
      seen.add(password);
    }
    assert.equal(seen.size, 50);
  });
});
