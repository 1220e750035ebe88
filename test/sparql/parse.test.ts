import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SparqlSyntaxError, UnsupportedFeatureError } from '../../src/errors.js';
import { executeQuery, parseQuery, parseUpdate } from '../../src/sparql/index.js';
import { naiveDatasetFromTrig } from './naive-source.js';
import { PREFIXES } from './helpers.js';

describe('parseQuery', () => {
  it('reports line and column of a syntax error', () => {
    let error: unknown;
    try {
      parseQuery('SELECT * WHERE {\n  ?s ?p }');
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof SparqlSyntaxError);
    assert.equal(error.location?.line, 2);
    assert.equal(error.location?.column, 9);
    assert.match(error.message, /line 2, column 9: unexpected "}"/);
    assert.equal(error.code, 'SPARQL_SYNTAX');
  });

  /** Returns the error parse throws, which must be a SparqlSyntaxError. */
  function syntaxError(parse: () => unknown): SparqlSyntaxError {
    try {
      parse();
    } catch (error) {
      assert.ok(error instanceof SparqlSyntaxError, String(error));
      return error;
    }
    assert.fail('expected a SparqlSyntaxError');
  }

  // Each text fails at its last "}" only after a rewrite that changed the length of the text
  // before it, so the location must be mapped back to the text as sent.
  const rewritten: [string, string, string | undefined][] = [
    ['a codepoint escape', 'SELECT * WHERE { <http://e.org/\\u0078> ?p }', undefined],
    ['a long codepoint escape', 'SELECT * WHERE { ?s <http://e.org/\\U00000070> }', undefined],
    ['a relative IRI', 'SELECT * WHERE { <x> ?p }', 'http://example.org/base/'],
    ['a signed literal', 'SELECT * WHERE { ?s ?p +5 . ?s }', undefined],
    ['all three', 'SELECT * WHERE { <\\u0078> ?p +5 , <y> . ?s }', 'http://example.org/'],
    ['an escaped line end in a comment', 'SELECT * # c \\u000A WHERE { ?s }', undefined],
    ['lines before the error', 'SELECT *\nWHERE {\n <\\u0078> <y> +1 .\n ?s }', 'http://e.org/'],
  ];
  for (const [name, text, base] of rewritten) {
    it(`locates an error after ${name}`, () => {
      const lines = text.split('\n');
      const line = lines.length;
      const column = lines[line - 1]!.lastIndexOf('}') + 1;
      const error = syntaxError(() => parseQuery(text, base));
      assert.deepEqual(error.location, { line, column }, error.message);
      assert.match(error.message, new RegExp(`line ${line}, column ${column}: unexpected "}"`));
    });
  }

  // sparqljs ends a line at CR LF, CR or LF, and the location counts lines as it does.
  const lineEnds: [string, string, number, number][] = [
    ['a lone CR', 'SELECT * {\r?s ?p ?o .\r?s ?p ?o ?bad }', 3, 10],
    ['CR and LF mixed', '# one\rSELECT * {\n?s ?p ?o ?bad }\n# tail', 3, 10],
    ['an escaped CR', 'SELECT * {\\u000D?s ?p ?o ?bad }', 1, 26],
    ['a token first on its line', 'SELECT * { ?s ?p ?o\n  ?bad }', 2, 3],
    ['a token after a CR LF and a comment', 'SELECT * { ?s ?p ?o # c\r\n?bad }', 2, 1],
  ];
  for (const [name, text, line, column] of lineEnds) {
    it(`counts lines with ${name}`, () => {
      const error = syntaxError(() => parseQuery(text));
      assert.deepEqual(error.location, { line, column }, error.message);
    });
  }

  it('locates an error after a split template', () => {
    // sparqljs fails on a blank node property list in a template with a TypeError, so the
    // template and the rest of the query are parsed apart.
    const text = 'CONSTRUCT { [ <http://e/p> ?s ] } WHERE { <x> ?p ?o ?bad }';
    const error = syntaxError(() => parseQuery(text, 'http://example.org/long/base/'));
    assert.equal(error.code, 'SPARQL_SYNTAX');
    assert.deepEqual(error.location, { line: 1, column: text.indexOf('?bad') + 1 });
  });

  it('locates an error inside a split template', () => {
    const text = 'CONSTRUCT { [ <http://e/p> ?s ] . ?s ?p } WHERE { ?s ?p ?o }';
    const error = syntaxError(() => parseQuery(text));
    assert.deepEqual(error.location, { line: 1, column: text.indexOf('}') + 1 });
  });

  it('locates an error in update text', () => {
    const text = 'INSERT DATA { <s> <p> +1 , <\\u006F> . <s> }';
    const error = syntaxError(() => parseUpdate(text, 'http://example.org/'));
    assert.deepEqual(error.location, { line: 1, column: text.lastIndexOf('}') + 1 });
  });

  it('points at a rejected rewritten token', () => {
    // sparqljs reads the resolved IRI, which cannot follow LIMIT.
    const text = 'SELECT * WHERE { ?s ?p ?o } LIMIT <x>';
    const error = syntaxError(() => parseQuery(text, 'http://example.org/base/'));
    assert.deepEqual(error.location, { line: 1, column: text.indexOf('<x>') + 1 });
  });

  it('rejects SPARQL Update as a syntax error', () => {
    assert.throws(
      () => parseQuery('INSERT DATA { <http://a> <http://b> <http://c> }'),
      (error: unknown) => error instanceof SparqlSyntaxError && /SPARQL Update/.test(error.message),
    );
  });

  it('reports an undefined prefix', () => {
    assert.throws(() => parseQuery('SELECT * { ?s ex:p ?o }'), SparqlSyntaxError);
  });

  it('resolves relative IRIs against baseIri', () => {
    const parsed = parseQuery('SELECT * { <a> ?p ?o }', 'http://example.org/');
    assert.equal(parsed.queryType, 'SELECT');
    assert.deepEqual(parsed.variables, ['p', 'o']);
  });

  it('returns the query form and variables', () => {
    assert.equal(parseQuery('ASK {}').queryType, 'ASK');
    assert.equal(parseQuery('CONSTRUCT WHERE { ?s ?p ?o }').queryType, 'CONSTRUCT');
    assert.equal(parseQuery('DESCRIBE <http://a>').queryType, 'DESCRIBE');
    assert.deepEqual(parseQuery('SELECT ?b ?a { ?a ?b ?c }').variables, ['b', 'a']);
  });
});

describe('unsupported features', () => {
  const cases: [string, string][] = [
    ['SELECT * { SERVICE <http://remote/sparql> { ?s ?p ?o } }', 'SERVICE'],
    [
      'SELECT (<http://example.org/agg>(DISTINCT ?o) AS ?v) { ?s ?p ?o }',
      'extension aggregate <http://example.org/agg>',
    ],
  ];
  for (const [query, feature] of cases) {
    it(`rejects ${feature} in ${query}`, async () => {
      const dataset = naiveDatasetFromTrig('<http://a> <http://b> <http://c> .');
      await assert.rejects(
        executeQuery(dataset, PREFIXES + query),
        (error: unknown) => error instanceof UnsupportedFeatureError && error.feature === feature,
      );
    });
  }
});

describe('signed numeric literals', () => {
  it('accepts + in expressions', () => {
    assert.equal(
      parseQuery('SELECT * { ?s ?p ?o FILTER(?o = +5 && ?o+1 > 2) }').queryType,
      'SELECT',
    );
  });

  it('accepts + in expressions next to a collection', () => {
    const parsed = parseQuery('SELECT * { ?s <http://p> ("a") FILTER(?s != +5) }');
    assert.equal(parsed.queryType, 'SELECT');
  });
});

describe('blank node scope', () => {
  it('rejects a label shared by two BGPs', () => {
    assert.throws(
      () => parseQuery('SELECT * { _:a <http://p> ?x OPTIONAL { _:a <http://q> ?y } }'),
      (error: unknown) => error instanceof SparqlSyntaxError && /_:a/.test(error.message),
    );
  });

  it('accepts a label shared across a FILTER in one group', () => {
    const parsed = parseQuery('SELECT * { _:a <http://p> ?x FILTER(true) _:a <http://q> ?y }');
    assert.deepEqual(parsed.variables, ['x', 'y']);
  });

  it('rejects a label in a nested group and after it', () => {
    assert.throws(
      () => parseQuery('SELECT * { { _:a <http://p> ?x . } _:a <http://q> 1 }'),
      (error: unknown) => error instanceof SparqlSyntaxError && /_:a/.test(error.message),
    );
  });

  it('rejects a label before a nested group and in it', () => {
    assert.throws(
      () => parseQuery('SELECT * { _:a <http://p> ?x . { _:a <http://q> 1 } }'),
      (error: unknown) => error instanceof SparqlSyntaxError && /_:a/.test(error.message),
    );
  });

  it('rejects a label across a nested group and a FILTER', () => {
    assert.throws(
      () => parseQuery('SELECT * { { _:a <http://p> ?x } FILTER(true) _:a <http://q> 1 }'),
      (error: unknown) => error instanceof SparqlSyntaxError && /_:a/.test(error.message),
    );
  });

  it('keeps variables joined across a nested group', async () => {
    const dataset = naiveDatasetFromTrig(
      '<http://s> <http://p> <http://o> . <http://s> <http://q> "1" . <http://t> <http://p> <http://o> .',
    );
    const result = await executeQuery(
      dataset,
      'SELECT ?s { { ?s <http://p> ?x } ?s <http://q> ?y }',
    );
    if (result.type !== 'bindings') throw new Error('expected bindings');
    const rows: string[] = [];
    for await (const row of result.rows) rows.push(row[0]?.value ?? '-');
    assert.deepEqual(rows, ['http://s']);
  });
});

describe('DOUBLE literals', () => {
  const dataset = naiveDatasetFromTrig(
    '<http://example.org/upper> <http://example.org/d> "1E-3"^^<http://www.w3.org/2001/XMLSchema#double> .\n' +
      '<http://example.org/lower> <http://example.org/d> "1e-3"^^<http://www.w3.org/2001/XMLSchema#double> .',
  );

  async function subjects(query: string): Promise<string[]> {
    const result = await executeQuery(dataset, query);
    if (result.type !== 'bindings') throw new Error('expected bindings');
    const rows: string[] = [];
    for await (const row of result.rows) rows.push(row[0]?.value ?? '-');
    return rows;
  }

  it('match the lexical form as written', async () => {
    const upper = 'SELECT ?s { ?s <http://example.org/d> 1E-3 }';
    assert.deepEqual(await subjects(upper), ['http://example.org/upper']);
    const lower = 'SELECT ?s { ?s <http://example.org/d> 1e-3 }';
    assert.deepEqual(await subjects(lower), ['http://example.org/lower']);
  });

  it('compare by value in filters', async () => {
    const query = 'SELECT ?s { ?s <http://example.org/d> ?o FILTER(?o = 1E-3) }';
    assert.equal((await subjects(query)).length, 2);
  });
});

describe('extension functions', () => {
  const dataset = naiveDatasetFromTrig('<http://s> <http://p> "o" .');

  async function rowsOf(query: string): Promise<string[]> {
    const result = await executeQuery(dataset, query);
    if (result.type !== 'bindings') throw new Error('expected bindings');
    const rows: string[] = [];
    for await (const row of result.rows) rows.push(row.map((term) => term?.value ?? '-').join(' '));
    return rows;
  }

  it('parses an unknown function', () => {
    const parsed = parseQuery('SELECT * { ?s ?p ?o FILTER(<http://example.org/f>(?o)) }');
    assert.equal(parsed.queryType, 'SELECT');
  });

  it('FILTER on an unknown function removes rows', async () => {
    assert.deepEqual(await rowsOf('SELECT * { ?s ?p ?o FILTER(<http://example.org/f>(?o)) }'), []);
  });

  it('unknown function error is caught by ||', async () => {
    const query = 'SELECT ?o { ?s ?p ?o FILTER(<http://example.org/f>(?o) || true) }';
    assert.deepEqual(await rowsOf(query), ['o']);
  });

  it('BIND of an unknown function leaves it unbound', async () => {
    const query = 'SELECT ?o ?v { ?s ?p ?o BIND(<http://example.org/f>(?o) AS ?v) }';
    assert.deepEqual(await rowsOf(query), ['o -']);
  });
});

describe('parse cache', () => {
  it('reuses a parse from the second on', () => {
    const text = 'SELECT ?cached { ?cached ?p ?o }';
    const first = parseQuery(text);
    const second = parseQuery(text);
    assert.notEqual(first, second);
    assert.deepEqual(first, second);
    assert.equal(parseQuery(text), second);
  });

  it('keeps texts with different bases apart', () => {
    const text = 'SELECT * { <relative> ?p ?o }';
    parseQuery(text, 'http://one.example/');
    const first = parseQuery(text, 'http://one.example/');
    const second = parseQuery(text, 'http://two.example/');
    assert.equal(parseQuery(text, 'http://one.example/'), first);
    assert.notEqual(first, second);
    assert.match(JSON.stringify(second.algebra), /two\.example/);
  });

  it('does not cache a failed parse', () => {
    const text = 'SELECT ?broken {';
    assert.throws(() => parseQuery(text), SparqlSyntaxError);
    assert.throws(() => parseQuery(text), SparqlSyntaxError);
  });
});

describe('signed numeric literals in patterns and data', () => {
  const XSD = 'http://www.w3.org/2001/XMLSchema#';
  const objects = (query: string): string[] =>
    [...JSON.stringify(parseQuery(query).algebra).matchAll(/"key":"(\\"[^"]*\\"\^\^[^"]*)"/g)].map(
      (match) => match[1]!.replaceAll('\\"', '"'),
    );

  it('keeps the sign and the datatype of each numeric form', () => {
    assert.deepEqual(objects('SELECT * { ?s ?a +1 . ?s ?b +1.5 . ?s ?c +1e3 . ?s ?d +.5 }'), [
      `"+1"^^${XSD}integer`,
      `"+1.5"^^${XSD}decimal`,
      `"+1e3"^^${XSD}double`,
      `"+.5"^^${XSD}decimal`,
    ]);
  });

  it('ends an integer at a dot that ends the triple', () => {
    assert.deepEqual(objects('SELECT * { ?s ?a +5. ?s ?b ?c }'), [`"+5"^^${XSD}integer`]);
  });

  it('leaves strings, IRIs and comments alone', () => {
    const [pattern] = (
      parseQuery('SELECT * { ?s <http://x/+1> "+2" # +3\n }').algebra as unknown as {
        input: { patterns: { predicate: { key: string }; object: { key: string } }[] };
      }
    ).input.patterns;
    assert.equal(pattern!.predicate.key, 'http://x/+1');
    assert.equal(pattern!.object.key, '"+2"');
  });

  it('keeps the sign in INSERT DATA', () => {
    const [operation] = parseUpdate('INSERT DATA { <http://a> <http://b> +7 }');
    assert.ok(operation?.type === 'insertData');
    assert.deepEqual(operation.quads[0]!.object, { key: `"+7"^^${XSD}integer` });
  });
});

describe('CONSTRUCT templates the parser cannot read directly', () => {
  const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';

  it('reads a blank node property list with no predicates after it', async () => {
    const dataset = naiveDatasetFromTrig('<http://a> <http://b> <http://c> .');
    const query = `PREFIX rdf: <${RDF}>
      CONSTRUCT { [ rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ] . }
      WHERE { ?s ?p ?o . }`;
    const parsed = parseQuery(query);
    assert.equal(parsed.template.length, 3);
    const subjects = new Set(parsed.template.map((triple) => JSON.stringify(triple.subject)));
    assert.equal(subjects.size, 1, 'one blank node for the three triples');
    const result = await executeQuery(dataset, query);
    assert.equal(result.type, 'quads');
  });

  it('keeps the FROM clause, the WHERE clause and the modifiers after the template', () => {
    const parsed = parseQuery(
      'CONSTRUCT { [ <http://p> ?o ] } FROM <http://g> WHERE { ?s ?p ?o } LIMIT 2',
    );
    assert.equal(parsed.template.length, 1);
    assert.equal(JSON.stringify(parsed.algebra).includes('"limit"'), true);
  });

  it('still reports a real syntax error in such a template', () => {
    assert.throws(
      () => parseQuery('CONSTRUCT { [ <http://p> ?o ] ?? } WHERE { ?s ?p ?o }'),
      SparqlSyntaxError,
    );
  });
});
