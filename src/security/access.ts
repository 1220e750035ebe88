/**
 * The authorisation decision. Every route and the quad-access path call this one class, so a
 * query, an update and the graph store always get the same decision.
 *
 * Resources form a tree: server (dataset "*") → dataset → named graph. A principal has a
 * permission on a resource when one of these applies, checked in order:
 *   1. its permission bits contain Admin (role admin, or a token of an admin with scope admin);
 *   2. its permission bits contain the permission: role permissions apply to every dataset;
 *   3. a grant on the resource or an ancestor contains the permission or Admin, because an
 *      Admin grant makes the principal the owner of that dataset or graph. A token's grants
 *      count only as far as its scopes allow.
 * Anything else is denied.
 */

import type { Database, Statement } from 'better-sqlite3';
import { AccessDeniedError, InvalidArgumentError, NotFoundError } from '../errors.js';
import { isAbsoluteIri } from '../rdf/terms.js';
import { checkDatasetName } from '../storage/quad-log.js';
import {
  ALL_PERMISSIONS,
  Permission,
  formatPermissions,
  parsePermission,
  parsePermissions,
  permissionsForScopes,
  type PermissionName,
} from './permissions.js';
import type { Principal } from './principal.js';
import { ensureSecuritySchema } from './schema.js';

/** The dataset name that stands for every dataset. */
export const ALL_DATASETS = '*';

export interface Resource {
  /** A dataset name, or "*" for the whole server. */
  dataset: string;
  /** A named graph IRI; undefined or null means the whole dataset. */
  graph?: string | null;
}

export interface Grant {
  principal: string;
  dataset: string;
  /** The named graph IRI, or null for the whole dataset. */
  graph: string | null;
  permissions: PermissionName[];
}

/** The graphs of one dataset a principal may access with a given permission. */
export type GraphAccess = { allGraphs: true } | { allGraphs: false; graphs: string[] };

/** Returns true when the access covers the whole dataset or at least one named graph of it. */
export function reachesAnyGraph(access: GraphAccess): boolean {
  return access.allGraphs || access.graphs.length > 0;
}

interface GrantRow {
  principal: string;
  dataset: string;
  graph: string | null;
  permissions: number;
}

/** An AccessDeniedError that names the missing permissions and the resource, for the audit log. */
export class PermissionDeniedError extends AccessDeniedError {
  readonly permissions: PermissionName[];
  readonly resource: Resource;

  constructor(username: string, permissions: PermissionName[], resource: Resource) {
    super(
      `Permission denied: ${permissions.join(' and ')} on ${describeResource(resource)} is not ` +
        `granted to "${username}"`,
    );
    this.permissions = permissions;
    this.resource = resource;
  }
}

/** Returns whether the principal may read `GET /metrics`: admins and tokens with scope metrics. */
export function canReadMetrics(principal: Principal): boolean {
  if ((principal.permissions & Permission.Admin) !== 0) return true;
  return principal.via !== 'password' && (principal.scopes ?? []).includes('metrics');
}

function toPermissionBits(permission: number | string): number {
  if (typeof permission === 'string') return parsePermission(permission);
  if (!Number.isInteger(permission) || permission <= 0 || (permission & ~ALL_PERMISSIONS) !== 0) {
    throw new InvalidArgumentError(`Invalid permission bits ${permission}`);
  }
  return permission;
}

function describeResource(resource: Resource): string {
  const dataset =
    resource.dataset === ALL_DATASETS ? 'all datasets' : `dataset "${resource.dataset}"`;
  return resource.graph == null ? dataset : `graph <${resource.graph}> in ${dataset}`;
}

function checkResource(resource: Resource): void {
  if (typeof resource.dataset !== 'string' || resource.dataset === '') {
    throw new InvalidArgumentError('A grant needs a dataset name, or "*" for all datasets');
  }
  if (resource.graph !== undefined && resource.graph !== null && resource.graph === '') {
    throw new InvalidArgumentError('A graph IRI must not be empty; omit it for the whole dataset');
  }
}

/**
 * Checks a resource named in an admin request or command: the dataset is "*" or a valid dataset
 * name, and the graph, when given, is an absolute IRI. Throws InvalidArgumentError otherwise.
 * Whether the dataset exists is left to the caller, because this layer has no list of datasets.
 */
export function checkGrantResource(resource: Resource): void {
  if (resource.dataset !== ALL_DATASETS) checkDatasetName(resource.dataset);
  const graph = resource.graph;
  if (graph !== undefined && graph !== null && !isAbsoluteIri(graph)) {
    throw new InvalidArgumentError(`graph must be an absolute IRI, got ${JSON.stringify(graph)}`);
  }
}

/** Grants in the `security_grants` table and the checks that use them. */
export class AccessPolicy {
  private readonly db: Database;
  private readonly statements: {
    matching: Statement<[string, string, string | null], { permissions: number }>;
    graphGrants: Statement<[string, string], { graph: string; permissions: number }>;
    find: Statement<[string, string, string | null], { rowid: number; permissions: number }>;
    insert: Statement<[string, string, string | null, number]>;
    update: Statement<[number, number]>;
    remove: Statement<[number]>;
    userExists: Statement<[string], { username: string }>;
    listAll: Statement<[], GrantRow>;
    listFor: Statement<[string], GrantRow>;
  };

  constructor(db: Database) {
    this.db = db;
    ensureSecuritySchema(db);
    this.statements = {
      // Grants on the dataset or on "*", for the whole dataset or for the given graph.
      // A null graph parameter matches only whole-dataset grants.
      matching: db.prepare(
        `SELECT permissions FROM security_grants
          WHERE principal = ? AND dataset IN (?, '*') AND (graph IS NULL OR graph = ?)`,
      ),
      graphGrants: db.prepare(
        `SELECT graph, permissions FROM security_grants
          WHERE principal = ? AND dataset IN (?, '*') AND graph IS NOT NULL`,
      ),
      find: db.prepare(
        `SELECT rowid, permissions FROM security_grants
          WHERE principal = ? AND dataset = ? AND ifnull(graph, '') = ifnull(?, '')`,
      ),
      insert: db.prepare(
        'INSERT INTO security_grants (principal, dataset, graph, permissions) VALUES (?, ?, ?, ?)',
      ),
      update: db.prepare('UPDATE security_grants SET permissions = ? WHERE rowid = ?'),
      remove: db.prepare('DELETE FROM security_grants WHERE rowid = ?'),
      userExists: db.prepare('SELECT username FROM security_users WHERE username = ?'),
      listAll: db.prepare(
        "SELECT * FROM security_grants ORDER BY principal, dataset, ifnull(graph, '')",
      ),
      listFor: db.prepare(
        `SELECT * FROM security_grants WHERE principal = ?
          ORDER BY dataset, ifnull(graph, '')`,
      ),
    };
  }

  /** Returns whether the principal has every bit of `permission` on the resource. */
  check(principal: Principal, permission: number | PermissionName, resource: Resource): boolean {
    const needed = toPermissionBits(permission);
    if ((principal.permissions & Permission.Admin) !== 0) return true;
    if ((principal.permissions & needed) === needed) return true;
    const granted = this.grantedBits(principal, resource.dataset, resource.graph ?? null);
    return hasAll(granted, needed);
  }

  /** Throws AccessDeniedError, naming the permission and resource, unless `check` passes. */
  require(principal: Principal, permission: number | PermissionName, resource: Resource): void {
    if (this.check(principal, permission, resource)) return;
    throw new PermissionDeniedError(
      principal.username,
      formatPermissions(toPermissionBits(permission)),
      resource,
    );
  }

  /**
   * Returns the graphs of a dataset the principal may read, after refusing (403) a principal
   * that may read none of them: the check every read route makes first.
   */
  requireReadAccess(principal: Principal, dataset: string): GraphAccess {
    const access = this.graphAccess(principal, Permission.Read, dataset);
    if (!reachesAnyGraph(access)) this.require(principal, Permission.Read, { dataset });
    return access;
  }

  /**
   * Returns the named graphs of a dataset the principal may access with `permission`: all of
   * them when it has the permission on the whole dataset, otherwise those with a matching
   * graph grant. The default graph counts as part of the dataset and is covered only by
   * `allGraphs`.
   */
  graphAccess(
    principal: Principal,
    permission: number | PermissionName,
    dataset: string,
  ): GraphAccess {
    const needed = toPermissionBits(permission);
    if (this.check(principal, needed, { dataset })) return { allGraphs: true };
    const mask = scopeMask(principal);
    const graphs = new Set<string>();
    for (const row of this.statements.graphGrants.all(principal.username, dataset)) {
      if (hasAll(ownerBits(row.permissions) & mask, needed)) graphs.add(row.graph);
    }
    return { allGraphs: false, graphs: [...graphs].sort() };
  }

  /**
   * Adds permissions to a user's grant on a resource (creating the grant if needed) and
   * returns the resulting grant. Throws NotFoundError for an unknown user.
   */
  grant(
    principal: string,
    permissions: number | string | readonly string[],
    resource: Resource,
  ): Grant {
    return this.writeGrant(principal, permissions, resource, (held, bits) => held | bits).grant;
  }

  /**
   * Removes permissions (all of them when `permissions` is omitted) from a user's grant on
   * exactly this resource. Returns false when there was no such grant. Grants on ancestors
   * or descendants are unchanged.
   */
  revoke(
    principal: string,
    resource: Resource,
    permissions?: number | string | readonly string[],
  ): boolean {
    checkResource(resource);
    const bits =
      permissions === undefined
        ? ALL_PERMISSIONS
        : typeof permissions === 'number'
          ? toPermissionBits(permissions)
          : parsePermissions(permissions);
    return this.db.transaction(() => {
      const existing = this.statements.find.get(
        principal,
        resource.dataset,
        resource.graph ?? null,
      );
      if (existing === undefined) return false;
      const remaining = existing.permissions & ~bits;
      if (remaining === 0) this.statements.remove.run(existing.rowid);
      else this.statements.update.run(remaining, existing.rowid);
      return true;
    })();
  }

  /**
   * Sets a user's grant on exactly this resource to `permissions`, replacing what it held, and
   * returns the grant and whether it was created. Throws NotFoundError for an unknown user and
   * InvalidArgumentError for an empty or unknown permission.
   */
  setGrant(
    principal: string,
    permissions: number | string | readonly string[],
    resource: Resource,
  ): { grant: Grant; created: boolean } {
    return this.writeGrant(principal, permissions, resource, (_held, bits) => bits);
  }

  /**
   * Writes a user's grant on exactly this resource in one transaction: `combine` gets the
   * permission bits held now (0 for no grant) and the requested bits, and returns the new ones.
   */
  private writeGrant(
    principal: string,
    permissions: number | string | readonly string[],
    resource: Resource,
    combine: (held: number, requested: number) => number,
  ): { grant: Grant; created: boolean } {
    checkResource(resource);
    const bits =
      typeof permissions === 'number'
        ? toPermissionBits(permissions)
        : parsePermissions(permissions);
    const graph = resource.graph ?? null;
    return this.db.transaction(() => {
      if (this.statements.userExists.get(principal) === undefined) {
        throw new NotFoundError(`User "${principal}" not found`);
      }
      const existing = this.statements.find.get(principal, resource.dataset, graph);
      const combined = combine(existing?.permissions ?? 0, bits);
      if (existing === undefined) {
        this.statements.insert.run(principal, resource.dataset, graph, combined);
      } else {
        this.statements.update.run(combined, existing.rowid);
      }
      const grant = toGrant({ principal, dataset: resource.dataset, graph, permissions: combined });
      return { grant, created: existing === undefined };
    })();
  }

  /**
   * Returns the permission bits the principal has on at least one resource: its role
   * permissions plus every grant, an Admin grant counting as all permissions, limited to its
   * token scopes. Token self-service uses it to keep a new token's scopes within the caller's.
   */
  permissionsOnAnyResource(principal: Principal): number {
    let bits = 0;
    for (const row of this.statements.listFor.all(principal.username)) {
      bits |= ownerBits(row.permissions);
    }
    return principal.permissions | (bits & scopeMask(principal));
  }

  /** Lists grants, of one user or of all users. */
  listGrants(principal?: string): Grant[] {
    const rows =
      principal === undefined
        ? this.statements.listAll.all()
        : this.statements.listFor.all(principal);
    return rows.map(toGrant);
  }

  /** ORs the grants that apply to the resource, limited to the principal's token scopes. */
  private grantedBits(principal: Principal, dataset: string, graph: string | null): number {
    let bits = 0;
    for (const row of this.statements.matching.all(principal.username, dataset, graph)) {
      bits |= ownerBits(row.permissions);
    }
    return bits & scopeMask(principal);
  }
}

/** Returns the permission bits a principal's grants may contribute: all for a password login, the scopes for a token. */
function scopeMask(principal: Principal): number {
  return principal.via === 'password'
    ? ALL_PERMISSIONS
    : permissionsForScopes(principal.scopes ?? []);
}

/**
 * Expands an Admin grant to every permission before scopes narrow it, so that a read-scoped
 * token of a dataset owner can still read.
 */
function ownerBits(granted: number): number {
  return (granted & Permission.Admin) !== 0 ? ALL_PERMISSIONS : granted;
}

function hasAll(granted: number, needed: number): boolean {
  return (granted & needed) === needed;
}

function toGrant(row: GrantRow): Grant {
  return {
    principal: row.principal,
    dataset: row.dataset,
    graph: row.graph,
    permissions: formatPermissions(row.permissions),
  };
}
