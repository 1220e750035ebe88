import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runShaclSuites } from '../../conformance/shacl.js';

describe('W3C SHACL Core suite', () => {
  it('passes all 98 tests', async () => {
    const [suite] = await runShaclSuites();
    const failures = suite!.tests.filter((test) => test.status !== 'passed');
    assert.deepEqual(failures, []);
    assert.equal(suite!.passed, 98);
  });
});
