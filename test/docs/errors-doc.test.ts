/** docs/errors.md lists every error code the engine defines, with the status the server sends. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { ERROR_CODES, KgError } from '../../src/errors.js';
import { describeError } from '../../src/server/errors.js';
import { REPO_ROOT } from '../helpers/server-process.js';

const doc = readFileSync(path.join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');

for (const code of ERROR_CODES) {
  it(`errors.md lists ${code} with its status`, () => {
    const row = doc.split('\n').find((line) => new RegExp(`^\\| \`${code}\` +\\|`).test(line));
    assert.ok(row, `no row for ${code}`);
    const { status } = describeError(new KgError(code, 'message'), 'req-1');
    assert.ok(row.split('|')[2].includes(String(status)), `${code}: ${row}`);
  });
}

it('hides internal detail only on 500', () => {
  const internal = describeError(new KgError('STORAGE', 'disk path /secret failed'), 'req-9');
  assert.equal(internal.status, 500);
  assert.ok(!JSON.stringify(internal.body).includes('/secret'));
  assert.equal(internal.body.requestId, 'req-9');
  const unsupported = describeError(new KgError('UNSUPPORTED_FEATURE', 'feature X'), 'req-9');
  assert.equal(unsupported.body.detail, 'feature X');
});
