import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate, selectRows, BACKENDS } from './helpers.js';

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const T = `"true"^^${XSD}boolean`;
const int = (n: string): string => `"${n}"^^${XSD}integer`;
const dec = (n: string): string => `"${n}"^^${XSD}decimal`;
const flt = (n: string): string => `"${n}"^^${XSD}float`;
const dbl = (n: string): string => `"${n}"^^${XSD}double`;

/** Runs a table of [expression, expected term key, or '-' for an expression error]. */
function table(name: string, cases: readonly [string, string][]): void {
  describe(name, () => {
    for (const [expression, expected] of cases) {
      it(`${expression} is ${expected}`, async () => {
        assert.equal(await evaluate(expression), expected);
      });
    }
  });
}

table('ABS, CEIL, FLOOR keep the type', [
  ['ABS(-3)', int('3')],
  ['ABS(-1.5)', dec('1.5')],
  ['ABS("-1.5"^^xsd:float)', flt('1.5E0')],
  ['ABS(-1.5e0)', dbl('1.5E0')],
  ['ABS("-7"^^xsd:byte)', int('7')],
  ['ABS("x")', '-'],
  ['CEIL(-1.5)', dec('-1')],
  ['CEIL(1.2)', dec('2')],
  ['CEIL(1.2e0)', dbl('2.0E0')],
  ['CEIL(7)', int('7')],
  ['FLOOR(-1.5)', dec('-2')],
  ['FLOOR(1.7)', dec('1')],
  ['FLOOR("1.7"^^xsd:float)', flt('1.0E0')],
  ['FLOOR("NaN"^^xsd:double)', dbl('NaN')],
]);

table('ROUND goes half toward positive infinity', [
  ['ROUND(2.5)', dec('3')],
  ['ROUND(-2.5)', dec('-2')],
  ['ROUND(-2.6)', dec('-3')],
  ['ROUND(2.4999)', dec('2')],
  ['ROUND(2.5e0)', dbl('3.0E0')],
  ['ROUND(-2.5e0)', dbl('-2.0E0')],
  ['ROUND("-2.5"^^xsd:float)', flt('-2.0E0')],
  ['ROUND(-0.4e0)', dbl('-0.0E0')],
  ['ROUND("INF"^^xsd:double)', dbl('INF')],
  ['ROUND(5)', int('5')],
  ['ROUND("5")', '-'],
]);

table('division by zero and overflow', [
  ['1/0', '-'],
  ['1.0/0', '-'],
  ['1/0.0', '-'],
  ['1e0/0', dbl('INF')],
  ['-1e0/0', dbl('-INF')],
  ['0e0/0', dbl('NaN')],
  ['"1"^^xsd:float/0', flt('INF')],
  ['1/2', dec('0.5')],
  ['"3.4e38"^^xsd:float * 10', flt('INF')],
  ['1.7e308 * 10', dbl('INF')],
  ['9223372036854775807 + 1', int('9223372036854775808')],
  ['99999999999999999999 * 99999999999999999999', int('9999999999999999999800000000000000000001')],
  ['"127"^^xsd:byte + 1', int('128')],
]);

table('RAND', [
  ['DATATYPE(RAND())', `${XSD}double`],
  ['RAND() >= 0 && RAND() < 1', T],
]);

describe('RAND per call', () => {
  it('returns different values across solutions', async () => {
    const rows = await selectRows(
      BACKENDS[0]!.load(''),
      'SELECT (RAND() AS ?r) { VALUES ?x { 1 2 3 4 5 6 7 8 } }',
    );
    assert.equal(rows.length, 8);
    assert.ok(new Set(rows).size > 1, 'eight RAND() values are not all equal');
  });
});
