/**
 * The N-Triples and N-Quads (RDF 1.1) statement parser behind ntriples-fast.ts. It reads UTF-8
 * bytes and returns term keys (see terms.ts) without building RDF/JS term objects:
 *   IRI           http://example.org/a          (escapes decoded, no angle brackets)
 *   blank node    _:label                       (or the caller's prefix followed by the label)
 *   literal       "lex"  "lex"@lang  "lex"^^datatypeIRI
 *   default graph ''
 * Keys match n3's termToId for the same input: language tags are lower-cased and an
 * xsd:string datatype is dropped, as n3's DataFactory does.
 *
 * The parser works line by line. It keeps the bytes after the last line break of a chunk
 * until the next chunk completes the line, so a term or a multi-byte UTF-8 character split
 * across chunks needs no resumable state. Memory use is the longest line plus one chunk, plus
 * 256 KiB for the recent-term cache (ntriples-recent-terms.ts).
 * Every key is a flat string allocated apart from the input (a repeated IRI may return the
 * string made for its earlier occurrence), so a key kept by a dictionary does not keep the chunk
 * it came from alive. A TermSink can intern keys from their bytes instead.
 */
import { isUtf8 } from 'node:buffer';

import { RdfSyntaxError } from '../errors.js';
import type { RdfFormat } from './formats.js';
import {
  bytesEqual,
  codePointLength,
  decodeEscapes,
  describeByte,
  firstLineEnd,
  hasScheme,
  isAbsoluteIriKey,
  isBlankLabelChar,
  isBlankLabelStart,
  isAsciiDigit,
  isAsciiLetter,
  isEscapeStart,
  readCodePoint,
} from './ntriples-lexical.js';
import { DEFAULT_GRAPH_KEY, RDF_LANG_STRING, RDF_NS, XSD_STRING } from './terms.js';
import { finishKeyHash, hashAscii, KEY_HASH_PRIME, KEY_HASH_SEED } from '../store/key-hash.js';
import { copyBytes, RecentTerms, sameBytes } from './ntriples-recent-terms.js';

/**
 * The key hash's constants as constants of this module, which V8 folds into the scan loop
 * instead of reading an imported binding on every word (see RECORD_WORDS in radix-sort.ts).
 */
const HASH_SEED = KEY_HASH_SEED;
const HASH_PRIME = KEY_HASH_PRIME;

/** Receives one statement as terms; `graph` is the default graph's term when there is none. */
export type QuadHandler<T> = (subject: T, predicate: T, object: T, graph: T) => void;

/** Receives one statement as term keys; `graph` is '' for the default graph. */
export type QuadKeyHandler = QuadHandler<string>;

/**
 * Turns the key of each term into the value the statement handler receives: the key string
 * itself, or for example a dictionary id, which saves creating strings for repeated keys.
 */
export interface TermSink<T> {
  /**
   * Returns the term whose key is the UTF-8 text from `start` to `end` of `bytes`; `ascii` is
   * true when every byte is below 0x80. The bytes change after the call returns. For some ASCII
   * keys the parser passes `hash`, the key's `hashKey` (see store/key-hash.ts), which it
   * computed while scanning.
   */
  fromBytes(bytes: Buffer, start: number, end: number, ascii: boolean, hash?: number): T;
  /** Returns the term of a key that the parser built as a string. */
  fromString(key: string): T;
}

/** The sink that returns term keys, each a freshly allocated flat string. */
export const KEY_SINK: TermSink<string> = {
  fromBytes(bytes, start, end, ascii) {
    const slices = bytes as unknown as BufferSlices;
    return ascii ? slices.latin1Slice(start, end) : slices.utf8Slice(start, end);
  },
  fromString: (key) => key,
};

export interface NQuadsParserOptions {
  /** 'ntriples' rejects a graph label; 'nquads' accepts one. */
  format: Extract<RdfFormat, 'ntriples' | 'nquads'>;
  /** File name or other label that error messages and locations name. */
  source: string;
  /**
   * Replaces the `_:` of every blank node key, so `_:b1` becomes `${blankNodePrefix}b1`. Callers
   * use it to keep the labels of one file apart from those of another; default `_:`.
   */
  blankNodePrefix?: string;
}

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const HASH = 0x23;
const DOT = 0x2e;
const LESS = 0x3c;
const GREATER = 0x3e;
const AT = 0x40;
const BACKSLASH = 0x5c;
const CARET = 0x5e;
const UNDERSCORE = 0x5f;
const COLON = 0x3a;
const DASH = 0x2d;

/**
 * Bytes (value 1) that stop the scan of an IRI: controls, space, `<>"{}|^\`` and backslash.
 * And those that stop the scan of a string literal: `"`, backslash, CR and LF. The scan then
 * decides whether the byte closes the term, starts an escape or is an error. Non-ASCII bytes
 * (value 2) stop both scans too, to note that the term needs UTF-8 decoding.
 */
const IRI_STOP = new Uint8Array(256);
const LITERAL_STOP = new Uint8Array(256);
for (let c = 0; c <= SPACE; c++) IRI_STOP[c] = 1;
for (const c of '<>"{}|^`\\') IRI_STOP[c.charCodeAt(0)] = 1;
for (const c of '"\\\r\n') LITERAL_STOP[c.charCodeAt(0)] = 1;
IRI_STOP.fill(2, 0x80);
LITERAL_STOP.fill(2, 0x80);

/**
 * IRI_STOP and LITERAL_STOP of two bytes at once: index `b0 | (b1 << 8)` is non-zero when
 * either byte stops the scan. One lookup per two bytes lets scans step four bytes at a time.
 */
const IRI_STOP_PAIR = new Uint8Array(1 << 16);
const LITERAL_STOP_PAIR = new Uint8Array(1 << 16);
for (let pair = 0; pair < IRI_STOP_PAIR.length; pair++) {
  IRI_STOP_PAIR[pair] = IRI_STOP[pair & 0xff] | IRI_STOP[pair >>> 8];
  LITERAL_STOP_PAIR[pair] = LITERAL_STOP[pair & 0xff] | LITERAL_STOP[pair >>> 8];
}

/**
 * Buffer's undocumented string constructors, which `toString` calls after checking its
 * arguments; calling them directly saves that per-term overhead. Both exist in Node.js 20.
 */
interface BufferSlices {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

const RDF_DIR_LANG_STRING = `${RDF_NS}dirLangString`;

/**
 * Maximum length of a language subtag. The N-Triples grammar has no limit, but BCP 47 allows 8,
 * and n3 2.x rejects longer subtags, so this parser rejects them too.
 */
const MAX_SUBTAG_LENGTH = 8;

const V = 0x56;
const VERSION = 'VERSION';
/** The VERSION strings that n3 2.x accepts. */
const SUPPORTED_VERSIONS = ['1.1', '1.2', '1.2-basic'];

/**
 * Parses N-Triples or N-Quads fed as byte chunks and calls the handler once per statement, in
 * document order. Throws RdfSyntaxError, with file, 1-based line and 1-based column in UTF-16
 * code units, for anything the RDF 1.1 grammars reject and for invalid UTF-8.
 */
export class NQuadsParser<T = string> {
  /** Statements parsed so far. */
  quadCount = 0;

  private readonly source: string;
  private readonly quads: boolean;
  private readonly onQuad: QuadHandler<T>;
  private readonly sink: TermSink<T>;
  private readonly defaultGraph: T;
  /** Bytes of the custom blank node prefix, or undefined to keep `_:`. */
  private readonly blankPrefix: Buffer | undefined;
  private readonly blankPrefixAscii: boolean;
  /** Chunks of an unfinished line, held until a line break arrives. */
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private started = false;

  // Position state of the segment being parsed.
  private data: Buffer = Buffer.alloc(0);
  /** A DataView of `data`, which reads four unaligned bytes in one step. */
  private view: DataView = new DataView(new ArrayBuffer(0));
  private pos = 0;
  private end = 0;
  private line = 1;
  private lineStart = 0;
  /** Set by `scanIri`: whether the IRI contains escapes. */
  private escaped = false;
  /** Set by `scanIri` and `readLiteral`: whether the term contains non-ASCII bytes. */
  private nonAscii = false;
  /** Set by `scanIri` when the IRI is ASCII and has no escapes: `hashKey` of its key. */
  private hash = 0;
  /** Bytes `<...>` of the last IRI subject, which `readSubjectIri` compares, and its term. */
  private previousSubject: Buffer = Buffer.allocUnsafe(256);
  private previousSubjectView: DataView = viewOf(this.previousSubject);
  private previousSubjectLength = 0;
  private previousSubjectTerm: T | undefined;
  /** Terms of recent plain IRIs, checked before the sink. */
  private readonly recent = new RecentTerms<T>();
  /** Reused output for keys that differ from their source bytes. */
  private scratch: Buffer = Buffer.allocUnsafe(1024);

  /** Without a sink, terms are key strings; a sink must be given unless T is string. */
  constructor(
    options: NQuadsParserOptions,
    onQuad: QuadHandler<T>,
    sink: TermSink<T> = KEY_SINK as unknown as TermSink<T>,
  ) {
    this.source = options.source;
    this.quads = options.format === 'nquads';
    this.onQuad = onQuad;
    this.sink = sink;
    this.defaultGraph = sink.fromString(DEFAULT_GRAPH_KEY);
    const prefix = options.blankNodePrefix;
    this.blankPrefix = prefix === undefined || prefix === '_:' ? undefined : Buffer.from(prefix);
    this.blankPrefixAscii = this.blankPrefix?.every((byte) => byte < 0x80) ?? true;
  }

  /** Parses every complete line of `chunk` (with what earlier chunks left over). */
  write(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    let bytes = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (!this.started) bytes = this.skipBom(bytes);
    if (bytes.length === 0) return;

    // A line left over from earlier chunks is completed and parsed on its own, so the rest of
    // the chunk is parsed where it is instead of being copied behind it.
    if (this.pendingLength > 0) {
      const lineEnd = firstLineEnd(bytes);
      if (lineEnd < 0) {
        this.pending.push(bytes);
        this.pendingLength += bytes.length;
        return;
      }
      this.pending.push(bytes.subarray(0, lineEnd));
      const line = Buffer.concat(this.pending, this.pendingLength + lineEnd);
      this.pending = [];
      this.pendingLength = 0;
      this.parseSegment(line);
      bytes = bytes.subarray(lineEnd);
    }

    // A segment ends after the last LF, or after the last CR unless it ends the chunk, because
    // an LF in the next chunk would complete that CR's line break.
    let cut = bytes.lastIndexOf(LF) + 1;
    if (cut === 0) {
      const cr = bytes.lastIndexOf(CR);
      cut = cr >= 0 && cr < bytes.length - 1 ? cr + 1 : 0;
    }
    if (cut > 0) this.parseSegment(bytes.subarray(0, cut));
    if (cut < bytes.length) {
      this.pending.push(bytes.subarray(cut));
      this.pendingLength = bytes.length - cut;
    }
  }

  /** Parses the last line, which needs no line break, and returns the number of statements. */
  finish(): number {
    if (this.pendingLength > 0) {
      const rest = Buffer.concat(this.pending, this.pendingLength);
      this.pending = [];
      this.pendingLength = 0;
      this.parseSegment(rest);
    }
    return this.quadCount;
  }

  /** Drops a UTF-8 byte order mark at the start of the input. */
  private skipBom(bytes: Buffer): Buffer {
    this.started = true;
    // NOTE: a BOM split over the first two chunks is not recognised; stream chunks are larger.
    const bom = bytes.length >= UTF8_BOM.length && UTF8_BOM.every((byte, i) => bytes[i] === byte);
    return bom ? bytes.subarray(UTF8_BOM.length) : bytes;
  }

  /** Parses whole lines; `segment` ends with a line break except at the end of the input. */
  private parseSegment(segment: Buffer): void {
    if (!isUtf8(segment)) this.failInvalidUtf8(segment);
    this.data = segment;
    this.view = viewOf(segment);
    this.pos = 0;
    this.end = segment.length;
    this.lineStart = 0;
    while (this.pos < this.end) this.parseLine();
  }

  /** Parses one line: blank, a comment, or one statement with an optional comment. */
  private parseLine(): void {
    this.skipSpace();
    const b = this.data;
    const first = this.pos < this.end ? b[this.pos] : LF;
    if (first === V && bytesEqual(b, this.pos, this.pos + VERSION.length, VERSION)) {
      this.parseVersion();
    } else if (first !== LF && first !== CR && first !== HASH) {
      this.parseStatement();
    }
    this.skipSpace();
    if (this.pos < this.end && b[this.pos] === HASH) {
      while (this.pos < this.end && b[this.pos] !== LF && b[this.pos] !== CR) this.pos++;
    }
    if (this.pos >= this.end) return;
    const c = b[this.pos];
    if (c !== LF && c !== CR) this.fail('Expected the end of the line after the statement');
    this.pos++;
    if (c === CR && this.pos < this.end && b[this.pos] === LF) this.pos++;
    this.line++;
    this.lineStart = this.pos;
  }

  /**
   * Reads an RDF 1.2 `VERSION "..."` directive, which n3 2.x accepts in N-Triples and N-Quads,
   * and rejects the versions that n3 does not support.
   */
  private parseVersion(): void {
    const b = this.data;
    this.pos += VERSION.length;
    const next = this.pos < this.end ? b[this.pos] : LF;
    if (next !== SPACE && next !== TAB && next !== QUOTE) {
      this.fail('Expected a statement or a VERSION directive');
    }
    this.skipSpace();
    const start = this.pos;
    if (start >= this.end || b[start] !== QUOTE) this.fail('Expected a string after VERSION');
    const close = b.indexOf(QUOTE, start + 1);
    const lineEnd = firstLineEnd(b.subarray(start));
    if (close < 0 || (lineEnd >= 0 && close >= start + lineEnd)) {
      this.failAt(start, "Unterminated string literal: missing closing '\"'");
    }
    this.pos = close + 1;
    const version = b.toString('utf8', start + 1, close);
    if (!SUPPORTED_VERSIONS.includes(version)) {
      const supported = SUPPORTED_VERSIONS.join(', ');
      this.failAt(start, `Unsupported version "${version}"; supported versions are ${supported}`);
    }
  }

  private parseStatement(): void {
    const b = this.data;
    const subject =
      b[this.pos] === UNDERSCORE
        ? this.readBlankNode()
        : this.readSubjectIri('Expected an IRI or a blank node as subject');
    this.skipSpace();
    const predicate = this.readPredicate();
    this.skipSpace();
    const object = this.readObject();
    this.skipSpace();

    let graph = this.defaultGraph;
    const c = this.pos < this.end ? b[this.pos] : LF;
    if (c === LESS || c === UNDERSCORE) {
      if (!this.quads) this.fail('N-Triples has no graph label; use N-Quads (.nq) for quads');
      graph = c === LESS ? this.readIri() : this.readBlankNode();
      this.skipSpace();
    }
    if (this.pos >= this.end || b[this.pos] !== DOT) {
      this.fail(
        this.quads
          ? 'Expected a graph label or "." to end the statement'
          : 'Expected "." to end the statement',
      );
    }
    this.pos++;
    this.quadCount++;
    this.onQuad(subject, predicate, object, graph);
  }

  private readObject(): T {
    const c = this.pos < this.end ? this.data[this.pos] : LF;
    if (c === LESS && this.data[this.pos + 1] === LESS) {
      // TODO: read RDF 1.2 triple terms, whose keys are n3's JSON arrays of their three keys.
      return this.fail('RDF 1.2 triple terms are not supported by this parser');
    }
    if (c === LESS) return this.readIri();
    if (c === UNDERSCORE) return this.readBlankNode();
    if (c === QUOTE) return this.readLiteral();
    return this.fail('Expected an IRI, a blank node or a literal as object');
  }

  private skipSpace(): void {
    const b = this.data;
    while (this.pos < this.end && (b[this.pos] === SPACE || b[this.pos] === TAB)) this.pos++;
  }

  /**
   * Reads an IRI subject. Statements about one subject usually follow each other, so when the
   * bytes `<...>` repeat the previous statement's IRI subject, its term is reused unparsed.
   */
  private readSubjectIri(message: string): T {
    const start = this.pos;
    const previous = this.previousSubject;
    const length = this.previousSubjectLength;
    if (
      length > 0 &&
      start + length <= this.end &&
      sameBytes(this.view, start, this.previousSubjectView, 0, length)
    ) {
      this.pos = start + length;
      return this.previousSubjectTerm as T;
    }
    const term = this.expectIri(message);
    const rawLength = this.pos - start;
    if (rawLength > previous.length) {
      this.previousSubject = Buffer.allocUnsafe(rawLength * 2);
      this.previousSubjectView = viewOf(this.previousSubject);
    }
    copyBytes(this.view, start, this.previousSubjectView, 0, rawLength);
    this.previousSubjectLength = rawLength;
    this.previousSubjectTerm = term;
    return term;
  }

  private readPredicate(): T {
    return this.expectIri('Expected an IRI as predicate');
  }

  private expectIri(message: string): T {
    if (this.pos >= this.end || this.data[this.pos] !== LESS) this.fail(message);
    return this.readIri();
  }

  /** Reads `<...>` at the current position and returns the term of the decoded absolute IRI. */
  private readIri(): T {
    const start = this.pos + 1;
    const close = this.scanIri(start);
    this.pos = close + 1;
    if (this.escaped) return this.sink.fromString(this.decodeIri(start, close));
    if (this.nonAscii) {
      this.checkAbsolute(start, close);
      return this.sink.fromBytes(this.data, start, close, false);
    }
    // Cached bytes passed the absolute-IRI check when they were cached.
    const length = close - start;
    const hash = this.hash;
    const cached = this.recent.find(this.view, start, length, hash);
    if (cached !== undefined) return cached;
    this.checkAbsolute(start, close);
    const term = this.sink.fromBytes(this.data, start, close, true, hash);
    this.recent.remember(this.view, start, length, hash, term);
    return term;
  }

  /**
   * Returns the index of the `>` that closes an IRI starting at `start`, and sets `escaped`,
   * `nonAscii` and, when both are false, `hash`.
   */
  private scanIri(start: number): number {
    const b = this.data;
    const view = this.view;
    const end = this.end;
    this.escaped = false;
    this.nonAscii = false;
    // Four bytes at a time while none of them stops the scan, hashing each word as hashKey
    // does. The word that contains the closing ">" ends this loop, so what remains of the key
    // is under four bytes, which hashKey hashes one at a time.
    let hash = HASH_SEED;
    let i = start;
    while (i + 4 <= end) {
      const word = view.getInt32(i, true);
      if ((IRI_STOP_PAIR[word & 0xffff] | IRI_STOP_PAIR[word >>> 16]) !== 0) break;
      hash = Math.imul(hash ^ word, HASH_PRIME);
      i += 4;
    }
    const wordsEnd = i;
    for (;;) {
      while (i < end && IRI_STOP[b[i]] === 0) i++;
      if (i >= end) return this.failAt(start - 1, 'Unterminated IRI: missing ">"');
      const c = b[i];
      if (c === GREATER) {
        if (!this.escaped && !this.nonAscii) {
          for (let k = wordsEnd; k < i; k++) hash = Math.imul(hash ^ b[k], HASH_PRIME);
          this.hash = finishKeyHash(hash);
        }
        return i;
      }
      if (c >= 0x80) {
        this.nonAscii = true;
        i++;
        continue;
      }
      if (c !== BACKSLASH) {
        return this.failAt(i, `Invalid character ${describeByte(c)} in IRI`);
      }
      if (i + 1 >= this.end || !isEscapeStart(b[i + 1], false)) {
        return this.failAt(i, 'Invalid escape sequence in IRI: only \\u and \\U are allowed');
      }
      this.escaped = true;
      i += 2;
    }
  }

  /** Throws unless the unescaped IRI from `start` to `close` starts with a scheme. */
  private checkAbsolute(start: number, close: number): void {
    if (hasScheme(this.data, start, close)) return;
    const iri = this.data.toString('utf8', start, close);
    this.failAt(start - 1, `Relative IRI <${iri}> is not allowed; write an absolute IRI`);
  }

  /** Returns the decoded IRI from `start` to `close`, which contains escapes. */
  private decodeIri(start: number, close: number): string {
    const decoded = decodeEscapes(this.data, start, close, false);
    if (typeof decoded === 'number') return this.failAt(decoded, 'Invalid escape sequence in IRI');
    // Like n3, reject an escape that decodes to a character an IRI cannot contain.
    // eslint-disable-next-line no-control-regex -- control characters are what this rejects
    if (/[\u0000-\u0020<>"{}|^`\\]/.test(decoded)) {
      return this.failAt(start - 1, 'Invalid IRI: an escape decodes to a disallowed character');
    }
    if (!isAbsoluteIriKey(decoded)) {
      this.failAt(start - 1, `Relative IRI <${decoded}> is not allowed; write an absolute IRI`);
    }
    return decoded;
  }

  /** Reads `_:label` and returns its term, with the configured prefix. */
  private readBlankNode(): T {
    const b = this.data;
    const start = this.pos;
    if (start + 1 >= this.end || b[start + 1] !== COLON) {
      this.fail('Expected ":" after "_" in a blank node label');
    }
    let i = start + 2;
    let codePoint = readCodePoint(b, i, this.end);
    if (codePoint < 0 || !isBlankLabelStart(codePoint)) {
      return this.failAt(i, 'Invalid blank node label: expected a letter, digit or "_" after "_:"');
    }
    let nonAscii = codePoint >= 0x80;
    i += codePointLength(codePoint);
    let lastNonDot = i;
    for (;;) {
      codePoint = readCodePoint(b, i, this.end);
      if (codePoint < 0) break;
      if (codePoint !== DOT && !isBlankLabelChar(codePoint)) break;
      if (codePoint >= 0x80) nonAscii = true;
      i += codePointLength(codePoint);
      if (codePoint !== DOT) lastNonDot = i;
    }
    // A label cannot end in ".", so trailing dots belong to the statement.
    this.pos = lastNonDot;
    const prefix = this.blankPrefix;
    if (prefix === undefined) return this.sink.fromBytes(b, start, lastNonDot, !nonAscii);
    return this.joinTerm(prefix, start + 2, lastNonDot, !nonAscii && this.blankPrefixAscii);
  }

  /** Reads a literal with its optional language tag or datatype and returns its term. */
  private readLiteral(): T {
    const b = this.data;
    const open = this.pos;
    const end = this.end;
    let i = open + 1;
    let escaped = false;
    let nonAscii = false;
    const view = this.view;
    while (i + 4 <= end) {
      const word = view.getInt32(i, true);
      if ((LITERAL_STOP_PAIR[word & 0xffff] | LITERAL_STOP_PAIR[word >>> 16]) !== 0) break;
      i += 4;
    }
    for (;;) {
      while (i < end && LITERAL_STOP[b[i]] === 0) i++;
      if (i >= end || b[i] === LF || b[i] === CR) {
        return this.failAt(open, "Unterminated string literal: missing closing '\"'");
      }
      if (b[i] === QUOTE) break;
      if (b[i] >= 0x80) {
        nonAscii = true;
        i++;
        continue;
      }
      if (i + 1 >= end || !isEscapeStart(b[i + 1], true)) {
        return this.failAt(i, 'Invalid escape sequence in string literal');
      }
      escaped = true;
      i += 2;
    }
    const close = i;
    this.pos = close + 1;

    let lexical: string | undefined;
    if (escaped) {
      const decoded = decodeEscapes(b, open + 1, close, true);
      if (typeof decoded === 'number') {
        return this.failAt(decoded, 'Invalid escape sequence in string literal');
      }
      lexical = decoded;
    }

    this.nonAscii = nonAscii;
    const next = this.pos < this.end ? b[this.pos] : LF;
    if (next === AT) return this.readLanguageTag(open, close, lexical);
    if (next === CARET) return this.readDatatype(open, close, lexical);
    if (lexical !== undefined) return this.sink.fromString(['"', lexical, '"'].join(''));
    if (nonAscii) return this.sink.fromBytes(b, open, close + 1, false);
    return this.plainAsciiLiteral(open, close + 1);
  }

  /**
   * Returns the term of the plain ASCII literal whose key is the bytes from `start` to `end`,
   * quotes included. Literal values repeat too (placeholders, codes, names), so they go through
   * the recent-term cache. On LUBM(8) the cache returned the term of 167,165 of the 332,211
   * plain literals.
   */
  private plainAsciiLiteral(start: number, end: number): T {
    const length = end - start;
    const hash = hashAscii(this.data, start, end);
    const cached = this.recent.find(this.view, start, length, hash);
    if (cached !== undefined) return cached;
    const term = this.sink.fromBytes(this.data, start, end, true, hash);
    this.recent.remember(this.view, start, length, hash, term);
    return term;
  }

  private readLanguageTag(open: number, close: number, lexical: string | undefined): T {
    const b = this.data;
    const tagStart = this.pos + 1;
    let i = tagStart;
    let upper = false;
    while (i < this.end && isAsciiLetter(b[i])) {
      upper ||= b[i] <= 0x5a;
      i++;
    }
    if (i === tagStart) return this.failAt(this.pos, 'Invalid language tag: expected a letter');
    if (i - tagStart > MAX_SUBTAG_LENGTH) this.failLongSubtag(tagStart);
    while (i < this.end && b[i] === DASH) {
      if (b[i + 1] === DASH) {
        i = this.readDirection(i);
        break;
      }
      const subtagStart = ++i;
      while (i < this.end && (isAsciiLetter(b[i]) || isAsciiDigit(b[i]))) {
        upper ||= b[i] >= 0x41 && b[i] <= 0x5a;
        i++;
      }
      if (i === subtagStart) {
        return this.failAt(subtagStart, 'Invalid language tag: empty subtag after "-"');
      }
      if (i - subtagStart > MAX_SUBTAG_LENGTH) this.failLongSubtag(subtagStart);
    }
    this.pos = i;
    const nonAscii = this.nonAscii;
    if (lexical === undefined && !upper) return this.sink.fromBytes(b, open, i, !nonAscii);
    const tag = b.toString('latin1', tagStart, i).toLowerCase();
    const body = lexical ?? b.toString('utf8', open + 1, close);
    return this.sink.fromString(['"', body, '"@', tag].join(''));
  }

  /**
   * Reads the RDF 1.2 base direction `--ltr` or `--rtl` at `dashes` and returns the index after
   * it. n3 2.x accepts it in N-Triples and keeps it, lower-case only, in the key.
   */
  private readDirection(dashes: number): number {
    const b = this.data;
    const direction = b.toString('latin1', dashes + 2, Math.min(dashes + 5, this.end));
    const after = dashes + 5;
    const ended = after >= this.end || !(isAsciiLetter(b[after]) || isAsciiDigit(b[after]));
    if ((direction !== 'ltr' && direction !== 'rtl') || !ended) {
      this.failAt(dashes, 'Invalid base direction: expected --ltr or --rtl after the language tag');
    }
    return after;
  }

  private readDatatype(open: number, close: number, lexical: string | undefined): T {
    const b = this.data;
    if (this.pos + 2 >= this.end || b[this.pos + 1] !== CARET || b[this.pos + 2] !== LESS) {
      this.fail('Expected "^^<" and a datatype IRI after the literal');
    }
    const lexicalAscii = !this.nonAscii;
    const iriStart = this.pos + 3;
    const iriClose = this.scanIri(iriStart);
    this.pos = iriClose + 1;

    if (lexical === undefined && !this.escaped) {
      this.checkAbsolute(iriStart, iriClose);
      if (
        bytesEqual(b, iriStart, iriClose, RDF_LANG_STRING) ||
        bytesEqual(b, iriStart, iriClose, RDF_DIR_LANG_STRING)
      ) {
        this.failLanguageDatatype(iriStart, b.toString('latin1', iriStart, iriClose));
      }
      if (bytesEqual(b, iriStart, iriClose, XSD_STRING)) {
        return this.sink.fromBytes(b, open, close + 1, lexicalAscii);
      }
      // `"lex"^^` followed by the IRI without its brackets.
      const ascii = lexicalAscii && !this.nonAscii;
      return this.joinTerm(b.subarray(open, close + 3), iriStart, iriClose, ascii);
    }

    const datatype = this.escaped
      ? this.decodeIri(iriStart, iriClose)
      : b.toString('utf8', iriStart, iriClose);
    if (!this.escaped) this.checkAbsolute(iriStart, iriClose);
    if (datatype === RDF_LANG_STRING || datatype === RDF_DIR_LANG_STRING) {
      this.failLanguageDatatype(iriStart, datatype);
    }
    const body = lexical ?? b.toString('utf8', open + 1, close);
    if (datatype === XSD_STRING) return this.sink.fromString(['"', body, '"'].join(''));
    return this.sink.fromString(['"', body, '"^^', datatype].join(''));
  }

  /** Throws for the datatypes of language-tagged strings, which n3 rejects after "^^". */
  private failLanguageDatatype(iriStart: number, datatype: string): never {
    return this.failAt(
      iriStart - 1,
      `Invalid literal: datatype <${datatype}> needs a language tag`,
    );
  }

  /** Returns the term of the bytes of `head` followed by the data from `start` to `end`. */
  private joinTerm(head: Uint8Array, start: number, end: number, ascii: boolean): T {
    const length = head.length + end - start;
    if (this.scratch.length < length) this.scratch = Buffer.allocUnsafe(length * 2);
    this.scratch.set(head, 0);
    this.data.copy(this.scratch, head.length, start, end);
    return this.sink.fromBytes(this.scratch, 0, length, ascii);
  }

  private failLongSubtag(start: number): never {
    return this.failAt(
      start,
      `Invalid language tag: subtags have at most ${MAX_SUBTAG_LENGTH} characters`,
    );
  }

  private fail(message: string): never {
    return this.failAt(this.pos, message);
  }

  /** Throws an RdfSyntaxError located at byte `position` of the current line. */
  private failAt(position: number, message: string): never {
    const column = this.data.toString('utf8', this.lineStart, position).length + 1;
    const line = this.line;
    const found =
      position < this.end && this.data[position] !== LF && this.data[position] !== CR
        ? ` (found ${describeByte(this.data[position])})`
        : ' (found the end of the line)';
    throw new RdfSyntaxError(`${this.source}:${line}:${column}: ${message}${found}`, {
      file: this.source,
      line,
      column,
    });
  }

  /** Finds the first line of `segment` with invalid UTF-8 and throws for it. */
  private failInvalidUtf8(segment: Buffer): never {
    let line = this.line;
    let lineStart = 0;
    for (let i = 0; i <= segment.length; i++) {
      const c = i < segment.length ? segment[i] : LF;
      if (c !== LF && c !== CR) continue;
      if (!isUtf8(segment.subarray(lineStart, i))) break;
      if (c === CR && segment[i + 1] === LF) i++;
      line++;
      lineStart = i + 1;
    }
    throw new RdfSyntaxError(`${this.source}:${line}: Invalid UTF-8 data on this line`, {
      file: this.source,
      line,
    });
  }
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
