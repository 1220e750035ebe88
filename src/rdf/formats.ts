/**
 * The RDF serialisation formats the engine reads and writes, and how to recognise them from a
 * file name or an HTTP media type.
 */
import { InvalidArgumentError } from '../errors.js';

export type RdfFormat = 'turtle' | 'trig' | 'ntriples' | 'nquads';

export const RDF_FORMATS: readonly RdfFormat[] = ['turtle', 'trig', 'ntriples', 'nquads'];

/** The format name that n3's Parser and Writer take in their `format` option. */
export const N3_FORMAT_NAMES: Record<RdfFormat, string> = {
  turtle: 'Turtle',
  trig: 'TriG',
  ntriples: 'N-Triples',
  nquads: 'N-Quads',
};

/** The registered media type of each format. */
export const RDF_MEDIA_TYPES: Record<RdfFormat, string> = {
  turtle: 'text/turtle',
  trig: 'application/trig',
  ntriples: 'application/n-triples',
  nquads: 'application/n-quads',
};

const EXTENSIONS: Record<string, RdfFormat> = {
  '.ttl': 'turtle',
  '.turtle': 'turtle',
  '.trig': 'trig',
  '.nt': 'ntriples',
  '.ntriples': 'ntriples',
  '.nq': 'nquads',
  '.nquads': 'nquads',
};

const MEDIA_TYPES: Record<string, RdfFormat> = {
  'text/turtle': 'turtle',
  'application/x-turtle': 'turtle',
  'application/trig': 'trig',
  'application/n-triples': 'ntriples',
  'application/n-quads': 'nquads',
  'text/x-nquads': 'nquads',
};

/** The format of a file and whether it is gzip-compressed, both read from its name. */
export interface FileFormat {
  readonly format: RdfFormat;
  readonly gzip: boolean;
}

/**
 * Returns the format of a file from its extension (case-insensitive), which may be followed by
 * `.gz`. Throws InvalidArgumentError for any other extension.
 */
export function formatFromFileName(path: string): FileFormat {
  let name = path.toLowerCase();
  const gzip = name.endsWith('.gz');
  if (gzip) name = name.slice(0, -'.gz'.length);

  const dot = name.lastIndexOf('.');
  const format = dot < 0 ? undefined : EXTENSIONS[name.slice(dot)];
  if (format === undefined) {
    const accepted = Object.keys(EXTENSIONS).join(' ');
    throw new InvalidArgumentError(
      `Cannot tell the RDF format of ${path} from its extension; ` +
        `accepted extensions are ${accepted}, each optionally followed by .gz`,
    );
  }
  return { format, gzip };
}

/**
 * Returns the format of an HTTP Content-Type value, ignoring parameters such as charset, or
 * undefined for a media type that is not an RDF format this module reads.
 */
export function formatFromMediaType(contentType: string | undefined): RdfFormat | undefined {
  if (contentType === undefined) return undefined;
  const semicolon = contentType.indexOf(';');
  const essence = (semicolon < 0 ? contentType : contentType.slice(0, semicolon))
    .trim()
    .toLowerCase();
  return Object.hasOwn(MEDIA_TYPES, essence) ? MEDIA_TYPES[essence] : undefined;
}

/** Returns true for the formats that can carry named graphs (TriG and N-Quads). */
export function formatHasGraphs(format: RdfFormat): boolean {
  return format === 'trig' || format === 'nquads';
}
