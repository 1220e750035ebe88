/**
 * Lexical forms of the XSD datatypes that OWL 2 RL supports, for dt-not-type: a literal whose
 * lexical form is outside its datatype's lexical space makes the data inconsistent. Only the
 * datatypes below are checked. Per RDF 1.1, lexical forms are matched as written, without
 * trimming whitespace.
 */
import { XSD } from '../rdf/terms.js';

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const FLOATING = /^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN)$/;
const BOOLEAN = /^(true|false|1|0)$/;
const TIMEZONE = '(Z|[+-]((0\\d|1[0-3]):[0-5]\\d|14:00))';
const DATE = `-?([1-9]\\d{4,}|\\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])`;
const TIME = '(([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d+)?|24:00:00(\\.0+)?)';
const DATE_TIME = new RegExp(`^${DATE}T${TIME}${TIMEZONE}?$`);
const DATE_TIME_STAMP = new RegExp(`^${DATE}T${TIME}${TIMEZONE}$`);

/** Inclusive bounds of the integer types derived from xsd:integer. */
const INTEGER_BOUNDS: Record<string, [bigint | undefined, bigint | undefined]> = {
  integer: [undefined, undefined],
  nonNegativeInteger: [0n, undefined],
  positiveInteger: [1n, undefined],
  nonPositiveInteger: [undefined, 0n],
  negativeInteger: [undefined, -1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  short: [-32768n, 32767n],
  byte: [-128n, 127n],
  unsignedLong: [0n, 2n ** 64n - 1n],
  unsignedInt: [0n, 2n ** 32n - 1n],
  unsignedShort: [0n, 65535n],
  unsignedByte: [0n, 255n],
};

/**
 * Returns whether `lexical` is in the lexical space of `datatype` (an IRI), or undefined when
 * the datatype is not one this module checks.
 */
export function isValidLexicalForm(datatype: string, lexical: string): boolean | undefined {
  if (!datatype.startsWith(XSD)) return undefined;
  const name = datatype.slice(XSD.length);
  const bounds = INTEGER_BOUNDS[name];
  if (bounds !== undefined) {
    if (!INTEGER.test(lexical)) return false;
    const value = BigInt(lexical);
    return (
      (bounds[0] === undefined || value >= bounds[0]) &&
      (bounds[1] === undefined || value <= bounds[1])
    );
  }
  switch (name) {
    case 'decimal':
      return DECIMAL.test(lexical);
    case 'double':
    case 'float':
      return FLOATING.test(lexical);
    case 'boolean':
      return BOOLEAN.test(lexical);
    case 'dateTime':
      return DATE_TIME.test(lexical) && hasValidDay(lexical);
    case 'dateTimeStamp':
      return DATE_TIME_STAMP.test(lexical) && hasValidDay(lexical);
    default:
      return undefined;
  }
}

/** Checks the day against its month (and February against leap years) in a matched dateTime. */
function hasValidDay(lexical: string): boolean {
  const match = /^(-?\d+)-(\d\d)-(\d\d)/.exec(lexical)!;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/**
 * Splits a typed-literal term key (`"lex"^^datatype`) into its parts; undefined for other keys
 * (IRIs, blank nodes, plain and language-tagged literals).
 */
export function typedLiteralParts(key: string): { lexical: string; datatype: string } | undefined {
  if (key.charCodeAt(0) !== 0x22) return undefined;
  const end = key.lastIndexOf('"^^');
  if (end <= 0) return undefined;
  return { lexical: key.slice(1, end), datatype: key.slice(end + 3) };
}
