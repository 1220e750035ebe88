/**
 * Streaming parsers for Turtle, TriG, N-Triples and N-Quads on top of n3's Parser, with syntax
 * errors located by file, line and column.
 *
 * Columns are 1-based and count UTF-16 code units, as n3's tokens and most editors do. n3 gives
 * the column of the offending token for grammar errors, but only the line for lexical errors
 * (bad escapes, unterminated literals), so the parser keeps the most recent decoded text and
 * finds the column in it.
 */
import type * as RDF from '@rdfjs/types';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { addAbortSignal, pipeline, type Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { TextDecoder } from 'node:util';
import { createGunzip } from 'node:zlib';
import { Parser } from 'n3';

import { KgError, NotFoundError, RdfSyntaxError } from '../errors.js';
import { formatFromFileName, N3_FORMAT_NAMES, type RdfFormat } from './formats.js';

export interface ParseOptions {
  format: RdfFormat;
  /** Base IRI for relative IRIs in Turtle and TriG; without it a relative IRI is an error. */
  baseIri?: string;
  /** File name or other label that error messages and locations name. */
  source: string;
  /** True when the input bytes are gzip-compressed. */
  gzip?: boolean;
  signal?: AbortSignal;
  /**
   * Receives the number of input bytes read so far (compressed bytes for gzip input), at most
   * once per 100 ms while reading and once more at the end.
   */
  onProgress?: (bytesRead: number) => void;
}

export interface ParseFileOptions {
  /** Defaults to the format that the file extension names. */
  format?: RdfFormat;
  /** Defaults to the file's own `file://` URL for Turtle and TriG, as Jena's riot does. */
  baseIri?: string;
  signal?: AbortSignal;
  onProgress?: (bytesRead: number) => void;
}

const PROGRESS_INTERVAL_MS = 100;

/**
 * Decoded text kept for finding the column of a lexical error: at least this many UTF-16 code
 * units, in whole chunks, behind the newest chunk.
 */
// NOTE: a lexical error on a line that starts further back (inside a longer token) gets no column.
const RETAINED_TEXT_LENGTH = 1 << 20;

/** The parts of the error n3 raises that this module reads. */
interface N3Token {
  type: string;
  value: string;
  line: number;
  /** 0-based column of the first character, on `line`. */
  start: number;
  /** 0-based end-exclusive column, on `endLine` for multi-line tokens. */
  end: number;
  endLine?: number;
}

interface N3ErrorContext {
  token?: N3Token;
  line?: number;
  previousToken?: N3Token;
}

type N3Error = Error & { context?: N3ErrorContext };

/**
 * Parses RDF text from a byte stream, calling `onQuad` for every quad in document order, and
 * returns the number of quads. Throws RdfSyntaxError for malformed input (including invalid
 * gzip or UTF-8 data), and the signal's reason once the signal aborts. Memory use does not
 * grow with the input, apart from what `onQuad` keeps and the longest token or line.
 */
export async function parseRdf(
  input: Readable,
  options: ParseOptions,
  onQuad: (quad: RDF.Quad) => void,
): Promise<number> {
  const progress = new ProgressReporter(options.onProgress);
  let bytes: Readable = input;
  if (options.gzip === true) {
    input.on('data', (chunk: Buffer | string) => progress.add(byteLength(chunk)));
    // 64 KiB output chunks (zlib's default is 16 KiB) match fs read streams and cut per-chunk work.
    bytes = pipeline(input, createGunzip({ chunkSize: 64 * 1024 }), () => {
      // Errors reach the loop below through the gunzip stream, which pipeline destroys.
    });
  }
  if (options.signal !== undefined) addAbortSignal(options.signal, bytes);

  const parse = new ParseRun(options, onQuad);
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    for await (const chunk of bytes as AsyncIterable<Buffer | string>) {
      options.signal?.throwIfAborted();
      if (options.gzip !== true) progress.add(byteLength(chunk));
      const text = typeof chunk === 'string' ? chunk : decode(decoder, chunk, parse, options);
      parse.write(text);
    }
    parse.write(decode(decoder, undefined, parse, options));
    parse.end();
  } catch (error) {
    // Aborting destroys the stream with a generic AbortError, so the caller's reason is rethrown.
    if (options.signal?.aborted === true) throw options.signal.reason;
    throw toParseError(error, options.source);
  }

  progress.finish();
  return parse.quadCount;
}

/**
 * Parses an RDF file, gzip-compressed when its name ends in `.gz`, choosing the format from its
 * extension unless `options.format` is given. Throws NotFoundError for a missing file and
 * InvalidArgumentError for an unknown extension.
 */
export async function parseRdfFile(
  path: string,
  onQuad: (quad: RDF.Quad) => void,
  options: ParseFileOptions = {},
): Promise<number> {
  // An explicit format allows any file name, so only a .gz suffix is read from it.
  const named =
    options.format === undefined
      ? formatFromFileName(path)
      : { format: options.format, gzip: path.toLowerCase().endsWith('.gz') };
  const format = named.format;
  const baseIri =
    options.baseIri ??
    (format === 'turtle' || format === 'trig' ? pathToFileURL(resolve(path)).href : undefined);

  const input = createReadStream(path);
  try {
    return await parseRdf(
      input,
      {
        format,
        baseIri,
        source: path,
        gzip: named.gzip,
        signal: options.signal,
        onProgress: options.onProgress,
      },
      onQuad,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(`RDF file not found: ${path}`);
    }
    throw error;
  } finally {
    input.destroy();
  }
}

/** One document being parsed: the n3 parser fed chunk by chunk, and the text kept for errors. */
class ParseRun {
  quadCount = 0;
  readonly window = new TextWindow();
  private readonly options: ParseOptions;
  private failure: N3Error | undefined;
  private onData: (text: string) => void = () => {};
  private onEnd: () => void = () => {};

  constructor(options: ParseOptions, onQuad: (quad: RDF.Quad) => void) {
    this.options = options;
    const parser = new Parser({
      format: N3_FORMAT_NAMES[options.format],
      baseIRI: options.baseIri,
    });
    if (options.format === 'turtle' || options.format === 'trig')
      rejectRelativeIrisWithoutBase(parser);

    // n3 reads a stream through `on('data')` and `on('end')`. Feeding it from the read loop
    // keeps reading pull-based, and exceptions thrown by onQuad reach the caller.
    const feed = {
      on: (event: string, listener: (text?: string) => void) => {
        if (event === 'data') this.onData = listener;
        if (event === 'end') this.onEnd = listener;
      },
    };
    parser.parse(feed as unknown as NodeJS.ReadableStream, (error, quad) => {
      if (error) {
        this.failure ??= error as N3Error;
      } else if (quad) {
        this.quadCount++;
        onQuad(quad);
      }
    });
  }

  write(text: string): void {
    if (text.length === 0) return;
    this.window.push(text);
    this.onData(text);
    this.throwFailure();
  }

  end(): void {
    this.onEnd();
    this.throwFailure();
  }

  private throwFailure(): void {
    if (this.failure !== undefined) throw this.locate(this.failure);
  }

  /** Converts an n3 error into an RdfSyntaxError with file, line and column. */
  private locate(error: N3Error): RdfSyntaxError {
    const source = this.options.source;
    const context = error.context ?? {};
    const line = context.line ?? lineFromMessage(error.message);
    const detail = describe(error, this.options);
    if (line === undefined) {
      return new RdfSyntaxError(`${source}: ${detail}`, { file: source }, error);
    }
    const column = errorColumn(error.message, context, line, this.window.lineText(line));
    const where = column === undefined ? `${line}` : `${line}:${column}`;
    return new RdfSyntaxError(
      `${source}:${where}: ${detail}`,
      { file: source, line, column },
      error,
    );
  }
}

/**
 * Makes the parser raise "Invalid IRI" for a relative IRI while no base IRI is known, because
 * n3 otherwise passes it through unresolved. An `@base` in the document sets a base.
 * This relies on n3 2.x's private `_base` and `_resolveRelativeIRI` members, which n3 itself
 * replaces the same way for N-Triples.
 */
function rejectRelativeIrisWithoutBase(parser: Parser): void {
  const internals = parser as unknown as {
    _base?: string;
    _resolveRelativeIRI: (iri: string) => string | null;
  };
  const resolveRelative = internals._resolveRelativeIRI.bind(parser);
  internals._resolveRelativeIRI = (iri) => (internals._base ? resolveRelative(iri) : null);
}

/**
 * Returns the 1-based column of an n3 error. A grammar error names its token. A lexical error
 * sits at the first non-blank character after the previous token, or after the line's
 * indentation when the previous token ended on an earlier line.
 */
function errorColumn(
  message: string,
  context: N3ErrorContext,
  line: number,
  lineText: string | undefined,
): number | undefined {
  if (context.token !== undefined) return context.token.start + 1;

  const previous = context.previousToken;
  let position = 0;
  if (previous !== undefined && (previous.endLine ?? previous.line) === line)
    position = previous.end;
  if (lineText === undefined) return undefined;
  // The lexer names the non-blank text at the error; a marker such as "^^" may sit before it.
  const issue = /^Unexpected "(.+)" on line \d+\.$/s.exec(message)?.[1];
  const found = issue === undefined ? -1 : lineText.indexOf(issue, position);
  if (found >= 0) return found + 1;
  while (
    position < lineText.length &&
    (lineText[position] === ' ' || lineText[position] === '\t')
  ) {
    position++;
  }
  return position + 1;
}

/** Rewrites n3's message without its " on line N." suffix, adding a hint for common mistakes. */
function describe(error: N3Error, options: ParseOptions): string {
  const message = error.message.replace(/ on line \d+\.$/, '');
  const token = error.context?.token;
  const format = N3_FORMAT_NAMES[options.format];

  if (
    message === 'Invalid IRI' &&
    token !== undefined &&
    !/^[a-z][a-z0-9+.-]*:/i.test(token.value)
  ) {
    if (options.format === 'turtle' || options.format === 'trig') {
      return `Relative IRI <${token.value}> cannot be resolved because no base IRI is set; declare @base or pass a base IRI`;
    }
    return `Relative IRI <${token.value}> is not allowed in ${format}; write an absolute IRI`;
  }
  if (options.format === 'turtle' && (token?.type === '{' || token?.type === 'GRAPH')) {
    return `${message}: Turtle has no named graphs; use TriG (.trig) for them`;
  }
  if (options.format === 'ntriples' && message.startsWith('Expected punctuation to follow')) {
    return `${message}: N-Triples has no graph term; use N-Quads (.nq) for quads`;
  }
  return message;
}

function lineFromMessage(message: string): number | undefined {
  const match = / on line (\d+)\.$/.exec(message);
  return match === null ? undefined : Number(match[1]);
}

/** Decodes UTF-8, turning invalid bytes into an RdfSyntaxError after the last decoded line. */
function decode(
  decoder: TextDecoder,
  chunk: Buffer | undefined,
  parse: ParseRun,
  options: ParseOptions,
): string {
  try {
    return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
  } catch (error) {
    const line = parse.window.lineCount;
    throw new RdfSyntaxError(
      `${options.source}:${line}: Invalid UTF-8 data on or after this line`,
      { file: options.source, line },
      error,
    );
  }
}

/** Wraps stream failures (bad gzip data, read errors) so that they name the source. */
function toParseError(error: unknown, source: string): unknown {
  if (error instanceof KgError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code === 'Z_NEED_DICT') {
    const reason = (error as Error).message;
    return new RdfSyntaxError(`${source}: Invalid gzip data (${reason})`, { file: source }, error);
  }
  return error;
}

function byteLength(chunk: Buffer | string): number {
  return typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
}

/** Calls the progress callback with the byte count, at most once per PROGRESS_INTERVAL_MS. */
export class ProgressReporter {
  private bytes = 0;
  private lastReport = 0;
  private readonly callback: ((bytesRead: number) => void) | undefined;

  constructor(callback: ((bytesRead: number) => void) | undefined) {
    this.callback = callback;
  }

  add(count: number): void {
    this.bytes += count;
    if (this.callback === undefined) return;
    const now = Date.now();
    if (now - this.lastReport >= PROGRESS_INTERVAL_MS) {
      this.lastReport = now;
      this.callback(this.bytes);
    }
  }

  finish(): void {
    this.callback?.(this.bytes);
  }
}

/**
 * The most recent decoded text, in chunks, with the line number each chunk starts on. Line
 * breaks are LF, CR LF and a lone CR, counted as n3's lexer counts them.
 */
class TextWindow {
  private chunks: string[] = [];
  private firstLines: number[] = [];
  private retainedLength = 0;
  private nextLine = 1;
  private endsWithCr = false;
  private dropped = false;

  /** The number of the line that the next character starts or continues. */
  get lineCount(): number {
    return this.nextLine;
  }

  push(text: string): void {
    this.chunks.push(text);
    this.firstLines.push(this.nextLine);
    this.retainedLength += text.length;
    this.nextLine += countLineBreaks(text, this.endsWithCr);
    this.endsWithCr = text.charCodeAt(text.length - 1) === 0x0d;

    while (
      this.chunks.length > 2 &&
      this.retainedLength - this.chunks[0].length >= RETAINED_TEXT_LENGTH
    ) {
      this.retainedLength -= this.chunks[0].length;
      this.chunks.shift();
      this.firstLines.shift();
      this.dropped = true;
    }
  }

  /** Returns the text of a line without its line break, or undefined when it is no longer kept. */
  lineText(line: number): string | undefined {
    // The line starts in the last chunk that starts on an earlier line. A chunk starting on the
    // line itself may start in the middle of it.
    let first = this.dropped ? -1 : 0;
    for (let i = this.chunks.length - 1; i >= 0; i--) {
      if (this.firstLines[i] < line) {
        first = i;
        break;
      }
    }
    if (first < 0 || first >= this.chunks.length) return undefined;

    const lines = this.chunks
      .slice(first)
      .join('')
      .split(/\r\n|\r|\n/);
    return lines[line - this.firstLines[first]];
  }
}

/**
 * Counts line breaks in a chunk. An LF right after a CR that ended the previous chunk belongs to
 * that CR's line break.
 */
function countLineBreaks(text: string, previousEndsWithCr: boolean): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  // A CR that ended the previous chunk was counted there, so an LF right after it is no new break.
  if (previousEndsWithCr && text.charCodeAt(0) === 0x0a) count--;
  if (text.indexOf('\r') < 0) return count;

  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) {
    if (text.charCodeAt(i + 1) !== 0x0a) count++;
  }
  return count;
}
