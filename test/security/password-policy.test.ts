import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../src/errors.js';
import {
  checkPasswordStrength,
  loadCommonPasswords,
  passwordProblems,
} from '../../src/security/password-policy.js';

describe('password policy', () => {
  it('accepts a long random password', () => {
    assert.deepEqual(passwordProblems('vK3-umbrella-Quartz-92', { username: 'alice' }), []);
    checkPasswordStrength('correct horse battery staple 7T', { username: 'alice' });
  });

  it('counts length in code points', () => {
    assert.equal(passwordProblems('ünïcødé-pässwörd').length, 0);
    // Eleven emoji are 44 bytes but 11 characters, one short of 12.
    const short = passwordProblems('🔑🔒🗝️🔐🔓🛡️🧱'.slice(0, 11));
    assert.equal(short.length, 1);
    assert.match(short[0]!, /too short/);
  });

  it('rejects short passwords', () => {
    const problems = passwordProblems('Xk9#mQ2!pL4');
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /too short: 11 characters; use at least 12/);
  });

  it('honours a custom minimum of at least 8', () => {
    assert.deepEqual(passwordProblems('Xk9#mQ2!pL', {}, { minLength: 10 }), []);
    assert.match(passwordProblems('Xk9#mQ2', {}, { minLength: 4 })[0]!, /at least 8/);
  });

  it('rejects passwords over 1024 bytes', () => {
    const problems = passwordProblems('é1'.repeat(400));
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /too long: 1200 bytes in UTF-8; use at most 1024/);
    assert.deepEqual(passwordProblems('x1'.repeat(512)), []);
  });

  it('rejects the username', () => {
    const problems = passwordProblems('Administrator-Bob', { username: 'administrator-bob' });
    assert.deepEqual(problems, ['The password must not be the username']);
    assert.deepEqual(passwordProblems('administrator-bob!', { username: 'administrator-bob' }), []);
  });

  it('rejects common passwords in any case', () => {
    for (const password of [
      'password1234',
      'Password1234',
      'QWERTYUIOP123',
      'correcthorsebatterystaple',
      '1qaz2wsx3edc4rfv',
    ]) {
      const problems = passwordProblems(password);
      assert.equal(problems.length, 1, password);
      assert.match(problems[0]!, /common passwords/, password);
    }
  });

  it('rejects trivial patterns', () => {
    for (const password of [
      'zzzzzzzzzzzzzz',
      'mnopqrstuvwxyz',
      '9876543210/.-',
      'ZYXWVUTSRQPONM',
    ]) {
      const problems = passwordProblems(password);
      assert.equal(problems.length, 1, password);
      assert.match(problems[0]!, /simple sequence/, password);
    }
    assert.deepEqual(passwordProblems('345678989abc'), [], 'a broken run is not trivial');
  });

  it('lists every problem at once', () => {
    const problems = passwordProblems('aaa', { username: 'aaa' });
    assert.equal(problems.length, 3);
  });

  it('throws InvalidArgumentError', () => {
    assert.throws(() => checkPasswordStrength('letmein12345'), InvalidArgumentError);
    assert.throws(() => checkPasswordStrength('short'), /too short/);
  });

  it('ships a list of a few hundred entries', () => {
    const list = loadCommonPasswords();
    assert.ok(list.size >= 400, `size ${list.size}`);
    for (const entry of list) assert.equal(entry, entry.toLowerCase());
  });
});
