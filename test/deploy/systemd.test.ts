/**
 * Checks of deploy/systemd/seven-tick.service: the sandbox settings it must keep, its agreement
 * with deploy/systemd/config.json, and `systemd-analyze verify` where that tool exists.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { readConfigFile } from '../../src/config.js';
import { DEPLOY_DIR, readRepoFile, unitSection } from './deploy-files.js';

const UNIT_NAME = 'seven-tick.service';
const unitText = readRepoFile(`deploy/systemd/${UNIT_NAME}`);
const service = unitSection(unitText, 'Service');
const config = readConfigFile(path.join(DEPLOY_DIR, 'systemd', 'config.json'));

function single(name: string): string | undefined {
  const values = service.get(name);
  assert.ok(values === undefined || values.length === 1, `${name} is set more than once`);
  return values?.[0];
}

/** Returns whether `systemd-analyze` runs on this machine. */
function hasSystemdAnalyze(): boolean {
  return spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' }).status === 0;
}

describe('systemd unit', () => {
  test('keeps the sandbox settings', () => {
    const expected: Record<string, string> = {
      ProtectSystem: 'strict',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      PrivateDevices: 'yes',
      NoNewPrivileges: 'yes',
      CapabilityBoundingSet: '',
      RestrictAddressFamilies: 'AF_INET AF_INET6 AF_UNIX',
      // Off on purpose: the V8 JIT needs memory that is writable and then executable.
      MemoryDenyWriteExecute: 'no',
      Restart: 'on-failure',
    };
    for (const [name, value] of Object.entries(expected)) {
      assert.equal(single(name), value, `${name}=`);
    }
    assert.ok(service.get('SystemCallFilter')?.includes('@system-service'));
  });

  test('runs as a dedicated user', () => {
    const user = single('User');
    assert.ok(user, 'User= is missing');
    assert.notEqual(user, 'root');
    assert.equal(single('DynamicUser'), undefined);
  });

  test('reload sends SIGHUP', () => {
    assert.match(single('ExecReload') ?? '', /^\/bin\/kill -HUP \$MAINPID$/);
  });

  test('data dir is the only writable path', () => {
    assert.deepEqual(service.get('ReadWritePaths'), [config.dataDir]);
    assert.equal(`/var/lib/${single('StateDirectory')}`, config.dataDir);
  });

  test('starts serve with the config file', () => {
    const words = single('ExecStart')!.split(/\s+/);
    assert.equal(words[2], 'serve');
    assert.equal(words[words.indexOf('--config') + 1], '/etc/seven-tick/config.json');
  });

  test('passes systemd-analyze verify', (context) => {
    if (!hasSystemdAnalyze()) {
      context.skip('systemd-analyze is not installed');
      return;
    }
    // verify fails when ExecStart names a missing program, so point it at the running Node.js
    // when that is not /usr/bin/node. The unit is otherwise checked as shipped.
    const dir = mkdtempSync(path.join(tmpdir(), 'seven-tick-unit-'));
    try {
      const file = path.join(dir, UNIT_NAME);
      writeFileSync(
        file,
        unitText.replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `),
      );
      const result = spawnSync('systemd-analyze', ['verify', file], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      const ownMessages = result.stderr
        .split('\n')
        .filter((line) => line.includes(UNIT_NAME))
        .join('\n');
      assert.equal(result.status, 0, result.stderr);
      assert.equal(ownMessages, '');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
