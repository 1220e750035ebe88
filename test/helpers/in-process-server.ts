/**
 * The app built in-process over a real data dir, for tests that need Fastify's inject or the
 * server's objects: the engine, the security services, an admin with ADMIN_PASSWORD.
 */
import pino from 'pino';
import { resolveConfig, type Config } from '../../src/config.js';
import { ensureAdmin } from '../../src/security/bootstrap.js';
import { buildServer, type ServerContext } from '../../src/server/app.js';
import { openSecurityServices } from '../../src/server/security-services.js';
import { DEFAULT_DATASET, Engine } from '../../src/storage/engine.js';
import { ADMIN_PASSWORD, removeDir, tempDataDir } from './server-process.js';

export interface InProcessServer {
  context: ServerContext;
  app: Awaited<ReturnType<typeof buildServer>>;
  /** Closes the app, the audit log and the engine, and removes the data dir. */
  close(): Promise<void>;
}

/** Builds the app on a fresh data dir with `settings` over the defaults. */
export async function openInProcessServer(
  settings: Partial<Config> = {},
): Promise<InProcessServer> {
  const dataDir = tempDataDir();
  const config = resolveConfig({ ...settings, dataDir }, {});
  const logger = pino({ level: 'silent' });
  const engine = await Engine.openAsync(dataDir);
  engine.createDataset(DEFAULT_DATASET);
  const security = await openSecurityServices(engine.db, { config, logger });
  await ensureAdmin(security.users, { password: ADMIN_PASSWORD });
  const context: ServerContext = {
    engine,
    config,
    security,
    state: { ready: true, activeQueries: new Set() },
  };
  const app = await buildServer(context);
  return {
    context,
    app,
    async close() {
      await app.close();
      await security.audit.close().catch(() => undefined);
      engine.close();
      removeDir(dataDir);
    },
  };
}
