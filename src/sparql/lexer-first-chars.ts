/**
 * First-character analysis of lexer rules: which UTF-16 code units can start a match of a
 * regular expression. The dispatching lexer (lexer-dispatch.ts) uses it to try only the rules
 * that can match at the current input position.
 *
 * The analysis may over-approximate (list a character that cannot start a match), which only
 * costs speed, but it must never miss one. It reads the pattern's structure (alternation,
 * groups, quantifiers, anchors) itself. For each single-character atom (literal, escape, class
 * or `.`) it lets the regular expression engine find the ASCII characters the atom matches, so
 * escapes, ranges and case-insensitive matching mean exactly what they mean to the engine.
 * Syntax it does not model (lookaround, backreferences, word boundaries, legacy octal escapes,
 * flags other than `i`) raises UnsupportedPatternError, and the caller then keeps the stock
 * lexer.
 */

/** The code units that can start a match of a pattern, at the start of a non-empty input. */
export interface FirstChars {
  /** `ascii[c]` is true when the ASCII code unit `c` (0–127) can start a match. */
  readonly ascii: readonly boolean[];
  /** True when some code unit of 128 or more can start a match. */
  readonly nonAscii: boolean;
  /** True when the pattern can match the empty string at the start of a non-empty input. */
  readonly nullable: boolean;
  /** Maximum length of a match in code units; Infinity when it has no bound. */
  readonly maxLength: number;
}

/** Raised for pattern syntax or flags that the analysis does not model. */
export class UnsupportedPatternError extends Error {
  constructor(pattern: RegExp, reason: string) {
    super(`Cannot analyse the lexer rule ${String(pattern).slice(0, 60)}: ${reason}`);
    this.name = 'UnsupportedPatternError';
  }
}

const ASCII_SIZE = 128;

/**
 * Computes which code units can start a match of `pattern` at the start of a non-empty input.
 * Throws UnsupportedPatternError for syntax or flags outside the modelled subset.
 */
export function firstCharsOf(pattern: RegExp): FirstChars {
  if (!/^i?$/.test(pattern.flags)) {
    throw new UnsupportedPatternError(pattern, `flags "${pattern.flags}" are not modelled`);
  }
  const reader = new PatternReader(pattern);
  const result = reader.readDisjunction();
  if (!reader.atEnd()) throw reader.unsupported('unbalanced parenthesis');
  return result;
}

const EMPTY: FirstChars = {
  ascii: new Array<boolean>(ASCII_SIZE).fill(false),
  nonAscii: false,
  nullable: true,
  maxLength: 0,
};

/** Returns the first characters of either pattern, with the given nullable and maximum length. */
function union(a: FirstChars, b: FirstChars, nullable: boolean, maxLength: number): FirstChars {
  return {
    ascii: a.ascii.map((flag, code) => flag || b.ascii[code]!),
    nonAscii: a.nonAscii || b.nonAscii,
    nullable,
    maxLength,
  };
}

/** Recursive-descent reader over the source of one regular expression. */
class PatternReader {
  private readonly source: string;
  private position = 0;

  constructor(private readonly pattern: RegExp) {
    this.source = pattern.source;
  }

  atEnd(): boolean {
    return this.position >= this.source.length;
  }

  unsupported(reason: string): UnsupportedPatternError {
    return new UnsupportedPatternError(this.pattern, `${reason} at offset ${this.position}`);
  }

  /** Alternatives separated by `|`: a match can start like any of them. */
  readDisjunction(): FirstChars {
    let result = this.readAlternative();
    while (this.source[this.position] === '|') {
      this.position++;
      const next = this.readAlternative();
      const maxLength = Math.max(result.maxLength, next.maxLength);
      result = union(result, next, result.nullable || next.nullable, maxLength);
    }
    return result;
  }

  /**
   * Reads a sequence of terms: a match starts like the first term that cannot match empty, and
   * its length is at most the sum of the terms' maximum lengths.
   */
  private readAlternative(): FirstChars {
    let result = EMPTY;
    while (!this.atEnd() && this.source[this.position] !== '|') {
      if (this.source[this.position] === ')') break;
      const term = this.readTerm();
      const maxLength = result.maxLength + term.maxLength;
      if (result.nullable) result = union(result, term, term.nullable, maxLength);
      else result = { ...result, maxLength };
    }
    return result;
  }

  private readTerm(): FirstChars {
    const char = this.source[this.position]!;
    if (char === '^') {
      // Rules are matched at the start of the remaining input, where `^` succeeds. After a
      // consumed character it fails, so reading it as empty there only over-approximates.
      this.position++;
      return EMPTY;
    }
    if (char === '$') {
      // The input is not empty, so the end assertion fails before any character is read.
      this.position++;
      return { ...EMPTY, nullable: false };
    }
    const atom = char === '(' ? this.readGroup() : this.readCharacter();
    return this.readQuantifier(atom);
  }

  /**
   * Applies a following quantifier: one whose minimum is zero makes the term nullable, and the
   * maximum count multiplies the maximum length.
   */
  private readQuantifier(atom: FirstChars): FirstChars {
    const char = this.source[this.position];
    let minimum: number;
    let maximum: number;
    if (char === '*' || char === '?' || char === '+') {
      minimum = char === '+' ? 1 : 0;
      maximum = char === '?' ? 1 : Infinity;
      this.position++;
    } else if (char === '{') {
      const braces = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.position));
      // In a pattern without the u flag, a `{` that starts no quantifier is a literal.
      if (braces === null) return atom;
      minimum = Number(braces[1]);
      if (braces[2] === undefined) maximum = minimum;
      else maximum = braces[3] === '' ? Infinity : Number(braces[3]);
      this.position += braces[0].length;
    } else {
      return atom;
    }
    if (this.source[this.position] === '?') this.position++;
    // Zero times an unbounded count is still zero: an empty atom repeated matches nothing more.
    const maxLength = atom.maxLength === 0 ? 0 : atom.maxLength * maximum;
    return { ...atom, nullable: atom.nullable || minimum === 0, maxLength };
  }

  private readGroup(): FirstChars {
    const rest = this.source.slice(this.position);
    if (rest.startsWith('(?:')) {
      this.position += 3;
    } else if (rest.startsWith('(?')) {
      throw this.unsupported('lookaround or named group');
    } else {
      this.position += 1;
    }
    const inner = this.readDisjunction();
    if (this.source[this.position] !== ')') throw this.unsupported('missing )');
    this.position++;
    return inner;
  }

  /** Reads an atom that matches exactly one code unit and probes what it matches. */
  private readCharacter(): FirstChars {
    const start = this.position;
    const char = this.source[start]!;
    let nonAscii: boolean;
    if (char === '[') {
      nonAscii = this.skipClass();
    } else if (char === '\\') {
      nonAscii = this.skipEscape();
    } else if (char === ')' || char === '|' || '*+?'.includes(char)) {
      throw this.unsupported(`unexpected "${char}"`);
    } else {
      this.position++;
      nonAscii = char === '.' || char.charCodeAt(0) >= ASCII_SIZE;
    }
    const atomSource = this.source.slice(start, this.position);
    const ascii = probeAscii(atomSource, this.pattern.flags);
    return { ascii, nonAscii, nullable: false, maxLength: 1 };
  }

  /**
   * Skips an escape outside a class and returns whether it can match a code unit of 128 or
   * more. Escapes that are not one character (backreferences, word boundaries) are rejected.
   */
  private skipEscape(): boolean {
    const next = this.source[this.position + 1];
    if (next === undefined) throw this.unsupported('trailing backslash');
    if (/[1-9kbB]/.test(next)) throw this.unsupported(`escape \\${next}`);
    // Without the u flag, `\0` and the digits after it form one legacy octal escape.
    if (next === '0' && /[0-9]/.test(this.source[this.position + 2] ?? '')) {
      throw this.unsupported('octal escape');
    }
    // Without a control letter, `\c` is a backslash atom followed by a `c` atom.
    if (next === 'c' && !/[A-Za-z]/.test(this.source[this.position + 2] ?? '')) {
      throw this.unsupported('escape \\c without a control letter');
    }
    return this.skipEscapeBody();
  }

  /** Skips `\` and its body, and returns whether the escape can match a non-ASCII code unit. */
  private skipEscapeBody(): boolean {
    const rest = this.source.slice(this.position);
    const hex = /^\\(?:u([0-9A-Fa-f]{4})|x([0-9A-Fa-f]{2}))/.exec(rest);
    if (hex !== null) {
      this.position += hex[0].length;
      return parseInt(hex[1] ?? hex[2]!, 16) >= ASCII_SIZE;
    }
    const next = rest[1]!;
    if (next === 'c' && /^\\c[A-Za-z]/.test(rest)) {
      this.position += 3;
      return false;
    }
    this.position += 2;
    // \s, \S, \W and \D include non-ASCII code units; \d, \w and identity escapes do not.
    // A digit may start a legacy octal escape inside a class, up to \377, so it counts too.
    return /[sSWD0-9]/.test(next) || next.charCodeAt(0) >= ASCII_SIZE;
  }

  /**
   * Skips a character class and returns whether it can match a code unit of 128 or more: a
   * negated class can, and so can one with a non-ASCII member or range end.
   */
  private skipClass(): boolean {
    this.position++;
    let nonAscii = false;
    if (this.source[this.position] === '^') {
      nonAscii = true;
      this.position++;
    }
    for (;;) {
      const char = this.source[this.position];
      if (char === undefined) throw this.unsupported('unterminated class');
      if (char === ']') {
        this.position++;
        return nonAscii;
      }
      if (char === '\\') {
        if (this.skipEscapeBody()) nonAscii = true;
      } else {
        if (char.charCodeAt(0) >= ASCII_SIZE) nonAscii = true;
        this.position++;
      }
    }
  }
}

/** Probe results by atom source and flags, since the rules repeat the same classes. */
const probeCache = new Map<string, readonly boolean[]>();

/** Every ASCII code unit once, in order, so that a match's index is its code. */
const ALL_ASCII = String.fromCharCode(...Array.from({ length: ASCII_SIZE }, (_, code) => code));

/** Returns, for each ASCII code unit, whether the single-character atom matches it. */
function probeAscii(atomSource: string, flags: string): readonly boolean[] {
  const key = `${flags}/${atomSource}`;
  const cached = probeCache.get(key);
  if (cached !== undefined) return cached;
  const matches = new Array<boolean>(ASCII_SIZE).fill(false);
  // The atom matches exactly one code unit, so a global scan finds every matching position.
  for (const match of ALL_ASCII.matchAll(new RegExp(atomSource, `${flags}g`))) {
    matches[match.index] = true;
  }
  probeCache.set(key, matches);
  return matches;
}
