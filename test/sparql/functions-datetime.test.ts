import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BACKENDS, evaluate, selectRows } from './helpers.js';

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const T = `"true"^^${XSD}boolean`;
const F = `"false"^^${XSD}boolean`;
const int = (n: string): string => `"${n}"^^${XSD}integer`;
const dec = (n: string): string => `"${n}"^^${XSD}decimal`;
const duration = (d: string): string => `"${d}"^^${XSD}dayTimeDuration`;
const dt = (lexical: string): string => `"${lexical}"^^xsd:dateTime`;

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

const SAMPLE = dt('2011-01-10T14:45:13.815-05:00');

table('accessors', [
  [`YEAR(${SAMPLE})`, int('2011')],
  [`MONTH(${SAMPLE})`, int('1')],
  [`DAY(${SAMPLE})`, int('10')],
  [`HOURS(${SAMPLE})`, int('14')],
  [`MINUTES(${SAMPLE})`, int('45')],
  [`SECONDS(${SAMPLE})`, dec('13.815')],
  [`SECONDS(${dt('2011-01-10T14:45:13.123456789012Z')})`, dec('13.123456789012')],
  [`SECONDS(${dt('2011-01-10T14:45:07Z')})`, dec('7')],
  [`TIMEZONE(${SAMPLE})`, duration('-PT5H')],
  [`TIMEZONE(${dt('2011-01-10T14:45:13+05:30')})`, duration('PT5H30M')],
  [`TIMEZONE(${dt('2011-01-10T14:45:13Z')})`, duration('PT0S')],
  [`TIMEZONE(${dt('2011-01-10T14:45:13')})`, '-'],
  [`TZ(${SAMPLE})`, '"-05:00"'],
  [`TZ(${dt('2011-01-10T14:45:13Z')})`, '"Z"'],
  [`TZ(${dt('2011-01-10T14:45:13')})`, '""'],
  [`YEAR(${dt('-0044-03-15T12:00:00Z')})`, int('-44')],
  [`YEAR(${dt('12345-01-01T00:00:00Z')})`, int('12345')],
  ['YEAR("2011-01-10"^^xsd:date)', '-'],
  ['YEAR("2011-01-10T14:45:13Z")', '-'],
  ['HOURS(<http://example.org/>)', '-'],
]);

table('calendar validity', [
  [`DAY(${dt('2024-02-29T00:00:00Z')})`, int('29')],
  [`DAY(${dt('2023-02-29T00:00:00Z')})`, '-'],
  [`DAY(${dt('2000-02-29T00:00:00Z')})`, int('29')],
  [`DAY(${dt('1900-02-29T00:00:00Z')})`, '-'],
  [`DAY(${dt('-0004-02-29T00:00:00Z')})`, int('29')],
  [`DAY(${dt('2023-04-31T00:00:00Z')})`, '-'],
  [`DAY(${dt('2023-13-01T00:00:00Z')})`, '-'],
  [`HOURS(${dt('2023-01-01T25:00:00Z')})`, '-'],
  [`HOURS(${dt('2023-01-01T24:00:00Z')})`, int('24')],
  [`HOURS(${dt('2023-01-01T24:00:01Z')})`, '-'],
  [`MINUTES(${dt('2023-01-01T10:60:00Z')})`, '-'],
  [`TZ(${dt('2023-01-01T10:00:00+14:00')})`, '"+14:00"'],
  [`TZ(${dt('2023-01-01T10:00:00+14:30')})`, '-'],
  [`YEAR(${dt('02023-01-01T10:00:00Z')})`, '-'],
  [`YEAR(${dt('999-01-01T10:00:00Z')})`, '-'],
]);

table('comparison and the 14-hour rule', [
  [`${dt('2000-01-01T12:00:00Z')} = ${dt('2000-01-01T07:00:00-05:00')}`, T],
  [`${dt('2000-01-01T12:00:00Z')} < ${dt('2000-01-01T12:00:00-05:00')}`, T],
  [`${dt('2000-01-01T00:00:00.0000001Z')} > ${dt('2000-01-01T00:00:00Z')}`, T],
  [`${dt('2000-01-01T00:00:00.10Z')} = ${dt('2000-01-01T00:00:00.1Z')}`, T],
  [`${dt('2000-01-01T00:00:00')} < ${dt('2000-01-01T00:00:01')}`, T],
  [`${dt('2000-01-01T00:00:00')} < ${dt('2000-01-01T10:00:00Z')}`, '-'],
  [`${dt('2000-01-01T00:00:00')} > ${dt('2000-01-01T10:00:00Z')}`, '-'],
  [`${dt('2000-01-01T00:00:00')} = ${dt('2000-01-01T00:00:00Z')}`, '-'],
  [`${dt('2000-01-01T00:00:00')} < ${dt('2000-01-02T15:00:00Z')}`, T],
  [`${dt('2000-01-02T15:00:00')} > ${dt('2000-01-01T00:00:00Z')}`, T],
  [`${dt('2000-01-01T00:00:00')} = ${dt('2000-01-02T15:00:00Z')}`, F],
  [`${dt('-0001-12-31T23:59:59Z')} < ${dt('0000-01-01T00:00:00Z')}`, T],
  [`${dt('2024-02-28T23:59:59Z')} < ${dt('2024-02-29T00:00:00Z')}`, T],
  [`${dt('2023-01-01T24:00:00Z')} = ${dt('2023-01-02T00:00:00Z')}`, T],
  [`"2000-01-01"^^xsd:date < ${dt('2000-01-01T00:00:00Z')}`, '-'],
]);

describe('NOW', () => {
  it('is an xsd:dateTime with a timezone', async () => {
    assert.equal(await evaluate('DATATYPE(NOW())'), `${XSD}dateTime`);
    assert.equal(await evaluate('TZ(NOW())'), '"Z"');
  });

  it('has one value per query execution', async () => {
    const rows = await selectRows(
      BACKENDS[0]!.load(''),
      'SELECT (NOW() AS ?n) (NOW() AS ?m) { VALUES ?x { 1 2 3 } }',
    );
    assert.equal(rows.length, 3);
    const values = rows.flatMap((row) => row.split(' ').map((cell) => cell.slice(2)));
    assert.equal(new Set(values).size, 1);
  });
});
