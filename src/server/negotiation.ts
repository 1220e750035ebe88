/**
 * HTTP content negotiation (RFC 9110, section 12.5.1) for SPARQL results and RDF graphs, plus
 * the short `format=` names that Fuseki accepts in a query string.
 */

/** SELECT and ASK results, the default first. */
export const RESULTS_OFFERED: readonly string[] = [
  'application/sparql-results+json',
  'application/sparql-results+xml',
  'text/csv',
  'text/tab-separated-values',
];

/** CONSTRUCT, DESCRIBE and Graph Store results, the default first. */
export const GRAPH_OFFERED: readonly string[] = [
  'text/turtle',
  'application/n-triples',
  'application/n-quads',
  'application/trig',
];

const SHORT_NAMES: Record<string, string> = {
  json: 'application/sparql-results+json',
  xml: 'application/sparql-results+xml',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  turtle: 'text/turtle',
  ttl: 'text/turtle',
  nt: 'application/n-triples',
  ntriples: 'application/n-triples',
  nquads: 'application/n-quads',
  nq: 'application/n-quads',
  trig: 'application/trig',
};

interface MediaRange {
  type: string;
  subtype: string;
  quality: number;
}

/**
 * Returns the media type of a `format=` query parameter: a short name (json, xml, csv, tsv,
 * turtle, ttl, nt, ntriples, nquads, nq, trig) or a full media type, or undefined for any
 * other value.
 */
export function formatFromQueryParameter(format: string): string | undefined {
  const name = format.trim().toLowerCase();
  if (Object.hasOwn(SHORT_NAMES, name)) return SHORT_NAMES[name];
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(name) ? name : undefined;
}

/**
 * Chooses the offered media type that an Accept header prefers. Each offered type takes the
 * quality of the most specific range that matches it (`type/subtype`, then `type/*`, then
 * `*\/*`); quality 0 excludes it. The highest quality wins, ties go to the more specific range
 * and then to the earlier offer. An absent or blank header selects `offered[0]`; undefined
 * means nothing offered is acceptable (HTTP 406). Media type parameters other than q are
 * ignored when matching.
 */
export function negotiate(
  accept: string | undefined,
  offered: readonly string[],
): string | undefined {
  if (accept === undefined || accept.trim() === '') return offered[0];
  const ranges = parseAccept(accept);

  let best: string | undefined;
  let bestQuality = 0;
  let bestSpecificity = -1;
  for (const candidate of offered) {
    const match = bestMatch(ranges, candidate);
    if (match === undefined || match.quality === 0) continue;
    if (
      match.quality > bestQuality ||
      (match.quality === bestQuality && match.specificity > bestSpecificity)
    ) {
      best = candidate;
      bestQuality = match.quality;
      bestSpecificity = match.specificity;
    }
  }
  return best;
}

/** Parses an Accept header; ranges with a malformed type or q value are skipped. */
function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of accept.split(',')) {
    const [mediaRange, ...parameters] = part.split(';');
    const [type, subtype, extra] = mediaRange.trim().toLowerCase().split('/');
    if (!type || !subtype || extra !== undefined || (type === '*' && subtype !== '*')) continue;

    let quality = 1;
    for (const parameter of parameters) {
      const [name, value] = parameter.split('=').map((text) => text.trim());
      if (name.toLowerCase() !== 'q') continue;
      quality = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(value ?? '') ? Number(value) : NaN;
    }
    if (!Number.isNaN(quality)) ranges.push({ type, subtype, quality });
  }
  return ranges;
}

/** Returns the quality and specificity (2 exact, 1 type/*, 0 *\/*) of the best range. */
function bestMatch(
  ranges: readonly MediaRange[],
  mediaType: string,
): { quality: number; specificity: number } | undefined {
  const [type, subtype] = mediaType.toLowerCase().split('/');
  let result: { quality: number; specificity: number } | undefined;
  for (const range of ranges) {
    let specificity: number;
    if (range.type === type && range.subtype === subtype) specificity = 2;
    else if (range.type === type && range.subtype === '*') specificity = 1;
    else if (range.type === '*') specificity = 0;
    else continue;
    if (result === undefined || specificity > result.specificity) {
      result = { quality: range.quality, specificity };
    }
  }
  return result;
}
