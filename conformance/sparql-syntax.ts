/**
 * Runs SPARQL syntax tests through the engine's parseQuery and parseUpdate.
 */
import { SparqlSyntaxError, UnsupportedFeatureError } from '../src/errors.js';
import { parseQuery, parseUpdate } from '../src/sparql/index.js';
import { MF, readTestFile, type ManifestEntry } from './manifest.js';
import { failed, messageOf, PASSED, skipped, type Outcome } from './outcome.js';

const POSITIVE_QUERY = new Set([`${MF}PositiveSyntaxTest`, `${MF}PositiveSyntaxTest11`]);
const NEGATIVE_QUERY = new Set([`${MF}NegativeSyntaxTest`, `${MF}NegativeSyntaxTest11`]);
const POSITIVE_UPDATE = `${MF}PositiveUpdateSyntaxTest11`;
const NEGATIVE_UPDATE = `${MF}NegativeUpdateSyntaxTest11`;

export function isQuerySyntaxTest(entry: ManifestEntry): boolean {
  return entry.types.some((type) => POSITIVE_QUERY.has(type) || NEGATIVE_QUERY.has(type));
}

export function isUpdateSyntaxTest(entry: ManifestEntry): boolean {
  return entry.types.some((type) => type === POSITIVE_UPDATE || type === NEGATIVE_UPDATE);
}

/**
 * Parses the action with parseQuery. A positive test passes when it parses and is skipped when
 * parseQuery throws UnsupportedFeatureError. A negative test passes only on SparqlSyntaxError.
 */
export function runQuerySyntaxTest(entry: ManifestEntry): Outcome {
  if (entry.action === undefined) return failed('the manifest entry has no mf:action');
  const iri = entry.action.value;
  const positive = entry.types.some((type) => POSITIVE_QUERY.has(type));
  try {
    parseQuery(readTestFile(iri), iri);
  } catch (error) {
    if (positive) {
      if (error instanceof UnsupportedFeatureError) return skipped(`unsupported: ${error.feature}`);
      return failed(`valid query rejected: ${messageOf(error)}`);
    }
    if (error instanceof SparqlSyntaxError) return PASSED;
    return failed(`invalid query raised ${messageOf(error)} instead of SparqlSyntaxError`);
  }
  return positive ? PASSED : failed('invalid query accepted');
}

/** Parses the action with parseUpdate: a positive test passes when it parses, a negative one when it throws. */
export function runUpdateSyntaxTest(entry: ManifestEntry): Outcome {
  if (entry.action === undefined) return failed('the manifest entry has no mf:action');
  const iri = entry.action.value;
  const positive = entry.types.includes(POSITIVE_UPDATE);
  try {
    parseUpdate(readTestFile(iri), iri);
  } catch (error) {
    if (!positive) return PASSED;
    if (error instanceof UnsupportedFeatureError) return skipped(error.message);
    return failed(`valid update rejected: ${messageOf(error)}`);
  }
  return positive ? PASSED : failed('invalid update accepted');
}
