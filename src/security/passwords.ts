/**
 * Password hashing with argon2id, the password policy, and generated passwords.
 */

import { hash, verify, type Options } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError } from '../errors.js';

/** Minimum password length in Unicode code points. */
export const PASSWORD_MIN_LENGTH = 12;

/** Maximum password length in UTF-8 bytes, which bounds the work one login request can cause. */
export const PASSWORD_MAX_BYTES = 1024;

/**
 * OWASP's minimum argon2id configuration (19 MiB, 2 passes, 1 lane). The PHC string that
 * `hash` returns records these parameters and a random 16-byte salt, so changing them later
 * still verifies old hashes.
 */
const ARGON2_OPTIONS: Options = {
  // Algorithm.Argon2id. The package declares Algorithm as a const enum, which has no
  // runtime object once tsx strips the types.
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

/** Throws InvalidArgumentError when the password is too short or too long. */
export function checkPasswordPolicy(password: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    throw new InvalidArgumentError(
      `Password too short: ${length} characters; use at least ${PASSWORD_MIN_LENGTH}`,
    );
  }
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes > PASSWORD_MAX_BYTES) {
    throw new InvalidArgumentError(
      `Password too long: ${bytes} bytes in UTF-8; use at most ${PASSWORD_MAX_BYTES}`,
    );
  }
}

/** Checks the policy, then hashes the password into an argon2id PHC string. */
export async function hashPassword(password: string): Promise<string> {
  checkPasswordPolicy(password);
  return hash(password, ARGON2_OPTIONS);
}

/**
 * Hashes a password that just verified against an older hash, with today's parameters. The
 * policy is not checked again: the password was accepted when it was set, and a policy
 * change must not lock its owner out at the next login.
 */
export async function rehashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/**
 * True when a PHC string was made with another algorithm or other cost parameters than
 * today's, so the next successful login should store a new hash (rehashPassword).
 */
export function needsRehash(passwordHash: string): boolean {
  // $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
  const [, algorithm, , parameters] = passwordHash.split('$');
  if (algorithm !== 'argon2id' || parameters === undefined) return true;
  const values = new Map(parameters.split(',').map((pair) => pair.split('=') as [string, string]));
  return (
    Number(values.get('m')) !== ARGON2_OPTIONS.memoryCost ||
    Number(values.get('t')) !== ARGON2_OPTIONS.timeCost ||
    Number(values.get('p')) !== ARGON2_OPTIONS.parallelism
  );
}

/**
 * Verifies a password against a PHC string. Returns false instead of throwing for a
 * malformed hash, a non-string input or a password over PASSWORD_MAX_BYTES.
 */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  if (typeof passwordHash !== 'string' || typeof password !== 'string') return false;
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) return false;
  try {
    return await verify(passwordHash, password);
  } catch {
    // The binding throws "Decoding failed" on a string that is not a PHC hash.
    return false;
  }
}

/** Generates a password of 24 random bytes (192 bits) as 32 base64url characters. */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}
