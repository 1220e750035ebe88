import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate } from './helpers.js';

/**
 * Known digests: the RFC 1321 and FIPS 180 "abc" and empty-string vectors, and non-ASCII strings
 * whose digests were computed with Python's hashlib over UTF-8.
 */
const CASES: [string, string][] = [
  ['MD5("abc")', '900150983cd24fb0d6963f7d28e17f72'],
  ['MD5("")', 'd41d8cd98f00b204e9800998ecf8427e'],
  ['MD5("abc"^^xsd:string)', '900150983cd24fb0d6963f7d28e17f72'],
  ['SHA1("abc")', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  ['SHA1("")', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
  ['SHA256("abc")', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  [
    'SHA384("abc")',
    'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
  ],
  [
    'SHA512("abc")',
    'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
  ],
  // UTF-8 bytes c3 a9; over Latin-1 the MD5 would be 3406877694691ddd1dfb0aca54681407.
  ['MD5("é")', '66ddcd97cfdeabb2f6fb8a999b4bc76f'],
  ['SHA256("😀")', 'f0443a342c5ef54783a111b51ba56c938e474c32324d90c3a60c9c8e3a37e2d9'],
];

describe('hash functions', () => {
  for (const [expression, digest] of CASES) {
    it(`${expression} is its known digest`, async () => {
      assert.equal(await evaluate(expression), `"${digest}"`);
    });
  }

  for (const expression of ['MD5("abc"@en)', 'SHA1(1)', 'SHA256(<http://example.org/>)']) {
    it(`${expression} is an error`, async () => {
      assert.equal(await evaluate(expression), '-');
    });
  }
});
