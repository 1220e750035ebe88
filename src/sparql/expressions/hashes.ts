/**
 * The hash functions MD5, SHA1, SHA256, SHA384 and SHA512 (SPARQL 1.1 section 17.4.6):
 * lowercase hex digests of the UTF-8 bytes of a simple literal or xsd:string.
 */
import { createHash } from 'node:crypto';
import { ExpressionError } from '../../errors.js';
import { XSD_STRING } from '../../rdf/terms.js';
import { isSimpleString, literalValue, type Value } from './values.js';

/** SPARQL hash function names as sparqljs spells them, with node:crypto's algorithm names. */
const ALGORITHMS = {
  md5: 'md5',
  sha1: 'sha1',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
} as const;

export type HashFunction = keyof typeof ALGORITHMS;

export const HASH_FUNCTIONS: readonly HashFunction[] = Object.keys(ALGORITHMS) as HashFunction[];

/** Hashes a simple literal or xsd:string; a language-tagged or other literal is an error. */
export function hashValue(fn: HashFunction, v: Value): Value {
  if (!isSimpleString(v)) {
    throw new ExpressionError(
      `${fn.toUpperCase()} expects a simple literal or xsd:string, got ${v.key}`,
    );
  }
  const digest = createHash(ALGORITHMS[fn]).update(v.value, 'utf8').digest('hex');
  return literalValue(digest, XSD_STRING);
}
