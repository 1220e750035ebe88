import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { dispatchLexer, parseOutcome, stockLexer, tokenStream } from './lexer-compare.js';

const KEYWORDS = [
  'SELECT',
  'WHERE',
  'PREFIX',
  'BASE',
  'ASK',
  'CONSTRUCT',
  'DESCRIBE',
  'FILTER',
  'OPTIONAL',
  'UNION',
  'VALUES',
  'UNDEF',
  'GRAPH',
  'SERVICE',
  'BIND',
  'AS',
  'a',
  'true',
  'false',
  'STR',
  'STRLEN',
  'STRUUID',
  'STRSTARTS',
  'isIRI',
  'isTRIPLE',
  'INSERT DATA',
  'DELETE WHERE',
  'INSERT\n# note\nDATA',
  'DELETE  DATA',
  'INSERT',
  'DELETE',
  'GROUP_CONCAT',
  'SEPARATOR',
  'IN',
  'NOT',
  'EXISTS',
  'COUNT',
  'SUM',
  'SAMPLE',
  'sameTerm',
  'LIMIT',
  'OFFSET',
  'ORDER',
  'GROUP',
  'BY',
  'ASC',
  'DESC',
  'HAVING',
  'DISTINCT',
  'REDUCED',
  'FROM',
  'NAMED',
  'DEFAULT',
  'ALL',
  'SILENT',
  'TO',
  'INTO',
  'LOAD',
  'CLEAR',
  'DROP',
  'CREATE',
  'ADD',
  'MOVE',
  'COPY',
  'WITH',
  'USING',
  'MINUS',
  'REGEX',
  'SUBSTR',
  'REPLACE',
  'COALESCE',
  'IF',
  'TRIPLE',
  'SUBJECT',
  'BNODE',
  'BOUND',
  'RAND',
  'NOW',
  'CONCAT',
  'LANGMATCHES',
  'LANG',
  'DATATYPE',
  'e5',
  'E-2',
];

const PUNCTUATION = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  '.',
  ',',
  ';',
  '*',
  '|',
  '/',
  '^',
  '^^',
  '?',
  '+',
  '!',
  '=',
  '!=',
  '<',
  '>',
  '<=',
  '>=',
  '&&',
  '||',
  '-',
  '<<',
  '>>',
  '{|',
  '|}',
  '( )',
  '[ \t]',
  '()',
  '[]',
  '(\n)',
  '@en',
  '@en-GB-x1',
  '@',
  '$',
  '&',
  '%',
  '\\',
  '`',
  '~',
];

/** Characters that are hard for the rules: non-ASCII name characters, marks, surrogates. */
const NAME_CHARS = [
  'a',
  'Z',
  'q',
  '0',
  '9',
  '_',
  '-',
  '.',
  'é',
  'ß',
  'Σ',
  '中',
  '\u00b7',
  '\u0300',
  '\u203f',
  '\u2040',
  '\u037e',
  '\u200c',
  '\ud835\udd38',
  '\ud800',
  '\udc00',
  '\ufffd',
  '\u00d7',
  'ſ',
  'K',
];

const SEPARATORS = ['', ' ', ' ', ' ', '\n', '\r\n', '\r', '\t', '\u2028', '\u00a0', '\u3000'];

/** Lower-cases the characters of `text` whose flag in `flips` (repeated as needed) is true. */
function mixCase(text: string, flips: boolean[]): string {
  return [...text]
    .map((char, i) => (flips[i % Math.max(1, flips.length)] ? char.toLowerCase() : char))
    .join('');
}

const keyword = fc
  .tuple(fc.constantFrom(...KEYWORDS), fc.array(fc.boolean(), { maxLength: 8 }))
  .map(([word, flips]) => mixCase(word, flips));

const nameText = fc
  .array(fc.constantFrom(...NAME_CHARS), { maxLength: 6 })
  .map((chars) => chars.join(''));

const iri = fc
  .array(
    fc.constantFrom('a', '/', ':', '#', 'é', '%20', ' ', '"', '{', '\\', '\u0000', '^', '|', '<'),
    { maxLength: 8 },
  )
  .map((chars) => `<http://e/${chars.join('')}>`);

const localEscape = fc.constantFrom(
  '\\.',
  '\\-',
  '\\~',
  '\\%',
  '\\!',
  '\\q',
  '%4F',
  '%G1',
  ':',
  '.',
);

const prefixedName = fc
  .tuple(nameText, nameText, fc.array(localEscape, { maxLength: 3 }), nameText)
  .map(([prefix, local, escapes, tail]) => `${prefix}:${local}${escapes.join('')}${tail}`);

const stringPiece = fc.constantFrom(
  'abc',
  'é',
  ' ',
  '\n',
  '\r',
  '\\n',
  '\\t',
  '\\"',
  "\\'",
  '\\\\',
  '\\u0041',
  '\\U0001F600',
  '\\x',
  '\\u00',
  '"',
  "'",
  '""',
  "''",
  '#',
  '\u2028',
);

const stringLiteral = fc
  .tuple(
    fc.constantFrom('"', "'", '"""', "'''"),
    fc.array(stringPiece, { maxLength: 6 }),
    fc.boolean(),
  )
  .map(([quote, pieces, closed]) => `${quote}${pieces.join('')}${closed ? quote : ''}`);

const digits = fc
  .array(fc.constantFrom('0', '1', '7', '9'), { maxLength: 4 })
  .map((d) => d.join(''));

const numberLiteral = fc
  .tuple(
    fc.constantFrom('', '', '+', '-'),
    digits,
    fc.constantFrom('', '.', '.'),
    digits,
    fc.constantFrom('', '', 'e', 'E', 'e+', 'E-'),
    digits,
  )
  .map((parts) => parts.join(''));

const blankNode = fc
  .tuple(fc.constantFrom('_:', '_:b', '_'), nameText)
  .map(([start, name]) => start + name);

const variable = fc.tuple(fc.constantFrom('?', '$'), nameText).map(([mark, name]) => mark + name);

const comment = fc
  .tuple(nameText, fc.constantFrom('\n', '\r\n', '\r', ''))
  .map(([text, end]) => `#${text}${end}`);

const strayChar = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

const token = fc.oneof(
  keyword,
  fc.constantFrom(...PUNCTUATION),
  iri,
  prefixedName,
  stringLiteral,
  numberLiteral,
  blankNode,
  variable,
  comment,
  nameText,
  strayChar,
);

const soup = fc
  .array(fc.tuple(token, fc.constantFrom(...SEPARATORS)), { maxLength: 30 })
  .map((pairs) => pairs.map(([text, separator]) => text + separator).join(''));

/** Soups inside a query, so that the parser gets past the first tokens more often. */
const query = fc
  .tuple(fc.constantFrom('', 'PREFIX : <http://e/> ', 'BASE <http://b/> PREFIX p: <x:>\n'), soup)
  .map(([prologue, body]) => `${prologue}SELECT * WHERE { ${body} }`);

const RUNS = 3000;

describe('dispatching lexer on random token soups', () => {
  it('produces the stock token stream', () => {
    fc.assert(
      fc.property(soup, (text) => {
        assert.deepEqual(tokenStream(dispatchLexer, text), tokenStream(stockLexer, text));
      }),
      { numRuns: RUNS },
    );
  });

  it('produces the stock parse result or error', () => {
    fc.assert(
      fc.property(fc.oneof(soup, query), (text) => {
        assert.equal(parseOutcome(dispatchLexer, text), parseOutcome(stockLexer, text));
      }),
      { numRuns: RUNS },
    );
  });

  it('matches on strings of SPARQL characters', () => {
    const sparqlChar = fc.constantFrom(
      ...'<>"\'{}()[]|^`\\.:;,?$_-+#@!=&*/ \n\r\t0159eEaAsSxX'.split(''),
      ...NAME_CHARS,
    );
    fc.assert(
      fc.property(fc.string({ unit: sparqlChar, maxLength: 40 }), (text) => {
        assert.deepEqual(tokenStream(dispatchLexer, text), tokenStream(stockLexer, text));
        assert.equal(parseOutcome(dispatchLexer, text), parseOutcome(stockLexer, text));
      }),
      { numRuns: RUNS },
    );
  });
});
