/**
 * Functions that build RDF terms (SPARQL 1.1 section 17.4.2): IRI/URI, BNODE, STRDT,
 * STRLANG, UUID and STRUUID, plus the per-execution state that BNODE and NOW need.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ExpressionError } from '../../errors.js';
import { RDF_LANG_STRING, XSD_STRING } from '../../rdf/terms.js';
import type { Solution } from '../context.js';
import { currentDateTime } from './datetime.js';
import { iriValue, isSimpleString, literalValue, type Value } from './values.js';

/** State of one query execution, keyed by its expression environment. */
interface ExecutionState {
  /**
   * Label prefix of this execution's new blank nodes. It has 48 random bits, so a clash with a
   * stored label is unlikely but not impossible.
   */
  readonly blankPrefix: string;
  blankCount: number;
  /** BNODE(str) results of each solution, so one string gives one node per solution. */
  readonly labelled: WeakMap<Solution, Map<string, Value>>;
  now: Value | undefined;
}

const executions = new WeakMap<object, ExecutionState>();

function stateOf(environment: object): ExecutionState {
  let state = executions.get(environment);
  if (state === undefined) {
    state = {
      blankPrefix: `f${randomBytes(6).toString('hex')}`,
      blankCount: 0,
      labelled: new WeakMap(),
      now: undefined,
    };
    executions.set(environment, state);
  }
  return state;
}

function freshBlankNode(state: ExecutionState): Value {
  const label = `${state.blankPrefix}b${state.blankCount++}`;
  return { kind: 'BlankNode', value: label, language: '', datatype: '', key: `_:${label}` };
}

/**
 * BNODE() and BNODE(str). Without an argument every call returns a new blank node. With one,
 * the same string returns the same node within one solution and a different node in
 * another solution.
 */
export function blankNode(environment: object, solution: Solution, label?: Value): Value {
  const state = stateOf(environment);
  if (label === undefined) return freshBlankNode(state);
  if (!isSimpleString(label))
    throw new ExpressionError(`BNODE expects a simple literal, got ${label.key}`);
  let nodes = state.labelled.get(solution);
  if (nodes === undefined) {
    nodes = new Map();
    state.labelled.set(solution, nodes);
  }
  let node = nodes.get(label.value);
  if (node === undefined) {
    node = freshBlankNode(state);
    nodes.set(label.value, node);
  }
  return node;
}

/** NOW(): the same xsd:dateTime for every call within one query execution. */
export function now(environment: object): Value {
  const state = stateOf(environment);
  state.now ??= currentDateTime();
  return state.now;
}

export function uuid(): Value {
  return iriValue(`urn:uuid:${randomUUID()}`);
}

export function strUuid(): Value {
  return literalValue(randomUUID(), XSD_STRING);
}

/** STRDT: a literal with the lexical form of a simple literal and the given datatype IRI. */
export function strDt(lexical: Value, datatype: Value): Value {
  if (!isSimpleString(lexical))
    throw new ExpressionError(`STRDT expects a simple literal, got ${lexical.key}`);
  if (datatype.kind !== 'NamedNode')
    throw new ExpressionError(`STRDT expects a datatype IRI, got ${datatype.key}`);
  if (datatype.value === RDF_LANG_STRING)
    throw new ExpressionError('STRDT cannot build rdf:langString literals; use STRLANG');
  return literalValue(lexical.value, datatype.value);
}

/** BCP 47 language tag syntax as RDF 1.1 Turtle accepts it. */
const LANGUAGE_TAG = /^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/;

/** STRLANG: a language-tagged literal from a simple literal and a non-empty tag. */
export function strLang(lexical: Value, tag: Value): Value {
  if (!isSimpleString(lexical))
    throw new ExpressionError(`STRLANG expects a simple literal, got ${lexical.key}`);
  if (!isSimpleString(tag) || !LANGUAGE_TAG.test(tag.value))
    throw new ExpressionError(`STRLANG expects a language tag, got ${tag.key}`);
  return literalValue(lexical.value, RDF_LANG_STRING, tag.value);
}

/** Characters above U+0020 that RFC 3987 forbids anywhere in an IRI. */
const FORBIDDEN_IRI_PUNCTUATION = new Set(['<', '>', '"', '{', '}', '|', '^', '`', '\\']);

/** True when the text contains a control character, a space or forbidden punctuation. */
function hasForbiddenIriCharacter(text: string): boolean {
  for (const char of text) {
    if (char.charCodeAt(0) <= 0x20 || FORBIDDEN_IRI_PUNCTUATION.has(char)) return true;
  }
  return false;
}
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * IRI and URI: an IRI is returned as is, a simple literal is resolved against the query's
 * base IRI. The result must be an absolute IRI without forbidden characters.
 */
export function iriFunction(arg: Value, baseIri: string | undefined): Value {
  if (arg.kind === 'NamedNode') return arg;
  if (!isSimpleString(arg))
    throw new ExpressionError(`IRI expects a simple literal, got ${arg.key}`);
  if (hasForbiddenIriCharacter(arg.value))
    throw new ExpressionError(`IRI: invalid IRI characters in ${arg.key}`);
  const resolved =
    SCHEME.test(arg.value) || baseIri === undefined ? arg.value : resolveIri(arg.value, baseIri);
  if (!SCHEME.test(resolved))
    throw new ExpressionError(`IRI: ${arg.key} is relative and the query has no base IRI`);
  return iriValue(resolved);
}

/** Splits an IRI reference into its RFC 3986 components. */
function splitReference(reference: string): {
  scheme?: string;
  authority?: string;
  path: string;
  query?: string;
  fragment?: string;
} {
  const match = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s.exec(
    reference,
  )!;
  return {
    scheme: match[1],
    authority: match[2],
    path: match[3] ?? '',
    query: match[4],
    fragment: match[5],
  };
}

/** Removes the `.` and `..` segments of a path (RFC 3986 section 5.2.4). */
function removeDotSegments(path: string): string {
  const output: string[] = [];
  let input = path;
  // Each step removes at least one character of `input`, so the loop ends.
  while (input.length > 0) {
    if (input.startsWith('../')) input = input.slice(3);
    else if (input.startsWith('./')) input = input.slice(2);
    else if (input.startsWith('/./')) input = input.slice(2);
    else if (input === '/.') input = '/';
    else if (input.startsWith('/../')) {
      input = input.slice(3);
      output.pop();
    } else if (input === '/..') {
      input = '/';
      output.pop();
    } else if (input === '.' || input === '..') input = '';
    else {
      const next = input.indexOf('/', input.startsWith('/') ? 1 : 0);
      const segment = next < 0 ? input : input.slice(0, next);
      output.push(segment);
      input = input.slice(segment.length);
    }
  }
  return output.join('');
}

/** Resolves a relative reference against a base IRI (RFC 3986 section 5.2.2). */
export function resolveIri(reference: string, baseIri: string): string {
  const target = splitReference(reference);
  const base = splitReference(baseIri);
  let scheme = base.scheme;
  let authority = base.authority;
  let path: string;
  let query = target.query;

  if (target.scheme !== undefined) {
    scheme = target.scheme;
    authority = target.authority;
    path = removeDotSegments(target.path);
  } else if (target.authority !== undefined) {
    authority = target.authority;
    path = removeDotSegments(target.path);
  } else if (target.path === '') {
    path = base.path;
    query = target.query ?? base.query;
  } else if (target.path.startsWith('/')) {
    path = removeDotSegments(target.path);
  } else {
    const merged =
      base.authority !== undefined && base.path === ''
        ? `/${target.path}`
        : base.path.slice(0, base.path.lastIndexOf('/') + 1) + target.path;
    path = removeDotSegments(merged);
  }

  let result = scheme === undefined ? '' : `${scheme}:`;
  if (authority !== undefined) result += `//${authority}`;
  result += path;
  if (query !== undefined) result += `?${query}`;
  if (target.fragment !== undefined) result += `#${target.fragment}`;
  return result;
}
