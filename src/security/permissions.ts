/**
 * Permission bit flags, the roles that bundle them, and token scopes. Every name that reaches
 * this module from a user (CLI flag, config file, admin request) is parsed here, so an unknown
 * name fails the same way everywhere.
 */

import { InvalidArgumentError } from '../errors.js';

/** Permission bits; a set of permissions is their bitwise OR. */
export const Permission = {
  Read: 1,
  Write: 2,
  Delete: 4,
  Admin: 8,
} as const;

export type PermissionName = 'read' | 'write' | 'delete' | 'admin';

/** The OR of every permission bit. */
export const ALL_PERMISSIONS =
  Permission.Read | Permission.Write | Permission.Delete | Permission.Admin;

const PERMISSION_BITS: ReadonlyMap<PermissionName, number> = new Map([
  ['read', Permission.Read],
  ['write', Permission.Write],
  ['delete', Permission.Delete],
  ['admin', Permission.Admin],
]);

export type RoleName = 'admin' | 'editor' | 'writer' | 'reader';

/** The permissions each role grants on every dataset. */
export const ROLE_PERMISSIONS: ReadonlyMap<RoleName, number> = new Map([
  ['admin', ALL_PERMISSIONS],
  ['editor', Permission.Read | Permission.Write | Permission.Delete],
  ['writer', Permission.Read | Permission.Write],
  ['reader', Permission.Read],
]);

/**
 * Token scopes: each permission name, plus `metrics`, which opens `GET /metrics` and grants
 * no permission bit.
 */
export type ScopeName = PermissionName | 'metrics';

const SCOPE_NAMES: readonly ScopeName[] = ['read', 'write', 'delete', 'admin', 'metrics'];

function listNames(names: Iterable<string>): string {
  return [...names].join(', ');
}

/** Parses one permission name (case-insensitive) into its bit. */
export function parsePermission(name: string): number {
  const bit = PERMISSION_BITS.get(name.trim().toLowerCase() as PermissionName);
  if (bit === undefined) {
    throw new InvalidArgumentError(
      `Unknown permission "${name}"; expected one of ${listNames(PERMISSION_BITS.keys())}`,
    );
  }
  return bit;
}

/**
 * Parses permission names into a bit set. A string may list several names separated by
 * commas or spaces ("read,write"); an empty list is rejected because it grants nothing.
 */
export function parsePermissions(names: string | readonly string[]): number {
  const list = typeof names === 'string' ? splitNames(names) : names.flatMap(splitNames);
  if (list.length === 0) {
    throw new InvalidArgumentError(
      `No permission given; expected one or more of ${listNames(PERMISSION_BITS.keys())}`,
    );
  }
  let bits = 0;
  for (const name of list) bits |= parsePermission(name);
  return bits;
}

/** Formats a bit set as permission names in the fixed order read, write, delete, admin. */
export function formatPermissions(bits: number): PermissionName[] {
  const names: PermissionName[] = [];
  for (const [name, bit] of PERMISSION_BITS) {
    if ((bits & bit) !== 0) names.push(name);
  }
  return names;
}

/** Parses one role name (case-insensitive). */
export function parseRole(name: string): RoleName {
  const role = name.trim().toLowerCase() as RoleName;
  if (!ROLE_PERMISSIONS.has(role)) {
    throw new InvalidArgumentError(
      `Unknown role "${name}"; expected one of ${listNames(ROLE_PERMISSIONS.keys())}`,
    );
  }
  return role;
}

/** Parses role names into a sorted list without duplicates. An empty list is allowed. */
export function parseRoles(names: string | readonly string[]): RoleName[] {
  const list = typeof names === 'string' ? splitNames(names) : names.flatMap(splitNames);
  return [...new Set(list.map(parseRole))].sort();
}

/** Returns the OR of the permissions of the given roles; unknown names grant nothing. */
export function permissionsForRoles(roles: readonly string[]): number {
  let bits = 0;
  for (const role of roles) bits |= ROLE_PERMISSIONS.get(role as RoleName) ?? 0;
  return bits;
}

/** Parses token scopes into a sorted list without duplicates; at least one is required. */
export function parseScopes(names: string | readonly string[]): ScopeName[] {
  const list = typeof names === 'string' ? splitNames(names) : names.flatMap(splitNames);
  if (list.length === 0) {
    throw new InvalidArgumentError(
      `No token scope given; expected one or more of ${listNames(SCOPE_NAMES)}`,
    );
  }
  const scopes = new Set<ScopeName>();
  for (const name of list) {
    const scope = name.toLowerCase() as ScopeName;
    if (!SCOPE_NAMES.includes(scope)) {
      throw new InvalidArgumentError(
        `Unknown token scope "${name}"; expected one of ${listNames(SCOPE_NAMES)}`,
      );
    }
    scopes.add(scope);
  }
  return [...scopes].sort();
}

/** Returns the permission bits named by token scopes; `metrics` contributes none. */
export function permissionsForScopes(scopes: readonly string[]): number {
  let bits = 0;
  for (const scope of scopes) bits |= PERMISSION_BITS.get(scope as PermissionName) ?? 0;
  return bits;
}

/**
 * Returns a token's effective permissions: those both its scopes and its user's roles grant,
 * so a token can narrow its user's rights but never widen them.
 */
export function tokenPermissions(scopes: readonly string[], roles: readonly string[]): number {
  return permissionsForScopes(scopes) & permissionsForRoles(roles);
}

function splitNames(text: string): string[] {
  return text.split(/[\s,]+/).filter((name) => name.length > 0);
}
