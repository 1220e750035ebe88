import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate } from './helpers.js';

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const T = `"true"^^${XSD}boolean`;
const F = `"false"^^${XSD}boolean`;
const int = (n: string): string => `"${n}"^^${XSD}integer`;
const dec = (n: string): string => `"${n}"^^${XSD}decimal`;
const flt = (n: string): string => `"${n}"^^${XSD}float`;
const dbl = (n: string): string => `"${n}"^^${XSD}double`;
const dateTime = (lexical: string): string => `"${lexical}"^^${XSD}dateTime`;

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

table('casts to xsd:string', [
  ['xsd:string(<http://example.org/a>)', '"http://example.org/a"'],
  ['xsd:string("x"@en)', '"x"'],
  ['xsd:string(1.0e0)', '"1"'],
  ['xsd:string(1e7)', '"1.0E7"'],
  ['xsd:string(0.50)', '"0.5"'],
  ['xsd:string("01"^^xsd:integer)', '"1"'],
  ['xsd:string("1"^^xsd:boolean)', '"true"'],
  [`xsd:string("2000-01-01T00:00:00Z"^^xsd:dateTime)`, '"2000-01-01T00:00:00Z"'],
  ['xsd:string(BNODE())', '-'],
]);

table('casts to xsd:boolean', [
  ['xsd:boolean("true")', T],
  ['xsd:boolean("1")', T],
  ['xsd:boolean("0")', F],
  ['xsd:boolean("TRUE")', '-'],
  ['xsd:boolean("yes")', '-'],
  ['xsd:boolean(0.0)', F],
  ['xsd:boolean(2)', T],
  ['xsd:boolean("NaN"^^xsd:double)', F],
  ['xsd:boolean(<http://example.org/>)', '-'],
  ['xsd:boolean("2000-01-01T00:00:00Z"^^xsd:dateTime)', '-'],
]);

table('casts to numbers', [
  ['xsd:integer("12")', int('12')],
  ['xsd:integer(" 12 ")', int('12')],
  ['xsd:integer("1.5")', '-'],
  ['xsd:integer("1e3")', '-'],
  ['xsd:integer(2.9)', int('2')],
  ['xsd:integer(-2.9e0)', int('-2')],
  ['xsd:integer(true)', int('1')],
  ['xsd:integer("INF"^^xsd:double)', '-'],
  ['xsd:integer("NaN"^^xsd:float)', '-'],
  ['xsd:integer("x"@en)', '-'],
  ['xsd:decimal("1.50")', dec('1.5')],
  ['xsd:decimal("1e3")', '-'],
  ['xsd:decimal(2.5e0)', dec('2.5')],
  ['xsd:decimal(false)', dec('0')],
  ['xsd:decimal("INF"^^xsd:double)', '-'],
  ['xsd:float("1")', flt('1.0E0')],
  ['xsd:float("INF")', flt('INF')],
  ['xsd:float("abc")', '-'],
  ['xsd:float(0.1)', flt('1.0E-1')],
  ['xsd:double("-INF")', dbl('-INF')],
  ['xsd:double("1.5e2")', dbl('1.5E2')],
  ['xsd:double(3)', dbl('3.0E0')],
  ['xsd:double(<http://example.org/>)', '-'],
  ['xsd:double("2000-01-01T00:00:00Z"^^xsd:dateTime)', '-'],
]);

table('casts to xsd:dateTime', [
  ['xsd:dateTime("2024-02-29T00:00:00")', dateTime('2024-02-29T00:00:00')],
  ['xsd:dateTime("2023-02-29T00:00:00")', '-'],
  ['xsd:dateTime("1900-02-29T00:00:00Z")', '-'],
  ['xsd:dateTime("2000-02-29T00:00:00Z")', dateTime('2000-02-29T00:00:00Z')],
  ['xsd:dateTime("2000-01-01T00:00:00+15:00")', '-'],
  ['xsd:dateTime("2000-01-01")', '-'],
  ['xsd:dateTime("2000-01-01T00:00:00Z"^^xsd:dateTime)', dateTime('2000-01-01T00:00:00Z')],
  ['xsd:dateTime(1)', '-'],
  ['xsd:dateTime("2000-01-01T00:00:00"@en)', '-'],
]);
