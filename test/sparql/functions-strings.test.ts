import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate } from './helpers.js';

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const T = `"true"^^${XSD}boolean`;
const F = `"false"^^${XSD}boolean`;
const int = (n: string): string => `"${n}"^^${XSD}integer`;

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

table('STRLEN and SUBSTR by code point', [
  ['STRLEN("😀")', int('1')],
  ['STRLEN("a😀b")', int('3')],
  ['STRLEN("")', int('0')],
  ['STRLEN("chat"@fr)', int('4')],
  ['STRLEN(<http://example.org/>)', '-'],
  ['STRLEN(1)', '-'],
  ['SUBSTR("a😀b😀c", 2, 3)', '"😀b😀"'],
  ['SUBSTR("a😀b", 3)', '"b"'],
  ['SUBSTR("foobar", 4)', '"bar"'],
  ['SUBSTR("foobar"@en, 4, 1)', '"b"@en'],
  ['SUBSTR("foobar"^^xsd:string, 4, 1)', '"b"'],
  ['SUBSTR("abc", 0, 2)', '"a"'],
  ['SUBSTR("abc", 1.5, 1)', '"b"'],
  ['SUBSTR("abc", -5)', '"abc"'],
  ['SUBSTR("abc", 2, "x")', '-'],
]);

table('UCASE, LCASE, CONCAT', [
  ['UCASE("foo"@en)', '"FOO"@en'],
  ['UCASE("straße")', '"STRASSE"'],
  ['LCASE("BAR"^^xsd:string)', '"bar"'],
  ['LCASE(1)', '-'],
  ['CONCAT("a"@en, "b"@en)', '"ab"@en'],
  ['CONCAT("a"@en, "b"@fr)', '"ab"'],
  ['CONCAT("a"@en, "b")', '"ab"'],
  ['CONCAT("a", "😀")', '"a😀"'],
  ['CONCAT()', '""'],
  ['CONCAT("a", 1)', '-'],
]);

table('STRSTARTS, STRENDS, CONTAINS compatibility', [
  ['STRSTARTS("foobar", "foo")', T],
  ['STRSTARTS("foobar"@en, "foo")', T],
  ['STRSTARTS("foobar"@en, "foo"@en)', T],
  ['STRSTARTS("foobar"@en, "foo"@fr)', '-'],
  ['STRSTARTS("foobar", "foo"@en)', '-'],
  ['STRENDS("foobar"^^xsd:string, "bar")', T],
  ['STRENDS("foobar", "foo")', F],
  ['CONTAINS("foobar", "ob")', T],
  ['CONTAINS("foobar", "")', T],
  ['CONTAINS("foobar", 1)', '-'],
]);

table('STRBEFORE and STRAFTER', [
  ['STRBEFORE("abc", "b")', '"a"'],
  ['STRBEFORE("abc"@en, "bc")', '"a"@en'],
  ['STRBEFORE("abc"@en, "b"@cy)', '-'],
  ['STRBEFORE("abc"^^xsd:string, "")', '""'],
  ['STRBEFORE("abc", "xyz")', '""'],
  ['STRBEFORE("abc"@en, "z")', '""'],
  ['STRBEFORE("abc"@en, "")', '""@en'],
  ['STRBEFORE("abc", "b"@en)', '-'],
  ['STRAFTER("abc", "b")', '"c"'],
  ['STRAFTER("abc"@en, "ab")', '"c"@en'],
  ['STRAFTER("abc"@en, "b"@cy)', '-'],
  ['STRAFTER("abc"^^xsd:string, "")', '"abc"'],
  ['STRAFTER("abc", "xyz")', '""'],
  ['STRAFTER("abc"@en, "z")', '""'],
  ['STRAFTER("abc"@en, "")', '"abc"@en'],
  ['STRAFTER("a😀b", "😀")', '"b"'],
]);

table('ENCODE_FOR_URI', [
  ['ENCODE_FOR_URI("Los Angeles")', '"Los%20Angeles"'],
  ['ENCODE_FOR_URI("Los Angeles"@en)', '"Los%20Angeles"'],
  ['ENCODE_FOR_URI("a-b_c.d~e")', '"a-b_c.d~e"'],
  ['ENCODE_FOR_URI("!*\'()/?#")', '"%21%2A%27%28%29%2F%3F%23"'],
  ['ENCODE_FOR_URI("é")', '"%C3%A9"'],
  ['ENCODE_FOR_URI("食べ物")', '"%E9%A3%9F%E3%81%B9%E7%89%A9"'],
  ['ENCODE_FOR_URI("😀")', '"%F0%9F%98%80"'],
  ['ENCODE_FOR_URI(<http://example.org/>)', '-'],
]);

table('LANGMATCHES', [
  ['LANGMATCHES("en-GB", "en")', T],
  ['LANGMATCHES("EN", "en")', T],
  ['LANGMATCHES("en", "en-GB")', F],
  ['LANGMATCHES("fr", "*")', T],
  ['LANGMATCHES("", "*")', F],
  ['LANGMATCHES("english", "en")', F],
]);

table('REGEX with flags', [
  ['REGEX("abc", "^a")', T],
  ['REGEX("ABC", "b")', F],
  ['REGEX("ABC", "b", "i")', T],
  ['REGEX("abc"@en, "B", "i")', T],
  ['REGEX("a\\nb", "^b$", "m")', T],
  ['REGEX("a\\nb", "a.b")', F],
  ['REGEX("a\\nb", "a.b", "s")', T],
  ['REGEX("abc", "a b c", "x")', T],
  ['REGEX("a.c", ".", "q")', T],
  ['REGEX("abc", "a.c", "q")', F],
  ['REGEX("abc", "(")', '-'],
  ['REGEX("abc", "a", "z")', '-'],
  ['REGEX("abc", "a"@en)', '-'],
  ['REGEX(1, "1")', '-'],
  ['REGEX("😀", "^.$")', T],
]);

table('REPLACE with groups and flags', [
  ['REPLACE("abcd", "b", "Z")', '"aZcd"'],
  ['REPLACE("abab", "a", "Z")', '"ZbZb"'],
  ['REPLACE("abcd"@en, "b", "Z")', '"aZcd"@en'],
  ['REPLACE("abcd"^^xsd:string, "b", "Z")', '"aZcd"'],
  ['REPLACE("abcd", "(b)(c)", "[$2$1]")', '"a[cb]d"'],
  ['REPLACE("abab", "(ab)|(a)", "[1=$1][2=$2]")', '"[1=ab][2=][1=ab][2=]"'],
  ['REPLACE("ABC", "b", "x", "i")', '"AxC"'],
  ['REPLACE("a.b", ".", "!", "q")', '"a!b"'],
  ['REPLACE("abab", "a", "\\\\$")', '"$b$b"'],
  ['REPLACE("abab", "a", "\\\\\\\\")', '"\\b\\b"'],
  ['REPLACE("a😀b😀", "😀", "-")', '"a-b-"'],
  ['REPLACE("😀a😀", "a", "-")', '"😀-😀"'],
  ['REPLACE("abc", "b", "$")', '-'],
  ['REPLACE("abc", "b", "\\\\x")', '-'],
  ['REPLACE("abc", "x*", "y")', '-'],
  ['REPLACE("abc", "(", "y")', '-'],
  ['REPLACE("abc", "b", "y", "k")', '-'],
  ['REPLACE("abc", "b", "y"@en)', '-'],
  ['REPLACE("abc", "\\\\b", "|")', '"|abc|"'],
]);
