/** The start-up audit-chain check over logs written by the real AuditLog. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AuditLog } from '../../src/security/audit.js';
import { checkAuditTail } from '../../src/security/incident-audit-check.js';

describe('checkAuditTail', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'seven-tick-audit-check-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes `count` entries, rotating after about `maxFileBytes`; returns the file names. */
  const writeLog = async (count: number, maxFileBytes = 64 * 1024 * 1024) => {
    const log = await AuditLog.open({ dir, maxFileBytes });
    for (let i = 0; i < count; i++) {
      await log.append({ type: 'write', actor: 'alice', detail: { dataset: 'default', n: i } });
    }
    await log.close();
    return readdirSync(dir).sort();
  };

  /** Replaces the first occurrence of `from` by `to` in a file of the log. */
  const tamper = (name: string, from: string, to: string) => {
    const file = path.join(dir, name);
    const text = readFileSync(file, 'utf8');
    assert.ok(text.includes(from), `${name} contains ${from}`);
    writeFileSync(file, text.replace(from, to));
  };

  it('accepts an empty log', async () => {
    const result = await checkAuditTail(dir, 1024);
    assert.equal(result.ok, true);
    assert.equal(result.entries, 0);
  });

  it('accepts an intact log', async () => {
    await writeLog(50, 2000);
    const result = await checkAuditTail(dir, 64 * 1024 * 1024);
    assert.equal(result.ok, true, result.reason);
    assert.equal(result.entries, 50);
  });

  it('finds an edited entry', async () => {
    const files = await writeLog(20);
    tamper(files[0]!, '"n":7', '"n":8');
    const result = await checkAuditTail(dir, 64 * 1024 * 1024);
    assert.equal(result.ok, false);
    assert.match(
      result.reason ?? '',
      /audit-000001\.jsonl line 8 \(seq 8\) does not match its hash/,
    );
  });

  it('rejects a reformatted line', async () => {
    const files = await writeLog(3);
    // Same content, but no longer the canonical JSON the writer produces.
    tamper(files[0]!, '{"actor":"alice"', '{ "actor":"alice"');
    const result = await checkAuditTail(dir, 64 * 1024 * 1024);
    assert.equal(result.ok, false);
    assert.match(result.reason ?? '', /line 1 \(seq 1\) does not match its hash/);
  });

  it('finds a removed entry', async () => {
    const files = await writeLog(10);
    const file = path.join(dir, files[0]!);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.splice(4, 1);
    writeFileSync(file, lines.join('\n'));
    const result = await checkAuditTail(dir, 64 * 1024 * 1024);
    assert.equal(result.ok, false);
    assert.match(result.reason ?? '', /line 5 has seq 6; expected 5/);
  });

  it('finds a missing file', async () => {
    const files = await writeLog(40, 1500);
    assert.ok(files.length >= 3, `rotated into ${files.length} files`);
    rmSync(path.join(dir, files[1]!));
    const result = await checkAuditTail(dir, 1024);
    assert.equal(result.ok, false);
    assert.match(result.reason ?? '', /audit file number 2 is missing/);
  });

  it('finds a removed first entry', async () => {
    const files = await writeLog(5);
    const file = path.join(dir, files[0]!);
    const lines = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, lines.slice(1).join('\n'));
    const result = await checkAuditTail(dir, 64 * 1024 * 1024);
    assert.equal(result.ok, false);
    assert.match(result.reason ?? '', /should be the first entry of the log/);
  });

  it('checks across a rotation', async () => {
    const files = await writeLog(40, 1500);
    const last = files.at(-1)!;
    const before = files.at(-2)!;
    // Editing the last entry of the file before the newest breaks the link into the newest.
    const text = readFileSync(path.join(dir, before), 'utf8');
    const lastLine = text.trimEnd().split('\n').at(-1)!;
    const seq = (JSON.parse(lastLine) as { seq: number }).seq;
    tamper(before, `"n":${seq - 1}}`, `"n":${seq + 1000}}`);
    const budget = statSync(path.join(dir, last)).size + 2 * lastLine.length;
    const result = await checkAuditTail(dir, budget);
    assert.equal(result.ok, false);
    assert.match(result.reason ?? '', new RegExp(`${before.replace('.', '\\.')} near the end`));
  });

  it('reads no more than the budget', async () => {
    const files = await writeLog(40, 1500);
    // An edit in the oldest file lies outside a budget of one small file.
    tamper(files[0]!, '"n":1}', '"n":2}');
    const budget = statSync(path.join(dir, files.at(-1)!)).size;
    const result = await checkAuditTail(dir, budget);
    assert.equal(result.ok, true, result.reason);
    assert.ok(result.bytes <= budget);
    const full = await checkAuditTail(dir, 64 * 1024 * 1024);
    assert.equal(full.ok, false);
  });

  it('finds an unterminated line', async () => {
    const files = await writeLog(3, 500);
    assert.ok(files.length >= 2);
    const file = path.join(dir, files[0]!);
    writeFileSync(file, readFileSync(file, 'utf8').trimEnd());
    const result = await checkAuditTail(dir, 64 * 1024 * 1024);
    assert.equal(result.ok, false);
    assert.match(result.reason ?? '', /ends with an unterminated line/);
  });
});
