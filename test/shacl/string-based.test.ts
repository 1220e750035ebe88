import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../src/errors.js';
import { check } from './helpers.js';

describe('string-based components', () => {
  it('sh:minLength and sh:maxLength count code points', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ;
      sh:property [ sh:path ex:p ; sh:minLength 2 ; sh:maxLength 3 ] .`;
    const data = `ex:a ex:p "ab", "\u{1F600}\u{1F600}", "a", "abcd" .`;
    assert.deepEqual(check(shapes, data), [
      'sh:MaxLength ex:a "abcd" ex:p',
      'sh:MinLength ex:a "a" ex:p',
    ]);
  });

  it('sh:minLength rejects blank nodes', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minLength 0 ] .`;
    const lines = check(shapes, `ex:a ex:p [] .`);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^sh:MinLength ex:a _:\S+ ex:p$/);
  });

  it('sh:pattern applies sh:flags', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ;
      sh:property [ sh:path ex:p ; sh:pattern "^ab" ; sh:flags "i" ] .`;
    const data = `ex:a ex:p "ABc", "xab", ex:abc .`;
    assert.deepEqual(check(shapes, data), [
      'sh:Pattern ex:a "xab" ex:p',
      'sh:Pattern ex:a ex:abc ex:p',
    ]);
  });

  it('sh:pattern runs a backtracking-prone pattern in linear time', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:pattern "^(a+)+$" ] .`;
    const data = `ex:a ex:p "${'a'.repeat(5000)}!" .`;
    assert.equal(check(shapes, data).length, 1);
  });

  it('rejects an invalid sh:pattern when compiling', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:pattern "(" ] .`;
    assert.throws(() => check(shapes, ''), InvalidArgumentError);
  });

  it('sh:languageIn matches language ranges', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ;
      sh:property [ sh:path ex:p ; sh:languageIn ("en" "fr") ] .`;
    const data = `ex:a ex:p "a"@en-GB, "b"@fr, "c"@de, "d" .`;
    assert.deepEqual(check(shapes, data), [
      'sh:LanguageIn ex:a "c"@de ex:p',
      'sh:LanguageIn ex:a "d" ex:p',
    ]);
  });

  it('sh:uniqueLang reports each repeated tag once', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:uniqueLang true ] .`;
    const data = `ex:a ex:p "a"@en, "b"@en, "c"@en, "d"@fr, "e"@de, "f"@de, "g" .`;
    assert.deepEqual(check(shapes, data), [
      'sh:UniqueLang ex:a - ex:p',
      'sh:UniqueLang ex:a - ex:p',
    ]);
  });
});
