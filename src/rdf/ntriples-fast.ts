/**
 * Fast N-Triples and N-Quads loading: parses files (gzip-compressed or not) and in-memory
 * documents into term keys, the strings the dictionary interns (see terms.ts), without
 * building RDF/JS terms. NQuadsParser in ntriples-parser.ts does the parsing.
 */
import { createReadStream } from 'node:fs';
import { addAbortSignal, pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

import { KgError, NotFoundError, RdfSyntaxError } from '../errors.js';
import type { RdfFormat } from './formats.js';
import { ProgressReporter } from './parse.js';
import {
  KEY_SINK,
  NQuadsParser,
  type NQuadsParserOptions,
  type QuadHandler,
  type QuadKeyHandler,
  type TermSink,
} from './ntriples-parser.js';

export {
  KEY_SINK,
  NQuadsParser,
  type NQuadsParserOptions,
  type QuadHandler,
  type QuadKeyHandler,
  type TermSink,
};

/** A term dictionary that the parser can intern into directly; MemoryDictionary is one. */
export interface KeyInterner {
  intern(key: string): number;
  /**
   * Interns the key made of the ASCII bytes from `start` to `end`; `hash`, when given, is the
   * key's hash as store/key-hash.ts computes it.
   */
  internAscii(bytes: Buffer, start: number, end: number, hash?: number): number;
}

/**
 * Returns a sink that interns every term into `dictionary` and hands the parser's handler
 * term ids. ASCII keys already in the dictionary cost no string allocation.
 */
export function internSink(dictionary: KeyInterner): TermSink<number> {
  return {
    fromBytes: (bytes, start, end, ascii, hash) =>
      ascii
        ? dictionary.internAscii(bytes, start, end, hash)
        : dictionary.intern(bytes.toString('utf8', start, end)),
    fromString: (key) => dictionary.intern(key),
  };
}

export interface ParseNQuadsFileOptions<T = string> {
  format: Extract<RdfFormat, 'ntriples' | 'nquads'>;
  /** True for gzip-compressed files; default: the file name ends in `.gz`. */
  gzip?: boolean;
  blankNodePrefix?: string;
  /** Turns keys into the values `onQuad` receives; default the key strings themselves. */
  sink?: TermSink<T>;
  signal?: AbortSignal;
  /**
   * Receives the number of file bytes read so far (compressed bytes for gzip input), at most
   * once per 100 ms while reading and once more at the end.
   */
  onProgress?: (bytesRead: number) => void;
}

/** Read size; 64 KiB chunks keep the per-chunk overhead small next to the parsing work. */
const CHUNK_SIZE = 64 * 1024;

/**
 * Parses an N-Triples or N-Quads file, gzip-compressed when its name ends in `.gz`, calling
 * `onQuad` with the terms of every statement (key strings unless `options.sink` makes other
 * values), and returns the number of statements. Throws
 * NotFoundError for a missing file, RdfSyntaxError for malformed input (including invalid gzip
 * or UTF-8 data), and the signal's reason once the signal aborts.
 */
export async function parseNQuadsFile<T = string>(
  path: string,
  onQuad: QuadHandler<T>,
  options: ParseNQuadsFileOptions<T>,
): Promise<number> {
  const gzip = options.gzip ?? path.toLowerCase().endsWith('.gz');
  const input = createReadStream(path, { highWaterMark: CHUNK_SIZE });
  const parser = new NQuadsParser<T>(
    { format: options.format, source: path, blankNodePrefix: options.blankNodePrefix },
    onQuad,
    options.sink ?? (KEY_SINK as unknown as TermSink<T>),
  );
  const progress = new ProgressReporter(options.onProgress);
  let bytes: Readable = input;
  if (gzip) {
    input.on('data', (chunk: Buffer | string) => progress.add(chunk.length));
    bytes = pipeline(input, createGunzip({ chunkSize: CHUNK_SIZE }), () => {
      // Errors reach the loop below through the gunzip stream, which pipeline destroys.
    });
  }
  if (options.signal !== undefined) addAbortSignal(options.signal, bytes);

  try {
    for await (const chunk of bytes as AsyncIterable<Buffer>) {
      options.signal?.throwIfAborted();
      if (!gzip) progress.add(chunk.length);
      parser.write(chunk);
    }
    parser.finish();
  } catch (error) {
    // Aborting destroys the stream with a generic AbortError, so the caller's reason is rethrown.
    if (options.signal?.aborted === true) throw options.signal.reason;
    throw toParseError(error, path);
  } finally {
    input.destroy();
  }
  progress.finish();
  return parser.quadCount;
}

/**
 * Parses a whole N-Triples or N-Quads document held in memory, calling `onQuad` per statement,
 * and returns the number of statements.
 */
export function parseNQuads(
  input: string | Uint8Array,
  options: NQuadsParserOptions,
  onQuad: QuadKeyHandler,
): number {
  const parser = new NQuadsParser(options, onQuad);
  parser.write(typeof input === 'string' ? Buffer.from(input, 'utf8') : input);
  return parser.finish();
}

/** Wraps stream failures (missing file, bad gzip data) in the engine's error classes. */
function toParseError(error: unknown, source: string): unknown {
  if (error instanceof KgError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new NotFoundError(`RDF file not found: ${source}`);
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code === 'Z_NEED_DICT') {
    const reason = (error as Error).message;
    return new RdfSyntaxError(`${source}: Invalid gzip data (${reason})`, { file: source }, error);
  }
  return error;
}
