import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstCharsOf, UnsupportedPatternError } from '../../src/sparql/lexer-first-chars.js';

/** Returns the ASCII characters that can start a match of `pattern`, as one sorted string. */
function asciiStarts(pattern: RegExp): string {
  const first = firstCharsOf(pattern);
  return first.ascii.map((flag, code) => (flag ? String.fromCharCode(code) : '')).join('');
}

describe('firstCharsOf', () => {
  it('lists both cases of a keyword under the i flag', () => {
    assert.equal(asciiStarts(/^(?:SELECT)/i), 'Ss');
    assert.equal(asciiStarts(/^(?:SELECT)/), 'S');
  });

  it('unions the alternatives', () => {
    assert.equal(asciiStarts(/^(?:ab|cd|e)/), 'ace');
  });

  it('looks past terms that can match empty', () => {
    assert.equal(asciiStarts(/^(?:a*b?c)/), 'abc');
    assert.equal(asciiStarts(/^(?:(?:a|)b)/), 'ab');
    assert.equal(asciiStarts(/^(?:a{0,2}b)/), 'ab');
    assert.equal(asciiStarts(/^(?:a{1,2}b)/), 'a');
  });

  it('reports a pattern that can match empty', () => {
    assert.equal(firstCharsOf(/^(?:a*)/).nullable, true);
    assert.equal(firstCharsOf(/^(?:a+)/).nullable, false);
  });

  it('treats the end anchor as failing on non-empty input', () => {
    const end = firstCharsOf(/^(?:$)/i);
    assert.equal(end.nullable, false);
    assert.equal(end.nonAscii, false);
    assert.equal(asciiStarts(/^(?:$)/i), '');
  });

  it('reads classes, ranges and escapes as the engine does', () => {
    assert.equal(asciiStarts(/^(?:[a-c\]])/), ']abc');
    assert.equal(asciiStarts(/^(?:\u0041|\x42|\.)/), '.AB');
    assert.equal(asciiStarts(/^(?:[\d])/), '0123456789');
    // A negated class of all ASCII but DEL names the control characters on purpose.
    // eslint-disable-next-line no-control-regex
    assert.equal(asciiStarts(/^(?:[^\u0000-\u007e])/), '\u007f');
  });

  it('marks atoms that can match non-ASCII code units', () => {
    assert.equal(firstCharsOf(/^(?:[a-z])/i).nonAscii, false);
    assert.equal(firstCharsOf(/^(?:[a-z\u00c0-\u00d6])/).nonAscii, true);
    assert.equal(firstCharsOf(/^(?:[^a])/).nonAscii, true);
    assert.equal(firstCharsOf(/^(?:\s)/).nonAscii, true);
    assert.equal(firstCharsOf(/^(?:.)/).nonAscii, true);
    assert.equal(firstCharsOf(/^(?:\u00b7)/).nonAscii, true);
    assert.equal(firstCharsOf(/^(?:\w|\d)/).nonAscii, false);
    assert.equal(firstCharsOf(new RegExp('^(?:[\\377])')).nonAscii, true);
  });

  it('bounds the match length', () => {
    const cases: [RegExp, number][] = [
      [/^(?:SELECT)/i, 6],
      [/^(?:AS|ASC|A)/, 3],
      [/^(?:a?b)/, 2],
      [/^(?:(?:ab){2,3}c)/, 7],
      [/^(?:a{2})/, 2],
      [/^(?:[a-z]\.)/, 2],
      [/^(?:$)/, 0],
      [/^(?:(?:$)*)/, 0],
      [/^(?:a*)/, Infinity],
      [/^(?:a+b)/, Infinity],
      [/^(?:a{2,})/, Infinity],
    ];
    for (const [pattern, maxLength] of cases) {
      assert.equal(firstCharsOf(pattern).maxLength, maxLength, String(pattern));
    }
  });

  it('treats a brace that starts no quantifier as a literal', () => {
    assert.equal(asciiStarts(/^(?:{a)/), '{');
  });

  it('rejects syntax it does not model', () => {
    const unsupported = [
      /^(?:a(?=b))/,
      /^(?:(?!a)b)/,
      /^(?:(a)\1)/,
      /^(?:\bword)/,
      new RegExp('^(?:\\01)'),
      new RegExp('^(?:\\c)'),
      /^(?:(?<name>a))/,
      /^(?:a)/g,
      /^(?:a)/m,
      /^(?:a)/s,
      /^(?:a)/u,
    ];
    for (const pattern of unsupported) {
      assert.throws(() => firstCharsOf(pattern), UnsupportedPatternError, String(pattern));
    }
  });
});

describe('case-insensitive matching of the engine', () => {
  // The dispatch table keeps ASCII and non-ASCII first characters apart, which is sound only
  // because, without the u flag, no non-ASCII code unit matches an ASCII letter under /i.
  it('never folds a non-ASCII code unit onto an ASCII letter', () => {
    const asciiLetters = /[a-z]/i;
    const folded: string[] = [];
    for (let code = 0x80; code <= 0xffff; code++) {
      if (asciiLetters.test(String.fromCharCode(code))) folded.push(code.toString(16));
    }
    assert.deepEqual(folded, []);
  });
});
