/**
 * Character-level rules of the RDF 1.1 N-Triples and N-Quads grammars, on UTF-8 bytes: escape
 * sequences (ECHAR, UCHAR), blank node label characters, the absolute-IRI check and line
 * breaks.
 */

const BACKSLASH = 0x5c;
const LF = 0x0a;
const CR = 0x0d;

/** The characters that ECHAR escapes stand for, indexed by the byte after the backslash. */
const ECHAR_VALUES = new Map<number, string>([
  [0x74, '\t'],
  [0x62, '\b'],
  [0x6e, '\n'],
  [0x72, '\r'],
  [0x66, '\f'],
  [0x22, '"'],
  [0x27, "'"],
  [0x5c, '\\'],
]);

/**
 * Returns true when the byte after a backslash can start an escape: `u` or `U` in IRIs
 * (UCHAR), and also the ECHAR letters in string literals.
 */
export function isEscapeStart(c: number, literal: boolean): boolean {
  if (c === 0x75 || c === 0x55) return true;
  return literal && ECHAR_VALUES.has(c);
}

/**
 * Decodes the escapes in bytes `start` to `end` of valid UTF-8 data. Returns the decoded string,
 * or the byte position of the first invalid escape. UCHAR escapes must name a Unicode scalar
 * value (no surrogates, at most U+10FFFF), as n3 requires; `literal` also allows ECHAR.
 */
export function decodeEscapes(
  bytes: Buffer,
  start: number,
  end: number,
  literal: boolean,
): string | number {
  const parts: string[] = [];
  let runStart = start;
  let i = bytes.indexOf(BACKSLASH, start);
  while (i >= 0 && i < end) {
    if (i > runStart) parts.push(bytes.toString('utf8', runStart, i));
    const kind = i + 1 < end ? bytes[i + 1] : -1;
    let next: number;
    if (kind === 0x75 || kind === 0x55) {
      const digits = kind === 0x75 ? 4 : 8;
      const codePoint = readHex(bytes, i + 2, i + 2 + digits, end);
      if (codePoint < 0 || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
        return i;
      }
      parts.push(String.fromCodePoint(codePoint));
      next = i + 2 + digits;
    } else {
      const value = literal ? ECHAR_VALUES.get(kind) : undefined;
      if (value === undefined) return i;
      parts.push(value);
      next = i + 2;
    }
    runStart = next;
    i = bytes.indexOf(BACKSLASH, next);
  }
  if (runStart < end) parts.push(bytes.toString('utf8', runStart, end));
  // join builds one flat string, where `+=` would leave a chain of rope nodes in the key.
  return parts.join('');
}

/** Returns the value of the hex digits from `start` to `stop`, or -1 when one is invalid. */
function readHex(bytes: Buffer, start: number, stop: number, end: number): number {
  if (stop > end) return -1;
  let value = 0;
  for (let i = start; i < stop; i++) {
    const c = bytes[i];
    let digit: number;
    if (c >= 0x30 && c <= 0x39) digit = c - 0x30;
    else if (c >= 0x41 && c <= 0x46) digit = c - 0x41 + 10;
    else if (c >= 0x61 && c <= 0x66) digit = c - 0x61 + 10;
    else return -1;
    // Eight digits can exceed 2^31, so this multiplies instead of shifting.
    value = value * 16 + digit;
  }
  return value;
}

/**
 * Returns the code point starting at byte `i` of valid UTF-8 data, or -1 at `end`. The caller
 * has validated the bytes, so continuation bytes are not checked again.
 */
export function readCodePoint(bytes: Uint8Array, i: number, end: number): number {
  if (i >= end) return -1;
  const c = bytes[i];
  if (c < 0x80) return c;
  if (c < 0xe0) return ((c & 0x1f) << 6) | (bytes[i + 1] & 0x3f);
  if (c < 0xf0) return ((c & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f);
  return (
    ((c & 0x07) << 18) |
    ((bytes[i + 1] & 0x3f) << 12) |
    ((bytes[i + 2] & 0x3f) << 6) |
    (bytes[i + 3] & 0x3f)
  );
}

/** PN_CHARS_BASE of the N-Triples grammar. */
function isNameBase(c: number): boolean {
  if (c < 0x80) return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  return (
    (c >= 0xc0 && c <= 0xd6) ||
    (c >= 0xd8 && c <= 0xf6) ||
    (c >= 0xf8 && c <= 0x2ff) ||
    (c >= 0x370 && c <= 0x37d) ||
    (c >= 0x37f && c <= 0x1fff) ||
    (c >= 0x200c && c <= 0x200d) ||
    (c >= 0x2070 && c <= 0x218f) ||
    (c >= 0x2c00 && c <= 0x2fef) ||
    (c >= 0x3001 && c <= 0xd7ff) ||
    (c >= 0xf900 && c <= 0xfdcf) ||
    (c >= 0xfdf0 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0xeffff)
  );
}

/** Returns true for the first character of a blank node label: PN_CHARS_U or a digit, not ":". */
export function isBlankLabelStart(c: number): boolean {
  return isNameBase(c) || c === 0x5f || (c >= 0x30 && c <= 0x39);
}

/** Returns true for PN_CHARS, the later characters of a blank node label apart from ".". */
export function isBlankLabelChar(c: number): boolean {
  return (
    isBlankLabelStart(c) ||
    c === 0x2d ||
    c === 0xb7 ||
    (c >= 0x300 && c <= 0x36f) ||
    (c >= 0x203f && c <= 0x2040)
  );
}

/**
 * Returns true when the bytes from `start` to `end` start with a scheme and ":", as an
 * absolute IRI does.
 */
export function hasScheme(bytes: Uint8Array, start: number, end: number): boolean {
  if (start >= end || !isAsciiLetter(bytes[start])) return false;
  for (let i = start + 1; i < end; i++) {
    const c = bytes[i];
    if (c === 0x3a) return true;
    if (!isSchemeChar(c)) return false;
  }
  return false;
}

/** Returns true when the bytes from `start` to `end` are the ASCII string `text`. */
export function bytesEqual(bytes: Uint8Array, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let i = 0; i < text.length; i++) {
    if (bytes[start + i] !== text.charCodeAt(i)) return false;
  }
  return true;
}

export function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isSchemeChar(c: number): boolean {
  return isAsciiLetter(c) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e;
}

/** Returns true when `iri` starts with a scheme and ":", as an absolute IRI does. */
export function isAbsoluteIriKey(iri: string): boolean {
  if (iri.length === 0 || !isAsciiLetter(iri.charCodeAt(0))) return false;
  for (let i = 1; i < iri.length; i++) {
    const c = iri.charCodeAt(i);
    if (c === 0x3a) return true;
    if (!isSchemeChar(c)) return false;
  }
  return false;
}

/**
 * Returns the index just past the first line break of `bytes`, or -1 when there is none yet.
 * A CR that ends the bytes is no complete line break, because an LF may follow in the next chunk.
 */
export function firstLineEnd(bytes: Buffer): number {
  const lf = bytes.indexOf(LF);
  const cr = bytes.indexOf(CR);
  if (cr < 0 || (lf >= 0 && lf < cr)) return lf < 0 ? -1 : lf + 1;
  if (cr + 1 >= bytes.length) return -1;
  return bytes[cr + 1] === LF ? cr + 2 : cr + 1;
}

/** Returns the number of UTF-8 bytes that encode `codePoint`. */
export function codePointLength(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

export function isAsciiDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Returns a byte as error messages show it: the character when printable ASCII, else hex. */
export function describeByte(c: number): string {
  if (c >= 0x21 && c < 0x7f) return `"${String.fromCharCode(c)}"`;
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}
