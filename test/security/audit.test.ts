import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { auditVerifyCommand } from '../../src/cli/audit.js';
import { auditEventForAuth } from '../../src/security/audit-events.js';
import { InvalidArgumentError, StorageError } from '../../src/errors.js';
import {
  AuditLog,
  GENESIS_HASH,
  canonicalJson,
  hashEntry,
  isSecretKey,
  redact,
  verifyAuditLog,
  type AuditEntry,
} from '../../src/security/audit.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');

let dataDir: string;
let auditDir: string;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seven-tick-audit-'));
  auditDir = path.join(dataDir, 'audit');
});

afterEach(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Returns a clock that moves one second per call, so entry times are predictable. */
function steppingClock(): () => Date {
  let tick = 0;
  return () => new Date(T0 + 1000 * tick++);
}

async function writeEntries(count: number, maxFileBytes?: number): Promise<AuditLog> {
  const log = await AuditLog.open({ dir: auditDir, now: steppingClock(), maxFileBytes });
  for (let i = 0; i < count; i++) {
    await log.append({
      type: 'login.failure',
      actor: `user${i}`,
      address: '192.0.2.1',
      detail: { i },
    });
  }
  return log;
}

function auditFile(index = 1): string {
  return path.join(auditDir, `audit-${String(index).padStart(6, '0')}.jsonl`);
}

function readLines(index = 1): string[] {
  return fs.readFileSync(auditFile(index), 'utf8').trimEnd().split('\n');
}

function writeLines(lines: string[], index = 1): void {
  fs.writeFileSync(auditFile(index), lines.map((line) => `${line}\n`).join(''));
}

describe('AuditLog', () => {
  it('chains entries from the genesis hash', async () => {
    const log = await writeEntries(3);
    await log.close();
    const entries = readLines().map((line) => JSON.parse(line) as AuditEntry);
    assert.deepEqual(
      entries.map((entry) => entry.seq),
      [1, 2, 3],
    );
    assert.equal(entries[0]!.prev, GENESIS_HASH);
    assert.equal(entries[1]!.prev, entries[0]!.hash);
    assert.equal(entries[2]!.prev, entries[1]!.hash);
    assert.equal(entries[0]!.time, '2026-03-01T12:00:00.000Z');
    assert.equal(entries[0]!.type, 'login.failure');
    assert.equal(entries[0]!.actor, 'user0');
    assert.equal(entries[0]!.address, '192.0.2.1');
    assert.deepEqual(entries[2]!.detail, { i: 2 });
    for (const entry of entries) assert.equal(hashEntry(entry), entry.hash);
    const result = await verifyAuditLog(auditDir);
    assert.deepEqual(result, { ok: true, entries: 3, files: 1, lastHash: entries[2]!.hash });
  });

  it('creates private files', async () => {
    const log = await writeEntries(1);
    await log.close();
    assert.equal(fs.statSync(auditDir).mode & 0o777, 0o700);
    assert.equal(fs.statSync(auditFile()).mode & 0o777, 0o600);
  });

  it('drops secrets at any depth', async () => {
    const log = await AuditLog.open({ dir: auditDir });
    const entry = await log.append({
      type: 'admin.user-add',
      actor: 'root',
      address: null,
      detail: {
        username: 'alice',
        password: 'hunter2-secret-1',
        nested: { Authorization: 'Basic c2VjcmV0LTI=', deeper: [{ api_key: 'secret-3' }] },
        tokenId: 'tok_123',
        sessionToken: 'secret-4',
        'x-api-key': 'secret-5',
        clientSecret: 'secret-6',
        Cookie: 'sid=secret-7',
      },
    });
    await log.close();
    assert.deepEqual(entry.detail, {
      username: 'alice',
      nested: { deeper: [{}] },
      tokenId: 'tok_123',
    });
    const text = fs.readFileSync(auditFile(), 'utf8');
    assert.doesNotMatch(text, /secret-|hunter2|c2VjcmV0/);
  });

  it('keeps user text on one line', async () => {
    const log = await AuditLog.open({ dir: auditDir });
    await log.append({ type: 'login.failure', actor: 'eve\n{"seq":99}', address: '192.0.2.9' });
    await log.close();
    const lines = readLines();
    assert.equal(lines.length, 1);
    assert.equal((JSON.parse(lines[0]!) as AuditEntry).actor, 'eve\n{"seq":99}');
  });

  it('orders concurrent appends', async () => {
    const appended: number[] = [];
    const log = await AuditLog.open({
      dir: auditDir,
      onAppend: (entry) => appended.push(entry.seq),
    });
    const entries = await Promise.all(
      Array.from({ length: 50 }, (_, i) => log.append({ type: 'write', actor: `u${i}` })),
    );
    await log.close();
    assert.deepEqual(
      entries.map((entry) => entry.seq),
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    assert.deepEqual(
      appended,
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    assert.equal((await verifyAuditLog(auditDir)).entries, 50);
  });

  it('rotates by size and keeps the chain', async () => {
    const log = await writeEntries(12, 700);
    await log.close();
    const files = fs.readdirSync(auditDir).sort();
    assert.ok(files.length >= 3, `files: ${files.join(', ')}`);
    for (const file of files) {
      assert.ok(fs.statSync(path.join(auditDir, file)).size <= 700, file);
    }
    const lastOfFirst = JSON.parse(readLines(1).at(-1)!) as AuditEntry;
    const firstOfSecond = JSON.parse(readLines(2)[0]!) as AuditEntry;
    assert.equal(firstOfSecond.prev, lastOfFirst.hash);
    assert.equal(firstOfSecond.seq, lastOfFirst.seq + 1);
    const result = await verifyAuditLog(auditDir);
    assert.equal(result.ok, true, result.reason);
    assert.equal(result.entries, 12);
    assert.equal(result.files, files.length);
  });

  it('continues the chain after reopening', async () => {
    const first = await writeEntries(2);
    const head = first.headHash;
    await first.close();
    const second = await AuditLog.open({ dir: auditDir });
    assert.equal(second.headSeq, 2);
    assert.equal(second.headHash, head);
    const entry = await second.append({ type: 'logout', actor: 'user0' });
    await second.close();
    assert.equal(entry.seq, 3);
    assert.equal(entry.prev, head);
    assert.equal((await verifyAuditLog(auditDir)).ok, true);
  });

  it('cuts a torn last line on open', async () => {
    const first = await writeEntries(2);
    await first.close();
    fs.appendFileSync(auditFile(), '{"seq":3,"ti');
    const before = await verifyAuditLog(auditDir);
    assert.equal(before.ok, false);
    const second = await AuditLog.open({ dir: auditDir });
    assert.equal(second.recovery.truncatedBytes, 12);
    await second.append({ type: 'audit.recovered' });
    await second.close();
    const after = await verifyAuditLog(auditDir);
    assert.equal(after.ok, true, after.reason);
    assert.equal(after.entries, 3);
  });

  it('rejects an invalid type', async () => {
    const log = await AuditLog.open({ dir: auditDir });
    assert.throws(() => log.append({ type: 'Login Failure' as 'write' }), InvalidArgumentError);
    assert.equal(log.headSeq, 0);
    await log.close();
  });

  it('fails closed after a write error', async () => {
    const log = await writeEntries(1, 300);
    // A file in the way makes the next rotation fail: 'wx' never reuses a file.
    fs.writeFileSync(auditFile(2), '');
    await assert.rejects(
      log.append({ type: 'write', detail: { pad: 'x'.repeat(200) } }),
      StorageError,
    );
    await assert.rejects(log.append({ type: 'write' }), StorageError);
    await assert.rejects(log.flush(), StorageError);
    await log.close();
  });

  it('rejects appends after close', async () => {
    const log = await AuditLog.open({ dir: auditDir });
    await log.close();
    await assert.rejects(log.append({ type: 'write' }), /closed/);
  });
});

describe('verifyAuditLog', () => {
  it('detects an edited entry', async () => {
    await (await writeEntries(5)).close();
    const lines = readLines();
    lines[2] = lines[2]!.replace('"actor":"user2"', '"actor":"mallory"');
    writeLines(lines);
    const result = await verifyAuditLog(auditDir);
    assert.equal(result.ok, false);
    assert.equal(result.firstBadSeq, 3);
    assert.equal(result.entries, 2);
    assert.match(result.reason!, /line 3 .*hash/);
  });

  it('detects an edit with a recomputed hash', async () => {
    await (await writeEntries(5)).close();
    const lines = readLines();
    const entry = JSON.parse(lines[1]!) as AuditEntry;
    entry.actor = 'mallory';
    entry.hash = hashEntry(entry);
    lines[1] = canonicalJson(entry);
    writeLines(lines);
    const result = await verifyAuditLog(auditDir);
    assert.equal(result.ok, false);
    assert.equal(result.firstBadSeq, 3);
    assert.match(result.reason!, /does not link/);
  });

  it('detects a deleted entry', async () => {
    await (await writeEntries(5)).close();
    const lines = readLines();
    lines.splice(1, 1);
    writeLines(lines);
    const result = await verifyAuditLog(auditDir);
    assert.equal(result.ok, false);
    assert.equal(result.firstBadSeq, 2);
    assert.match(result.reason!, /seq 3; expected 2/);
  });

  it('detects reordered entries', async () => {
    await (await writeEntries(5)).close();
    const lines = readLines();
    [lines[3], lines[2]] = [lines[2]!, lines[3]!];
    writeLines(lines);
    const result = await verifyAuditLog(auditDir);
    assert.equal(result.ok, false);
    assert.equal(result.firstBadSeq, 3);
  });

  it('detects a cut in the middle', async () => {
    await (await writeEntries(8)).close();
    const lines = readLines();
    lines.splice(2, 4);
    writeLines(lines);
    const result = await verifyAuditLog(auditDir);
    assert.equal(result.ok, false);
    assert.equal(result.firstBadSeq, 3);
  });

  it('detects a deleted file', async () => {
    await (await writeEntries(12, 700)).close();
    fs.rmSync(auditFile(2));
    const result = await verifyAuditLog(auditDir);
    assert.equal(result.ok, false);
    assert.match(result.reason!, /audit-000002\.jsonl is missing/);
  });

  it('detects a damaged line', async () => {
    await (await writeEntries(3)).close();
    const lines = readLines();
    lines[1] = lines[1]!.slice(0, 20);
    writeLines(lines);
    const result = await verifyAuditLog(auditDir);
    assert.equal(result.ok, false);
    assert.equal(result.firstBadSeq, 2);
    assert.match(result.reason!, /not valid JSON/);
  });

  it('detects an added field', async () => {
    await (await writeEntries(2)).close();
    const lines = readLines();
    lines[0] = lines[0]!.replace('{', '{"note":"x",');
    writeLines(lines);
    const result = await verifyAuditLog(auditDir);
    assert.equal(result.ok, false);
    assert.equal(result.firstBadSeq, 1);
  });

  it('accepts an empty directory', async () => {
    fs.mkdirSync(auditDir);
    const result = await verifyAuditLog(auditDir);
    assert.deepEqual(result, { ok: true, entries: 0, files: 0, lastHash: GENESIS_HASH });
  });
});

describe('redact', () => {
  it('classifies secret keys', () => {
    for (const key of [
      'password',
      'newPassword',
      'pass',
      'token',
      'access_token',
      'Authorization',
      'proxy-authorization',
      'apiKey',
      'privateKey',
      'credentials',
      'secret',
    ]) {
      assert.equal(isSecretKey(key), true, key);
    }
    for (const key of ['tokenId', 'username', 'passwordChangedAt', 'scopes', 'path']) {
      assert.equal(isSecretKey(key), false, key);
    }
  });

  it('keeps __proto__ as data', () => {
    const copy = redact(JSON.parse('{"__proto__": {"admin": true}, "a": 1}')) as object;
    assert.deepEqual(Object.keys(copy), ['__proto__', 'a']);
    assert.equal(Object.getPrototypeOf(copy), Object.prototype);
    assert.equal(canonicalJson(copy), '{"__proto__":{"admin":true},"a":1}');
  });

  it('bounds size and depth', () => {
    const deep = { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } };
    assert.deepEqual(redact(deep), { a: { b: { c: { d: { e: { f: '[nested too deep]' } } } } } });
    const long = redact('x'.repeat(5000)) as string;
    assert.equal(long.length, 1003);
    assert.equal((redact(Array.from({ length: 500 }, () => 1)) as number[]).length, 100);
    assert.deepEqual(redact({ n: Number.NaN, big: 10n, when: new Date(T0), skip: undefined }), {
      n: 'NaN',
      big: '10',
      when: '2026-03-01T12:00:00.000Z',
    });
  });
});

describe('auditVerifyCommand', () => {
  function capture(): { out: { write(text: string): boolean }; text: () => string } {
    let text = '';
    return {
      out: {
        write(chunk: string) {
          text += chunk;
          return true;
        },
      },
      text: () => text,
    };
  }

  it('returns 0 for an intact log', async () => {
    await (await writeEntries(3)).close();
    const output = capture();
    assert.equal(await auditVerifyCommand({ dataDir, out: output.out }), 0);
    assert.match(output.text(), /intact: 3 entries in 1 file/);
  });

  it('returns 1 for a damaged log', async () => {
    await (await writeEntries(3)).close();
    const lines = readLines();
    lines.splice(1, 1);
    writeLines(lines);
    const output = capture();
    assert.equal(await auditVerifyCommand({ dataDir, out: output.out }), 1);
    assert.match(output.text(), /damaged at seq 2/);
  });

  it('returns 2 without an audit directory', async () => {
    const output = capture();
    assert.equal(await auditVerifyCommand({ dataDir, out: output.out }), 2);
    assert.match(output.text(), /does not exist/);
  });
});

describe('auditEventForAuth', () => {
  it('maps successes and failures', () => {
    assert.deepEqual(
      auditEventForAuth({
        outcome: 'success',
        scheme: 'bearer',
        clientAddress: '192.0.2.1',
        username: 'alice',
        tokenId: 'tok1',
      }),
      {
        type: 'login.success',
        actor: 'alice',
        address: '192.0.2.1',
        detail: { scheme: 'bearer', tokenId: 'tok1' },
      },
    );
    assert.deepEqual(
      auditEventForAuth({
        outcome: 'failure',
        scheme: 'basic',
        clientAddress: '192.0.2.2',
        username: 'bob',
        reason: 'invalid',
        addressBlocked: true,
      }),
      {
        type: 'login.failure',
        actor: 'bob',
        address: '192.0.2.2',
        detail: { scheme: 'basic', reason: 'invalid', addressBlocked: true },
      },
    );
  });

  it('skips requests without credentials', () => {
    const event = auditEventForAuth({
      outcome: 'failure',
      scheme: 'none',
      clientAddress: '192.0.2.3',
      reason: 'missing',
    });
    assert.equal(event, null);
  });
});
