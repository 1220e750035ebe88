/**
 * Security commands run without a server: the password policy of `user add`, the audit entries
 * of account changes, `audit verify` on an intact and a tampered log, `incident`, `grant` and
 * `user unlock`.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { removeDir, runCli, tempDataDir } from '../helpers/server-process.js';

const PASSWORD = 'cli-user-password-ok';

describe('security commands', () => {
  let dataDir: string;
  const auditFile = () => {
    const dir = path.join(dataDir, 'audit');
    return path.join(dir, readdirSync(dir).sort()[0]!);
  };

  before(() => {
    dataDir = tempDataDir();
  });

  after(() => removeDir(dataDir));

  it('rejects weak passwords', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['alice', 'password1234', /list of common passwords/],
      ['bob1234567890', 'bob1234567890', /must not be the username/],
      ['carol', 'aaaaaaaaaaaaaaaa', /repeated character or a simple sequence/],
      ['dave', 'short', /too short/],
    ];
    for (const [username, password, message] of cases) {
      const result = runCli(['user', 'add', username, '--data-dir', dataDir], {
        input: `${password}\n`,
      });
      assert.equal(result.status, 2, `${username}: ${result.stderr}`);
      assert.match(result.stderr, message, username);
    }
    const list = runCli(['user', 'list', '--data-dir', dataDir]);
    assert.equal(list.stdout, '');
  });

  it('audits account changes', () => {
    const added = runCli(['user', 'add', 'erin', '--data-dir', dataDir], {
      input: `${PASSWORD}\n`,
    });
    assert.equal(added.status, 0, added.stderr);
    const token = runCli(['token', 'create', 'erin', '--data-dir', dataDir]);
    assert.equal(token.status, 0, token.stderr);
    const secret = token.stdout.trim();
    const id = /Created token (\S+)/.exec(token.stderr)![1]!;
    assert.equal(runCli(['token', 'revoke', id, '--data-dir', dataDir]).status, 0);
    assert.equal(runCli(['user', 'remove', 'erin', '--data-dir', dataDir]).status, 0);

    const lines = readFileSync(auditFile(), 'utf8').trim().split('\n');
    const entries = lines.map((line) => JSON.parse(line) as { type: string; actor: string });
    assert.deepEqual(
      entries.map((entry) => entry.type),
      ['admin.user.add', 'admin.token.create', 'admin.token.revoke', 'admin.user.remove'],
    );
    assert.ok(entries.every((entry) => entry.actor.startsWith('cli')));
    const text = lines.join('\n');
    assert.ok(!text.includes(PASSWORD), 'no password');
    assert.ok(!text.includes(secret), 'no token secret');
  });

  it('verifies and detects tampering', () => {
    const intact = runCli(['audit', 'verify', '--data-dir', dataDir]);
    assert.equal(intact.status, 0, intact.stdout);
    assert.match(intact.stdout, /Audit log intact: 4 entries/);

    const file = auditFile();
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('"username":"erin"', '"username":"mallory"'));
    const tampered = runCli(['audit', 'verify', '--data-dir', dataDir]);
    assert.equal(tampered.status, 1, tampered.stdout);
    assert.match(tampered.stdout, /Audit log damaged at seq 1/);
    writeFileSync(file, original);
  });

  it('sets and clears the incident level', () => {
    assert.match(runCli(['incident', 'show', '--data-dir', dataDir]).stdout, /^none\n$/);
    const set = runCli(['incident', 'set', 'high', '--reason', 'test', '--data-dir', dataDir]);
    assert.equal(set.status, 0, set.stderr);
    assert.match(set.stderr, /from none to high/);
    assert.match(runCli(['incident', 'show', '--data-dir', dataDir]).stdout, /^high since /);
    const cleared = runCli(['incident', 'clear', '--data-dir', dataDir]);
    assert.equal(cleared.status, 0, cleared.stderr);
    const types = readFileSync(auditFile(), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { type: string }).type);
    assert.deepEqual(types.slice(-2), ['incident.set', 'incident.clear']);
    assert.equal(runCli(['audit', 'verify', '--data-dir', dataDir]).status, 0);
  });

  it('adds, lists and revokes grants', () => {
    const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir]);
    const added = runCli(['user', 'add', 'gina', '--data-dir', dataDir], {
      input: `${PASSWORD}\n`,
    });
    assert.equal(added.status, 0, added.stderr);
    const created = cli('dataset', 'create', 'books');
    assert.equal(created.status, 0, created.stderr);
    const graph = 'http://example.org/g';

    const missing = cli('grant', 'add', 'gina', '--dataset', 'nope', '--permissions', 'read');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /Dataset nope does not exist/);
    const all = cli('grant', 'add', 'gina', '--dataset', '*', '--permissions', 'read');
    assert.equal(all.status, 0, all.stderr);
    const first = cli(
      'grant',
      'add',
      'gina',
      '--dataset',
      'books',
      '--graph',
      graph,
      '--permissions',
      'read,write',
    );
    assert.equal(first.status, 0, first.stderr);
    // add ORs the new permissions into the grant.
    const second = cli(
      'grant',
      'add',
      'gina',
      '--dataset',
      'books',
      '--graph',
      graph,
      '--permissions',
      'delete',
    );
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stderr, /now holds read, write, delete/);
    assert.equal(
      cli('grant', 'list', 'gina').stdout,
      `gina\t*\t-\tread\ngina\tbooks\t${graph}\tread,write,delete\n`,
    );

    const partial = cli(
      'grant',
      'revoke',
      'gina',
      '--dataset',
      'books',
      '--graph',
      graph,
      '--permissions',
      'write',
    );
    assert.equal(partial.status, 0, partial.stderr);
    assert.match(cli('grant', 'list').stdout, /books\t\S+\tread,delete\n/);
    const whole = cli('grant', 'revoke', 'gina', '--dataset', 'books');
    assert.equal(whole.status, 2);
    assert.match(whole.stderr, /No grant for gina on dataset books/);
    assert.equal(cli('grant', 'revoke', 'gina', '--dataset', '*').status, 0);
    assert.equal(cli('grant', 'revoke', 'gina', '--dataset', 'books', '--graph', graph).status, 0);
    assert.equal(cli('grant', 'list', 'gina').stdout, '');

    const invalid: string[][] = [
      ['grant', 'add', 'gina', '--dataset', 'books', '--permissions', 'sudo'],
      [
        'grant',
        'add',
        'gina',
        '--dataset',
        'books',
        '--graph',
        'relative',
        '--permissions',
        'read',
      ],
      ['grant', 'add', 'nobody', '--dataset', 'books', '--permissions', 'read'],
      ['grant', 'add', 'gina', '--dataset', 'books'],
    ];
    for (const args of invalid) assert.equal(cli(...args).status, 2, args.join(' '));

    const types = readFileSync(auditFile(), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { type: string }).type);
    assert.deepEqual(types.slice(-6), [
      'admin.grant.add',
      'admin.grant.add',
      'admin.grant.add',
      'admin.grant.revoke',
      'admin.grant.revoke',
      'admin.grant.revoke',
    ]);
  });

  it('unlocks a locked user', () => {
    const db = new Database(path.join(dataDir, 'seven-tick.db'));
    try {
      db.prepare(
        'UPDATE security_users SET failed_attempts = 5, locked_until = ? WHERE username = ?',
      ).run(Date.now() + 3_600_000, 'gina');
    } finally {
      db.close();
    }
    assert.match(
      runCli(['user', 'list', '--data-dir', dataDir]).stdout,
      /^gina\treader\tlast login never\tlast failed login never \(locked until/m,
    );
    const unlocked = runCli(['user', 'unlock', 'gina', '--data-dir', dataDir]);
    assert.equal(unlocked.status, 0, unlocked.stderr);
    assert.match(unlocked.stderr, /Unlocked gina/);
    assert.match(
      runCli(['user', 'list', '--data-dir', dataDir]).stdout,
      /^gina\treader\tlast login never\tlast failed login never\n/m,
    );
    const again = runCli(['user', 'unlock', 'gina', '--data-dir', dataDir]);
    assert.match(again.stderr, /was not locked/);
    assert.equal(runCli(['user', 'unlock', 'nobody', '--data-dir', dataDir]).status, 2);
    assert.equal(runCli(['audit', 'verify', '--data-dir', dataDir]).status, 0);
  });
});
