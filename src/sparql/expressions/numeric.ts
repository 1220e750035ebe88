/**
 * XSD numerics for SPARQL: integer and decimal as exact scaled bigints, float and double as
 * IEEE numbers, with XPath's type promotion (integer < decimal < float < double).
 */
import { ExpressionError } from '../../errors.js';
import { XSD } from '../../rdf/terms.js';

export const XSD_INTEGER = `${XSD}integer`;
export const XSD_DECIMAL = `${XSD}decimal`;
export const XSD_FLOAT = `${XSD}float`;
export const XSD_DOUBLE = `${XSD}double`;

/** Promotion rank: 0 integer, 1 decimal, 2 float, 3 double. */
export type NumericRank = 0 | 1 | 2 | 3;

/**
 * A number. For ranks 0 and 1 the value is exactly `unscaled / 10^scale` and `float` is
 * unused. For ranks 2 and 3 the value is `float`.
 */
export interface NumericValue {
  readonly rank: NumericRank;
  readonly unscaled: bigint;
  readonly scale: number;
  readonly float: number;
}

/** Derived integer types with their inclusive bounds (undefined: unbounded on that side). */
const INTEGER_TYPES = new Map<string, [bigint | undefined, bigint | undefined]>([
  ['integer', [undefined, undefined]],
  ['nonPositiveInteger', [undefined, 0n]],
  ['negativeInteger', [undefined, -1n]],
  ['nonNegativeInteger', [0n, undefined]],
  ['positiveInteger', [1n, undefined]],
  ['long', [-(2n ** 63n), 2n ** 63n - 1n]],
  ['int', [-(2n ** 31n), 2n ** 31n - 1n]],
  ['short', [-32768n, 32767n]],
  ['byte', [-128n, 127n]],
  ['unsignedLong', [0n, 2n ** 64n - 1n]],
  ['unsignedInt', [0n, 2n ** 32n - 1n]],
  ['unsignedShort', [0n, 65535n]],
  ['unsignedByte', [0n, 255n]],
]);

const INTEGER_LEXICAL = /^[+-]?\d+$/;
const DECIMAL_LEXICAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const FLOAT_LEXICAL = /^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN)$/;

/** True when the datatype IRI is xsd:decimal, xsd:float, xsd:double or an integer type. */
export function isNumericDatatype(datatype: string): boolean {
  if (!datatype.startsWith(XSD)) return false;
  const local = datatype.slice(XSD.length);
  return INTEGER_TYPES.has(local) || local === 'decimal' || local === 'float' || local === 'double';
}

/** Parses a numeric literal; returns null for other datatypes and for ill-typed lexical forms. */
export function parseNumeric(lexical: string, datatype: string): NumericValue | null {
  if (!datatype.startsWith(XSD)) return null;
  const local = datatype.slice(XSD.length);
  const text = lexical.trim();
  const bounds = INTEGER_TYPES.get(local);
  if (bounds !== undefined) {
    if (!INTEGER_LEXICAL.test(text)) return null;
    const n = BigInt(text);
    if ((bounds[0] !== undefined && n < bounds[0]) || (bounds[1] !== undefined && n > bounds[1])) {
      return null;
    }
    return exact(0, n, 0);
  }
  if (local === 'decimal') return DECIMAL_LEXICAL.test(text) ? parseDecimal(text) : null;
  if (local === 'float' || local === 'double') {
    if (!FLOAT_LEXICAL.test(text)) return null;
    let n = Number(text);
    if (text.endsWith('INF')) n = text.startsWith('-') ? -Infinity : Infinity;
    return local === 'float' ? floating(2, Math.fround(n)) : floating(3, n);
  }
  return null;
}

function parseDecimal(text: string): NumericValue {
  const negative = text.startsWith('-');
  const body = text.replace(/^[+-]/, '');
  const [whole = '', fraction = ''] = body.split('.');
  const unscaled = BigInt((whole === '' ? '0' : whole) + fraction);
  return normalise(1, negative ? -unscaled : unscaled, fraction.length);
}

function exact(rank: 0 | 1, unscaled: bigint, scale: number): NumericValue {
  return { rank, unscaled, scale, float: 0 };
}

function floating(rank: 2 | 3, n: number): NumericValue {
  return { rank, unscaled: 0n, scale: 0, float: rank === 2 ? Math.fround(n) : n };
}

/** Strips trailing decimal zeros so that equal decimals have one representation. */
function normalise(rank: 0 | 1, unscaled: bigint, scale: number): NumericValue {
  let u = unscaled;
  let s = scale;
  while (s > 0 && u % 10n === 0n) {
    u /= 10n;
    s--;
  }
  return exact(rank, u, s);
}

export function integerNumeric(n: bigint): NumericValue {
  return exact(0, n, 0);
}

/** Returns the xsd:decimal `unscaled / 10^scale`. */
export function decimalNumeric(unscaled: bigint, scale: number): NumericValue {
  return normalise(1, unscaled, scale);
}

export function doubleNumeric(n: number): NumericValue {
  return floating(3, n);
}

/** Returns -1, 0 or 1 as `a` is below, equal to or above `b`. */
export function compareNumbers(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/** Returns the number as a JS double (lossy for big integers and long decimals). */
export function toDouble(v: NumericValue): number {
  if (v.rank >= 2) return v.float;
  return v.scale === 0 ? Number(v.unscaled) : Number(`${v.unscaled}e-${v.scale}`);
}

function rescale(v: NumericValue, scale: number): bigint {
  return v.unscaled * 10n ** BigInt(scale - v.scale);
}

/** Compares two numbers: -1, 0, 1, or NaN when either is NaN. */
export function compareNumeric(a: NumericValue, b: NumericValue): number {
  if (a.rank >= 2 || b.rank >= 2) {
    const x = toDouble(a);
    const y = toDouble(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
    return compareNumbers(x, y);
  }
  const scale = Math.max(a.scale, b.scale);
  const x = rescale(a, scale);
  const y = rescale(b, scale);
  if (x < y) return -1;
  if (x > y) return 1;
  return 0;
}

/** Digits kept after the point when a decimal division does not terminate. */
const DIVISION_SCALE = 24;

export type ArithmeticOperator = '+' | '-' | '*' | '/';

/** Applies a binary arithmetic operator with XPath promotion; throws on decimal division by 0. */
export function arithmetic(op: ArithmeticOperator, a: NumericValue, b: NumericValue): NumericValue {
  const rank = Math.max(a.rank, b.rank) as NumericRank;
  if (rank >= 2) {
    const x = toDouble(a);
    const y = toDouble(b);
    return floating(rank as 2 | 3, applyFloating(op, x, y));
  }
  if (op === '/') {
    if (b.unscaled === 0n) throw new ExpressionError('Division by zero');
    const scale = Math.max(a.scale, b.scale);
    const numerator = rescale(a, scale) * 10n ** BigInt(DIVISION_SCALE);
    // XPath: integer division by '/' yields an xsd:decimal.
    return normalise(1, numerator / rescale(b, scale), DIVISION_SCALE);
  }
  if (op === '*') return normalise(rank as 0 | 1, a.unscaled * b.unscaled, a.scale + b.scale);
  const scale = Math.max(a.scale, b.scale);
  const x = rescale(a, scale);
  const y = rescale(b, scale);
  return normalise(rank as 0 | 1, op === '+' ? x + y : x - y, scale);
}

function applyFloating(op: ArithmeticOperator, x: number, y: number): number {
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return x / y;
  }
}

export function negate(v: NumericValue): NumericValue {
  return v.rank >= 2
    ? floating(v.rank as 2 | 3, -v.float)
    : exact(v.rank as 0 | 1, -v.unscaled, v.scale);
}

/** Rounding modes of ABS/CEIL/FLOOR/ROUND; ROUND goes half toward positive infinity. */
export type RoundingFunction = 'abs' | 'ceil' | 'floor' | 'round';

export function roundNumeric(fn: RoundingFunction, v: NumericValue): NumericValue {
  if (v.rank >= 2) {
    const x = v.float;
    const r =
      fn === 'abs'
        ? Math.abs(x)
        : fn === 'ceil'
          ? Math.ceil(x)
          : fn === 'floor'
            ? Math.floor(x)
            : Math.round(x);
    return floating(v.rank as 2 | 3, r);
  }
  if (fn === 'abs')
    return exact(v.rank as 0 | 1, v.unscaled < 0n ? -v.unscaled : v.unscaled, v.scale);
  if (v.scale === 0) return v;
  const unit = 10n ** BigInt(v.scale);
  let result: bigint;
  if (fn === 'floor') result = floorDivide(v.unscaled, unit);
  else if (fn === 'ceil') result = -floorDivide(-v.unscaled, unit);
  else result = floorDivide(v.unscaled * 2n + unit, unit * 2n);
  return exact(v.rank as 0 | 1, result, 0);
}

/** Integer division rounding toward negative infinity (bigint `/` truncates toward zero). */
function floorDivide(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d < 0n ? q - 1n : q;
}

/** Returns the datatype IRI of a result of the given rank. */
export function datatypeOfRank(rank: NumericRank): string {
  return [XSD_INTEGER, XSD_DECIMAL, XSD_FLOAT, XSD_DOUBLE][rank]!;
}

/** Formats a number in the canonical lexical form of its type. */
export function formatNumeric(v: NumericValue): string {
  if (v.rank === 2) return formatDouble(v.float, shortestFloatDigits(v.float));
  if (v.rank === 3) return formatDouble(v.float);
  const negative = v.unscaled < 0n;
  const digits = (negative ? -v.unscaled : v.unscaled).toString();
  if (v.rank === 0) return (negative ? '-' : '') + digits;
  // XML Schema 1.1 canonical decimals: no point for integral values, else no trailing zeros.
  if (v.scale === 0) return (negative ? '-' : '') + digits;
  const padded = digits.padStart(v.scale + 1, '0');
  const whole = padded.slice(0, padded.length - v.scale);
  const fraction = padded.slice(padded.length - v.scale);
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/**
 * Formats a number as XPath 3.1 casts it to xs:string: float and double values from 1e-6 to
 * below 1e6 (and zero) in plain decimal notation, other ones in canonical E notation.
 */
export function formatNumericAsString(v: NumericValue): string {
  if (v.rank < 2) return formatNumeric(v);
  const n = v.float;
  const magnitude = Math.abs(n);
  if (!Number.isFinite(n) || (magnitude !== 0 && (magnitude < 1e-6 || magnitude >= 1e6))) {
    return formatNumeric(v);
  }
  if (magnitude === 0) return Object.is(n, -0) ? '-0' : '0';
  const digits = v.rank === 2 ? shortestFloatDigits(n) : undefined;
  return String(digits === undefined ? n : Number(n.toPrecision(digits)));
}

/** Returns the fewest significant digits that read back as the same 32-bit float. */
function shortestFloatDigits(n: number): number | undefined {
  if (!Number.isFinite(n) || n === 0) return undefined;
  for (let digits = 1; digits < 9; digits++) {
    if (Math.fround(Number(n.toPrecision(digits))) === n) return digits;
  }
  return 9;
}

/**
 * Formats a double (or float) as XML Schema's canonical form: a mantissa with one leading
 * digit, E, and the exponent. `digits` limits the significant digits; by default JavaScript's
 * shortest round-trip form for doubles is used.
 */
export function formatDouble(n: number, digits?: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'INF';
  if (n === -Infinity) return '-INF';
  if (n === 0) return Object.is(n, -0) ? '-0.0E0' : '0.0E0';
  const exponential = digits === undefined ? n.toExponential() : n.toExponential(digits - 1);
  const [rawMantissa = '', exponent = ''] = exponential.split('e');
  const mantissa = rawMantissa.includes('.')
    ? rawMantissa.replace(/0+$/, '').replace(/\.$/, '')
    : rawMantissa;
  const withPoint = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${withPoint}E${exponent.replace('+', '')}`;
}

/** Converts a number to an integer by truncation; throws for NaN and infinities. */
export function truncateToInteger(v: NumericValue): NumericValue {
  if (v.rank >= 2) {
    if (!Number.isFinite(v.float))
      throw new ExpressionError(`Cannot cast ${v.float} to xsd:integer`);
    return exact(0, BigInt(Math.trunc(v.float)), 0);
  }
  return exact(0, v.unscaled / 10n ** BigInt(v.scale), 0);
}

/** Converts a number to an exact decimal; throws for NaN and infinities. */
export function toDecimal(v: NumericValue): NumericValue {
  if (v.rank < 2) return exact(1, v.unscaled, v.scale);
  if (!Number.isFinite(v.float)) throw new ExpressionError(`Cannot cast ${v.float} to xsd:decimal`);
  if (Math.abs(v.float) >= 1e21) return exact(1, BigInt(v.float), 0);
  const text = v.float.toFixed(20).replace(/0+$/, '');
  return parseDecimal(text.endsWith('.') ? `${text}0` : text);
}

export function toFloating(v: NumericValue, rank: 2 | 3): NumericValue {
  return floating(rank, toDouble(v));
}
