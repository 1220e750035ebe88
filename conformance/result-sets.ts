/**
 * Readers for the W3C SPARQL test result formats (.srx, .srj, result sets in Turtle and in the
 * fixed RDF/XML shape of the sort tests) and a blank-node-aware comparison of result sets.
 */
import type * as RDF from '@rdfjs/types';
import { Parser } from 'n3';
import { factory, termKey } from '../src/rdf/terms.js';

const RS = 'http://www.w3.org/2001/sw/DataAccess/tests/result-set#';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';

/** One solution: variable name to term; absent names are unbound. */
export type Row = Map<string, RDF.Term>;

export type ExpectedResult =
  | { type: 'bindings'; variables: string[]; rows: Row[]; ordered: boolean }
  | { type: 'boolean'; value: boolean }
  | { type: 'graph'; quads: RDF.Quad[] };

function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#\d+);/g, (_, entity: string) => {
    switch (entity) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return String.fromCodePoint(
          entity.startsWith('#x') ? parseInt(entity.slice(2), 16) : Number(entity.slice(1)),
        );
    }
  });
}

function attribute(attributes: string, name: string): string | undefined {
  const match = new RegExp(`${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(attributes);
  if (match === null) return undefined;
  return decodeXml(match[2] ?? match[3] ?? '');
}

/** Parses SPARQL Query Results XML. The test files are regular enough for regular expressions. */
export function parseSrx(xml: string): ExpectedResult {
  const booleanMatch = /<boolean>\s*(true|false)\s*<\/boolean>/.exec(xml);
  if (booleanMatch !== null) return { type: 'boolean', value: booleanMatch[1] === 'true' };
  const variables = [...xml.matchAll(/<variable\s+name\s*=\s*(?:"([^"]*)"|'([^']*)')/g)].map(
    (m) => m[1] ?? m[2]!,
  );
  const rows: Row[] = [];
  for (const result of xml.matchAll(/<result>([\s\S]*?)<\/result>|<result\s*\/>/g)) {
    const row: Row = new Map();
    for (const binding of (result[1] ?? '').matchAll(
      /<binding\s+name\s*=\s*(?:"([^"]*)"|'([^']*)')\s*>([\s\S]*?)<\/binding>/g,
    )) {
      row.set(binding[1] ?? binding[2]!, parseSrxTerm(binding[3]!.trim()));
    }
    rows.push(row);
  }
  return { type: 'bindings', variables, rows, ordered: true };
}

function parseSrxTerm(xml: string): RDF.Term {
  const uri = /^<uri>([\s\S]*)<\/uri>$/.exec(xml);
  if (uri !== null) return factory.namedNode(decodeXml(uri[1]!));
  const bnode = /^<bnode>([\s\S]*)<\/bnode>$/.exec(xml);
  if (bnode !== null) return factory.blankNode(decodeXml(bnode[1]!));
  const literal = /^<literal([^>]*?)(\/>|>([\s\S]*)<\/literal>)$/.exec(xml);
  if (literal === null) throw new Error(`Unrecognised SRX term: ${xml}`);
  const attributes = literal[1]!;
  const text = decodeXml(literal[3] ?? '');
  const language = attribute(attributes, 'xml:lang');
  if (language !== undefined) return factory.literal(text, language);
  const datatype = attribute(attributes, 'datatype');
  return factory.literal(text, datatype === undefined ? undefined : factory.namedNode(datatype));
}

interface SrjTerm {
  type: string;
  value: string;
  'xml:lang'?: string;
  datatype?: string;
}

/** Parses SPARQL Query Results JSON. */
export function parseSrj(text: string): ExpectedResult {
  const json = JSON.parse(text) as {
    head: { vars?: string[] };
    boolean?: boolean;
    results?: { bindings: Record<string, SrjTerm>[] };
  };
  if (json.boolean !== undefined) return { type: 'boolean', value: json.boolean };
  const rows = (json.results?.bindings ?? []).map((binding) => {
    const row: Row = new Map();
    for (const [name, term] of Object.entries(binding)) {
      if (term.type === 'uri') row.set(name, factory.namedNode(term.value));
      else if (term.type === 'bnode') row.set(name, factory.blankNode(term.value));
      else if (term['xml:lang'] !== undefined)
        row.set(name, factory.literal(term.value, term['xml:lang']));
      else
        row.set(
          name,
          factory.literal(term.value, term.datatype ? factory.namedNode(term.datatype) : undefined),
        );
    }
    return row;
  });
  return { type: 'bindings', variables: json.head.vars ?? [], rows, ordered: true };
}

/**
 * Reads a Turtle result file: an rs:ResultSet (bindings or boolean), or else a plain graph
 * (the expected result of CONSTRUCT and DESCRIBE).
 */
export function parseTurtleResult(text: string, baseIRI: string): ExpectedResult {
  const quads = new Parser({ baseIRI }).parse(text);
  return resultFromQuads(quads);
}

export function resultFromQuads(quads: RDF.Quad[]): ExpectedResult {
  const resultSet = quads.find(
    (q) => q.predicate.value === RDF_TYPE && q.object.value === `${RS}ResultSet`,
  );
  if (resultSet === undefined) return { type: 'graph', quads };
  const objects = (subject: RDF.Term, predicate: string): RDF.Term[] =>
    quads
      .filter((q) => q.subject.equals(subject) && q.predicate.value === RS + predicate)
      .map((q) => q.object);
  const set = resultSet.subject;
  const booleans = objects(set, 'boolean');
  if (booleans.length > 0) return { type: 'boolean', value: booleans[0]!.value === 'true' };
  const variables = objects(set, 'resultVariable').map((term) => term.value);
  let ordered = false;
  const indexed = objects(set, 'solution').map((solution) => {
    const row: Row = new Map();
    for (const binding of objects(solution, 'binding')) {
      const name = objects(binding, 'variable')[0]!.value;
      row.set(name, objects(binding, 'value')[0]!);
    }
    const index = objects(solution, 'index')[0];
    if (index !== undefined) ordered = true;
    return { row, index: index === undefined ? 0 : Number(index.value) };
  });
  indexed.sort((a, b) => a.index - b.index);
  return { type: 'bindings', variables, rows: indexed.map((entry) => entry.row), ordered };
}

/**
 * Reads the RDF/XML result sets of the sort tests, which all use one fixed layout
 * (rs:solution and rs:binding with rdf:parseType="Resource").
 */
export function parseRdfXmlResultSet(xml: string): ExpectedResult {
  const variables = [...xml.matchAll(/<rs:resultVariable>([^<]*)<\/rs:resultVariable>/g)].map(
    (m) => m[1]!,
  );
  const indexed: { row: Row; index: number }[] = [];
  for (const solution of xml.matchAll(/<rs:solution[^>]*>([\s\S]*?)<\/rs:solution>/g)) {
    const body = solution[1]!;
    const index = /<rs:index[^>]*>(\d+)<\/rs:index>/.exec(body);
    const row: Row = new Map();
    for (const binding of body.matchAll(/<rs:binding[^>]*>([\s\S]*?)<\/rs:binding>/g)) {
      const name = /<rs:variable>([^<]*)<\/rs:variable>/.exec(binding[1]!)![1]!;
      const value = /<rs:value([^>]*?)(\/>|>([\s\S]*?)<\/rs:value>)/.exec(binding[1]!)!;
      const attributes = value[1]!;
      const resource = attribute(attributes, 'rdf:resource');
      const nodeId = attribute(attributes, 'rdf:nodeID');
      const language = attribute(attributes, 'xml:lang');
      const datatype = attribute(attributes, 'rdf:datatype');
      const text = decodeXml(value[3] ?? '');
      let term: RDF.Term;
      if (resource !== undefined) term = factory.namedNode(resource);
      else if (nodeId !== undefined) term = factory.blankNode(nodeId);
      else if (language !== undefined) term = factory.literal(text, language);
      else
        term = factory.literal(
          text,
          datatype === undefined ? undefined : factory.namedNode(datatype),
        );
      row.set(name, term);
    }
    indexed.push({ row, index: index === null ? 0 : Number(index[1]) });
  }
  indexed.sort((a, b) => a.index - b.index);
  return { type: 'bindings', variables, rows: indexed.map((entry) => entry.row), ordered: true };
}

const NUMERIC_TYPES = new Set(
  ['integer', 'decimal', 'float', 'double'].map(
    (name) => `http://www.w3.org/2001/XMLSchema#${name}`,
  ),
);

/**
 * Term comparison key. Language tags compare case-insensitively, as RDF requires, and
 * numerics by datatype and value, because expected results of the arithmetic tests use
 * non-canonical lexical forms such as "6"^^xsd:double.
 */
function comparableKey(term: RDF.Term): string {
  if (term.termType === 'Literal') {
    if (term.language !== '') return `"${term.value}"@${term.language.toLowerCase()}`;
    if (term.datatype.value === XSD_STRING) return `"${term.value}"`;
    if (
      NUMERIC_TYPES.has(term.datatype.value) &&
      /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(term.value)
    ) {
      return `${Number(term.value)}^^${term.datatype.value}`;
    }
  }
  return termKey(term);
}

/** Removes duplicate rows (as compared by comparableKey), for REDUCED results. */
export function distinctRows(rows: Row[]): Row[] {
  const seen = new Map<string, Row>();
  for (const row of rows) {
    const key = [...row]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, term]) => `${name}=${comparableKey(term)}`)
      .join(' ');
    seen.set(key, row);
  }
  return [...seen.values()];
}

/**
 * Finds a one-to-one matching of actual to expected rows under one consistent bijection of
 * blank nodes; with `ordered`, row i must match row i. Search is bounded by `budget` steps.
 */
export function rowsMatch(
  actual: Row[],
  expected: Row[],
  variables: string[],
  ordered: boolean,
): boolean {
  if (actual.length !== expected.length) return false;
  let budget = 200_000;
  const used = new Array<boolean>(expected.length).fill(false);
  const forward = new Map<string, string>();
  const backward = new Map<string, string>();

  const tryRow = (a: Row, e: Row): string[] | undefined => {
    const added: string[] = [];
    for (const name of variables) {
      const x = a.get(name);
      const y = e.get(name);
      if (x === undefined || y === undefined) {
        if (x !== y) return undo(added);
        continue;
      }
      if (x.termType === 'BlankNode' && y.termType === 'BlankNode') {
        const mapped = forward.get(x.value);
        if (mapped === undefined) {
          if (backward.has(y.value)) return undo(added);
          forward.set(x.value, y.value);
          backward.set(y.value, x.value);
          added.push(x.value);
        } else if (mapped !== y.value) return undo(added);
      } else if (comparableKey(x) !== comparableKey(y)) return undo(added);
    }
    return added;
  };
  const undo = (added: string[]): undefined => {
    for (const label of added) {
      backward.delete(forward.get(label)!);
      forward.delete(label);
    }
    return undefined;
  };
  const search = (i: number): boolean => {
    if (i === actual.length) return true;
    if (--budget < 0) throw new Error('Result comparison exceeded its search budget');
    const candidates = ordered ? [i] : expected.map((_, index) => index);
    for (const j of candidates) {
      if (used[j]) continue;
      const added = tryRow(actual[i]!, expected[j]!);
      if (added === undefined) continue;
      used[j] = true;
      if (search(i + 1)) return true;
      used[j] = false;
      undo(added);
    }
    return false;
  };
  return search(0);
}

/** Compares two graphs up to blank node renaming. */
export function graphsMatch(actual: RDF.Quad[], expected: RDF.Quad[]): boolean {
  const toRow = (quad: RDF.Quad): Row =>
    new Map<string, RDF.Term>([
      ['s', quad.subject],
      ['p', quad.predicate],
      ['o', quad.object],
    ]);
  const dedupe = (quads: RDF.Quad[]): RDF.Quad[] => {
    const seen = new Map<string, RDF.Quad>();
    for (const quad of quads)
      seen.set(
        `${termKey(quad.subject)} ${termKey(quad.predicate)} ${comparableKey(quad.object)}`,
        quad,
      );
    return [...seen.values()];
  };
  return rowsMatch(dedupe(actual).map(toRow), dedupe(expected).map(toRow), ['s', 'p', 'o'], false);
}
