import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InvalidArgumentError } from '../../src/errors.js';
import {
  IncidentState,
  loginsAllowed,
  parseIncidentLevel,
  verboseAudit,
  writesAllowed,
} from '../../src/security/incident.js';
import { openDatabase, type SqliteDatabase } from '../../src/storage/database.js';

describe('IncidentState', () => {
  let dir: string;
  let db: SqliteDatabase;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'seven-tick-incident-'));
    db = openDatabase(dir);
  });

  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts at none', () => {
    const status = new IncidentState(db).current();
    assert.equal(status.level, 'none');
    assert.equal(status.setAt, null);
  });

  it('stores level, reason and author', () => {
    const state = new IncidentState(db);
    const previous = state.set('high', { setBy: 'admin', reason: 'credential leak' });
    assert.equal(previous.level, 'none');
    const fresh = new IncidentState(db).current();
    assert.equal(fresh.level, 'high');
    assert.equal(fresh.reason, 'credential leak');
    assert.equal(fresh.setBy, 'admin');
    assert.ok(fresh.setAt instanceof Date);
    state.set('none');
  });

  it('sees another writer after maxAgeMs', () => {
    let now = 1_000_000;
    const reader = new IncidentState(db, { maxAgeMs: 1000, now: () => now });
    assert.equal(reader.current().level, 'none');
    const second = openDatabase(dir);
    try {
      new IncidentState(second).set('critical', { setBy: 'cli:root' });
    } finally {
      second.close();
    }
    now += 999;
    assert.equal(reader.current().level, 'none', 'cached within maxAgeMs');
    now += 1;
    assert.equal(reader.current().level, 'critical');
    new IncidentState(db).set('none');
  });

  it('fails closed when unreadable', () => {
    const other = mkdtempSync(path.join(tmpdir(), 'seven-tick-incident-'));
    const broken = openDatabase(other);
    try {
      const state = new IncidentState(broken, { maxAgeMs: 0 });
      assert.equal(state.current().level, 'none');
      broken.exec('DROP TABLE security_incident');
      const status = state.current();
      assert.equal(status.level, 'critical');
      assert.equal(status.unreadable, true);
      assert.match(status.reason ?? '', /could not be read/);
    } finally {
      broken.close();
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('rejects unknown levels', () => {
    assert.throws(() => parseIncidentLevel('severe'), InvalidArgumentError);
    assert.throws(() => new IncidentState(db).set('Critical' as 'critical'), InvalidArgumentError);
    assert.equal(new IncidentState(db).current().level, 'none');
  });
});

describe('incident level rules', () => {
  const table: Array<[string, boolean, boolean, boolean]> = [
    // level, writes, logins, verbose audit
    ['none', true, true, false],
    ['low', true, true, false],
    ['medium', true, true, true],
    ['high', false, false, true],
    ['critical', false, false, true],
  ];
  for (const [name, writes, logins, verbose] of table) {
    it(`applies level ${name}`, () => {
      const level = parseIncidentLevel(name);
      assert.equal(writesAllowed(level), writes, 'writes');
      assert.equal(loginsAllowed(level), logins, 'logins');
      assert.equal(verboseAudit(level), verbose, 'verbose audit');
    });
  }
});
