/**
 * The password policy for new and changed passwords: a length range, not the username, not a
 * known common password, and not a trivial pattern (one repeated character, or a run such as
 * 123456789012 or abcdefghijkl). Existing hashes are never re-checked.
 */

import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../errors.js';

/** Minimum length in Unicode code points. */
export const DEFAULT_MIN_LENGTH = 12;

/** Maximum length in UTF-8 bytes; it bounds the argon2 input and the work of one login. */
export const DEFAULT_MAX_BYTES = 1024;

export interface PasswordPolicyOptions {
  /** Minimum length in code points (default 12, at least 8). */
  minLength?: number;
  /** Maximum length in UTF-8 bytes (default 1024). */
  maxBytes?: number;
}

export interface PasswordContext {
  /** The account's username; a password equal to it is rejected. */
  username?: string;
}

/**
 * The list ships next to the sources. Both src/security (run with tsx) and dist/security
 * (compiled) sit two levels below the package root, so this path resolves from either.
 */
const COMMON_PASSWORDS_URL = new URL('../../src/security/common-passwords.txt', import.meta.url);

let commonPasswords: Set<string> | null = null;

function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** Loads the common-password list once; lines starting with # are comments. */
export function loadCommonPasswords(): ReadonlySet<string> {
  if (commonPasswords === null) {
    const text = readFileSync(COMMON_PASSWORDS_URL, 'utf8');
    commonPasswords = new Set(
      text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'))
        .map(normalise),
    );
  }
  return commonPasswords;
}

/** Returns true for one repeated character or a run of consecutive code points either way. */
function isTrivialPattern(codePoints: number[]): boolean {
  if (codePoints.length < 2) return true;
  const step = codePoints[1]! - codePoints[0]!;
  if (step !== 0 && step !== 1 && step !== -1) return false;
  for (let i = 2; i < codePoints.length; i++) {
    if (codePoints[i]! - codePoints[i - 1]! !== step) return false;
  }
  return true;
}

/**
 * Returns every rule a password breaks, as messages for the user; an empty array means the
 * password is acceptable.
 */
export function passwordProblems(
  password: string,
  context: PasswordContext = {},
  options: PasswordPolicyOptions = {},
): string[] {
  if (typeof password !== 'string') return ['The password must be a string'];
  const minLength = Math.max(8, options.minLength ?? DEFAULT_MIN_LENGTH);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const problems: string[] = [];
  const characters = [...password];
  if (characters.length < minLength) {
    problems.push(
      `The password is too short: ${characters.length} characters; use at least ${minLength}`,
    );
  }
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes > maxBytes) {
    problems.push(`The password is too long: ${bytes} bytes in UTF-8; use at most ${maxBytes}`);
  }
  const normalised = normalise(password);
  const username = context.username === undefined ? '' : normalise(context.username.trim());
  if (username !== '' && normalised.trim() === username) {
    problems.push('The password must not be the username');
  }
  if (loadCommonPasswords().has(normalised)) {
    problems.push('The password is on the list of common passwords; choose another');
  } else if (isTrivialPattern([...normalised].map((character) => character.codePointAt(0)!))) {
    problems.push('The password is one repeated character or a simple sequence; choose another');
  }
  return problems;
}

/** Throws InvalidArgumentError listing every rule the password breaks. */
export function checkPasswordStrength(
  password: string,
  context: PasswordContext = {},
  options: PasswordPolicyOptions = {},
): void {
  const problems = passwordProblems(password, context, options);
  if (problems.length > 0) throw new InvalidArgumentError(problems.join('. '));
}
