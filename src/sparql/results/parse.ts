/**
 * Parsers for SPARQL results documents, for the HTTP tests and the command-line client. They
 * read a whole document from a string, so they suit responses that fit in memory.
 */
import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'n3';
import { create } from 'xmlbuilder2';

import { InvalidArgumentError } from '../../errors.js';
import { decodeTerm } from './terms.js';
import { SPARQL_RESULTS_NAMESPACE } from './xml.js';

export type ParsedResults =
  { variables: string[]; rows: (RDF.Term | undefined)[][] } | { boolean: boolean };

/** CSV results: values as plain strings, because CSV does not keep term types. */
export interface CsvResults {
  variables: string[];
  /** An unbound value and an empty string both read as ''. */
  rows: string[][];
}

/**
 * Parses a results document. Throws InvalidArgumentError when the body is not a well-formed
 * document of the format.
 */
export function parseResults(body: string, format: 'json' | 'xml' | 'tsv'): ParsedResults;
export function parseResults(body: string, format: 'csv'): CsvResults;
export function parseResults(
  body: string,
  format: 'json' | 'xml' | 'csv' | 'tsv',
): ParsedResults | CsvResults;
export function parseResults(
  body: string,
  format: 'json' | 'xml' | 'csv' | 'tsv',
): ParsedResults | CsvResults {
  switch (format) {
    case 'json':
      return parseJsonResults(body);
    case 'xml':
      return parseXmlResults(body);
    case 'csv':
      return parseCsvResults(body);
    case 'tsv':
      return parseTsvResults(body);
  }
}

// JSON

interface JsonValue {
  type?: unknown;
  value?: unknown;
  'xml:lang'?: unknown;
  datatype?: unknown;
}

function parseJsonResults(body: string): ParsedResults {
  let document: {
    head?: { vars?: unknown };
    boolean?: unknown;
    results?: { bindings?: unknown };
  };
  try {
    document = JSON.parse(body) as typeof document;
  } catch (error) {
    throw new InvalidArgumentError(`Invalid JSON results: ${(error as Error).message}`);
  }
  if (typeof document.boolean === 'boolean') return { boolean: document.boolean };

  const variables = document.head?.vars;
  const bindings = document.results?.bindings;
  if (!isStringArray(variables) || !Array.isArray(bindings)) {
    throw new InvalidArgumentError('Invalid JSON results: expected head.vars and results.bindings');
  }
  const rows = bindings.map((binding: Record<string, JsonValue>) =>
    variables.map((name) =>
      binding[name] === undefined ? undefined : termFromJson(binding[name]),
    ),
  );
  return { variables, rows };
}

function termFromJson(value: JsonValue): RDF.Term {
  const { type } = value;
  if (type === 'triple') {
    const triple = value.value as Record<string, JsonValue> | undefined;
    if (triple === undefined || triple === null) {
      throw new InvalidArgumentError('Invalid JSON results: a triple term has no value');
    }
    return DataFactory.quad(
      termFromJson(triple.subject) as RDF.Quad_Subject,
      termFromJson(triple.predicate) as RDF.Quad_Predicate,
      termFromJson(triple.object) as RDF.Quad_Object,
    );
  }
  if (typeof value.value !== 'string') {
    throw new InvalidArgumentError(
      `Invalid JSON results: a ${String(type)} term has no string value`,
    );
  }
  switch (type) {
    case 'uri':
      return DataFactory.namedNode(value.value);
    case 'bnode':
      return DataFactory.blankNode(value.value);
    // SPARQL 1.0 JSON results used 'typed-literal' for literals with a datatype.
    case 'literal':
    case 'typed-literal': {
      const language = value['xml:lang'];
      if (typeof language === 'string') return DataFactory.literal(value.value, language);
      const datatype = value.datatype;
      if (typeof datatype === 'string') {
        return DataFactory.literal(value.value, DataFactory.namedNode(datatype));
      }
      return DataFactory.literal(value.value);
    }
    default:
      throw new InvalidArgumentError(`Invalid JSON results: unknown term type ${String(type)}`);
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

// XML

/** The DOM subset of xmlbuilder2's nodes that the reader uses. */
interface XmlElement {
  nodeType: number;
  localName: string;
  namespaceURI: string | null;
  textContent: string | null;
  childNodes: ArrayLike<XmlElement>;
  getAttribute(name: string): string | null;
  getAttributeNS(namespace: string, name: string): string | null;
}

const ELEMENT_NODE = 1;
const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

function parseXmlResults(body: string): ParsedResults {
  let root: XmlElement;
  try {
    root = create(body).root().node as unknown as XmlElement;
  } catch (error) {
    throw new InvalidArgumentError(`Invalid XML results: ${(error as Error).message}`);
  }
  if (root.localName !== 'sparql' || root.namespaceURI !== SPARQL_RESULTS_NAMESPACE) {
    throw new InvalidArgumentError(
      `Invalid XML results: the root element must be sparql in ${SPARQL_RESULTS_NAMESPACE}`,
    );
  }

  const booleanElement = childElements(root, 'boolean')[0];
  if (booleanElement !== undefined)
    return { boolean: booleanElement.textContent?.trim() === 'true' };

  const head = childElements(root, 'head')[0];
  const variables =
    head === undefined
      ? []
      : childElements(head, 'variable').map((v) => v.getAttribute('name') ?? '');
  const results = childElements(root, 'results')[0];
  const rows = (results === undefined ? [] : childElements(results, 'result')).map((result) => {
    const row: (RDF.Term | undefined)[] = new Array(variables.length).fill(undefined);
    for (const binding of childElements(result, 'binding')) {
      const index = variables.indexOf(binding.getAttribute('name') ?? '');
      const value = childElements(binding)[0];
      if (index >= 0 && value !== undefined) row[index] = termFromXml(value);
    }
    return row;
  });
  return { variables, rows };
}

function childElements(parent: XmlElement, localName?: string): XmlElement[] {
  const elements: XmlElement[] = [];
  for (let i = 0; i < parent.childNodes.length; i++) {
    const node = parent.childNodes[i];
    if (node.nodeType !== ELEMENT_NODE) continue;
    if (localName === undefined || node.localName === localName) elements.push(node);
  }
  return elements;
}

function termFromXml(element: XmlElement): RDF.Term {
  const text = element.textContent ?? '';
  switch (element.localName) {
    case 'uri':
      return DataFactory.namedNode(text);
    case 'bnode':
      return DataFactory.blankNode(text);
    case 'literal': {
      // xmlbuilder2's reader leaves xml:lang outside the XML namespace, so both forms are read.
      const language =
        element.getAttributeNS(XML_NAMESPACE, 'lang') ?? element.getAttribute('xml:lang');
      if (language !== null) return DataFactory.literal(text, language);
      const datatype = element.getAttribute('datatype');
      return DataFactory.literal(
        text,
        datatype === null ? undefined : DataFactory.namedNode(datatype),
      );
    }
    case 'triple': {
      const part = (name: string): RDF.Term => {
        const value = childElements(childElements(element, name)[0] ?? element)[0];
        if (value === undefined)
          throw new InvalidArgumentError(`Invalid XML results: a triple has no ${name}`);
        return termFromXml(value);
      };
      return DataFactory.quad(
        part('subject') as RDF.Quad_Subject,
        part('predicate') as RDF.Quad_Predicate,
        part('object') as RDF.Quad_Object,
      );
    }
    default:
      throw new InvalidArgumentError(
        `Invalid XML results: unknown term element <${element.localName}>`,
      );
  }
}

// CSV and TSV

/** Splits a document into lines, ignoring one line break at the end. */
function splitLines(body: string, separator: RegExp): string[] {
  const lines = body.split(separator);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function parseTsvResults(body: string): ParsedResults {
  const lines = splitLines(body, /\r?\n/);
  if (lines.length === 0) throw new InvalidArgumentError('Invalid TSV results: no header line');

  const variables =
    lines[0] === '' ? [] : lines[0].split('\t').map((name) => name.replace(/^[?$]/, ''));
  const rows = lines
    .slice(1)
    .map((line) => line.split('\t').map((field) => (field === '' ? undefined : decodeTerm(field))));
  return { variables, rows };
}

/** Reads RFC 4180 CSV: fields in double quotes may contain commas, quotes ("") and line breaks. */
function parseCsvResults(body: string): CsvResults {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;

  while (i < body.length) {
    const char = body[i];
    if (quoted) {
      if (char === '"' && body[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (char === '"') quoted = false;
      else field += char;
      i++;
      continue;
    }
    if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' || char === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      if (char === '\r' && body[i + 1] === '\n') i++;
    } else {
      field += char;
    }
    i++;
  }
  if (quoted) throw new InvalidArgumentError('Invalid CSV results: unterminated quoted field');
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  if (records.length === 0) throw new InvalidArgumentError('Invalid CSV results: no header line');

  const [header, ...rows] = records;
  const variables = header.length === 1 && header[0] === '' ? [] : header;
  return { variables, rows };
}
