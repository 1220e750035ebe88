/** Wires the security components over the data dir's database for one server process. */
import type { SqliteDatabase } from '../storage/database.js';
import { AccessPolicy } from '../security/access.js';
import { AddressMonitor } from '../security/address-monitor.js';
import { Authenticator, type AuthEvent } from '../security/authenticate.js';
import { ensureSecuritySchema } from '../security/schema.js';
import { TokenStore } from '../security/tokens.js';
import { UserStore } from '../security/users.js';

export interface SecurityServices {
  users: UserStore;
  tokens: TokenStore;
  addresses: AddressMonitor;
  authenticator: Authenticator;
  access: AccessPolicy;
}

export function createSecurityServices(
  db: SqliteDatabase,
  onAuthEvent?: (event: AuthEvent) => void,
  options: { addressBlockThreshold?: number } = {},
): SecurityServices {
  ensureSecuritySchema(db);
  const users = new UserStore(db);
  const tokens = new TokenStore(db);
  const addresses = new AddressMonitor({ blockThreshold: options.addressBlockThreshold });
  const authenticator = new Authenticator({ users, tokens, addresses, onEvent: onAuthEvent });
  const access = new AccessPolicy(db);
  return { users, tokens, addresses, authenticator, access };
}
