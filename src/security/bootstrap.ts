/**
 * First-start setup: the `admin` account of an empty user table.
 */

import { checkPasswordPolicy, generatePassword } from './passwords.js';
import type { UserStore } from './users.js';

export type EnsureAdminResult =
  { created: false } | { created: true; password: string; generated: boolean };

/**
 * Creates the user `admin` with role admin when there is no user yet, with the given
 * password (normally from SEVEN_TICK_ADMIN_PASSWORD) or, when that is missing or empty, a
 * generated one. Does nothing when any user exists. Throws InvalidArgumentError when the given password fails the policy, so a
 * weak environment value stops the start instead of being stored.
 */
export async function ensureAdmin(
  users: UserStore,
  options: { password?: string } = {},
): Promise<EnsureAdminResult> {
  if (users.count() > 0) return { created: false };
  const passwordGiven = options.password !== undefined && options.password !== '';
  const password = passwordGiven ? options.password! : generatePassword();
  checkPasswordPolicy(password);
  await users.add('admin', password, ['admin']);
  return { created: true, password, generated: !passwordGiven };
}
