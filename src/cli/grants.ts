/**
 * `seven-tick grant add|revoke|list` and `seven-tick user unlock`: change access grants and
 * lockouts in a data dir. A running server reads grants and lockouts from the database on every
 * request, so changes apply to its next request. Every change is audited as an admin.* entry
 * unless a server runs on the data dir (see cli-audit.ts).
 */
import { NotFoundError } from '../errors.js';
import { ALL_DATASETS, AccessPolicy, checkGrantResource } from '../security/access.js';
import { parsePermissions, formatPermissions } from '../security/permissions.js';
import { ensureSecuritySchema } from '../security/schema.js';
import { UserStore } from '../security/users.js';
import { openDatabase, type SqliteDatabase } from '../storage/database.js';
import { QuadLog } from '../storage/quad-log.js';
import { auditFromCli } from './cli-audit.js';

export interface GrantOptions {
  /** A dataset name, or "*" for every dataset. */
  dataset: string;
  /** A named graph IRI; absent means the whole dataset. */
  graph?: string;
  /** Comma- or space-separated permission names: read, write, delete, admin. */
  permissions?: string;
}

function withSecurity<T>(dataDir: string, work: (db: SqliteDatabase) => Promise<T>): Promise<T> {
  const db = openDatabase(dataDir);
  ensureSecuritySchema(db);
  return work(db).finally(() => db.close());
}

function describeTarget(options: GrantOptions): string {
  const dataset = options.dataset === ALL_DATASETS ? 'all datasets' : `dataset ${options.dataset}`;
  return options.graph === undefined ? dataset : `graph <${options.graph}> in ${dataset}`;
}

/** Adds permissions to a user's grant on a dataset or graph, creating the grant if needed. */
export function grantAdd(dataDir: string, principal: string, options: GrantOptions): Promise<void> {
  return withSecurity(dataDir, async (db) => {
    const resource = { dataset: options.dataset, graph: options.graph ?? null };
    checkGrantResource(resource);
    // The same rule as PUT /admin/grants: a grant on a missing dataset would silently apply
    // to a dataset created later under that name.
    if (options.dataset !== ALL_DATASETS && !new QuadLog(db).hasDataset(options.dataset)) {
      throw new NotFoundError(
        `Dataset ${options.dataset} does not exist; create it first (seven-tick dataset create)`,
      );
    }
    const permissions = formatPermissions(parsePermissions(options.permissions ?? ''));
    const grant = new AccessPolicy(db).grant(principal, permissions, resource);
    console.error(
      `Granted ${permissions.join(', ')} on ${describeTarget(options)} to ${principal}; ` +
        `the grant now holds ${grant.permissions.join(', ')}`,
    );
    await auditFromCli(dataDir, {
      type: 'admin.grant.add',
      detail: {
        principal,
        dataset: grant.dataset,
        graph: grant.graph,
        permissions,
        result: grant.permissions,
      },
    });
  });
}

/**
 * Removes permissions (all of them when `options.permissions` is absent) from a user's grant on
 * exactly this dataset or graph. Throws NotFoundError when there is no such grant.
 */
export function grantRevoke(
  dataDir: string,
  principal: string,
  options: GrantOptions,
): Promise<void> {
  return withSecurity(dataDir, async (db) => {
    const resource = { dataset: options.dataset, graph: options.graph ?? null };
    checkGrantResource(resource);
    const permissions =
      options.permissions === undefined
        ? undefined
        : formatPermissions(parsePermissions(options.permissions));
    if (!new AccessPolicy(db).revoke(principal, resource, permissions)) {
      throw new NotFoundError(`No grant for ${principal} on ${describeTarget(options)}`);
    }
    const revokedNames = permissions === undefined ? 'every permission' : permissions.join(', ');
    console.error(`Revoked ${revokedNames} on ${describeTarget(options)} from ${principal}`);
    await auditFromCli(dataDir, {
      type: 'admin.grant.revoke',
      detail: {
        principal,
        dataset: resource.dataset,
        graph: resource.graph,
        permissions: permissions ?? null,
      },
    });
  });
}

/** Prints grants, of one user or of all users: principal, dataset, graph ("-" for none), permissions. */
export function grantList(dataDir: string, principal?: string): Promise<void> {
  return withSecurity(dataDir, async (db) => {
    for (const grant of new AccessPolicy(db).listGrants(principal)) {
      console.log(
        `${grant.principal}\t${grant.dataset}\t${grant.graph ?? '-'}\t${grant.permissions.join(',')}`,
      );
    }
  });
}

/** Clears a user's failed-login count and lockout. Throws NotFoundError for an unknown user. */
export function userUnlock(dataDir: string, username: string): Promise<void> {
  return withSecurity(dataDir, async (db) => {
    const users = new UserStore(db);
    const user = users.get(username);
    if (user === undefined) throw new NotFoundError(`User ${username} does not exist`);
    const wasLocked = user.lockedUntil !== null && user.lockedUntil.getTime() > Date.now();
    users.unlock(username);
    console.error(
      wasLocked ? `Unlocked ${username}` : `${username} was not locked; cleared the failure count`,
    );
    await auditFromCli(dataDir, {
      type: 'admin.user.unlock',
      detail: { username, wasLocked },
    });
  });
}
