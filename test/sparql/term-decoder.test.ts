import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryContext } from '../../src/sparql/context.js';
import { TermDecoder } from '../../src/sparql/forms.js';
import { MemoryDictionary } from '../../src/store/dictionary.js';
import { QuadStore } from '../../src/store/quad-store.js';

describe('TermDecoder', () => {
  const dictionary = new MemoryDictionary();
  const ids = Array.from({ length: 10_000 }, (_, index) =>
    dictionary.intern(`http://example.org/term${index}`),
  );
  const decoder = () =>
    new TermDecoder(new QueryContext(dictionary, new QuadStore(), 0, 30_000, undefined));

  it('decodes every id to its term', () => {
    const terms = decoder();
    for (const [index, id] of ids.entries()) {
      const term = terms.decode(id);
      assert.equal(term.termType, 'NamedNode');
      assert.equal(term.value, `http://example.org/term${index}`);
    }
  });

  it('returns the cached term for a repeated id', () => {
    const terms = decoder();
    const first = terms.decode(ids[7]!);
    for (const id of ids.slice(0, 40)) terms.decode(id);
    assert.equal(terms.decode(ids[7]!), first);
  });

  it('keeps decoding correctly while its cache grows', () => {
    const terms = decoder();
    for (let round = 0; round < 3; round++) {
      for (const [index, id] of ids.entries()) {
        assert.equal(terms.decode(id).value, `http://example.org/term${index}`);
      }
    }
  });
});
