/**
 * Starts the server. It listens first, then opens storage, bootstraps the admin user and
 * (when asked) loads the sample data, and only then reports ready. Until then every route
 * but /health and /ready returns 503.
 */
import { writeFileSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type { Config } from '../config.js';
import { ensureAdmin } from '../security/bootstrap.js';
import { prepareSparqlParser } from '../sparql/index.js';
import { DEFAULT_DATASET, Engine } from '../storage/engine.js';
import { loadSampleDataIfEmpty } from '../storage/sample-data.js';
import { buildServer, type ServerContext } from './app.js';
import { loggerOptions } from './logging.js';
import { openSecurityServices } from './security-services.js';
import { httpsOptions, isLoopbackHost, reloadTls } from './tls.js';
import { writeServerPid } from '../storage/server-lock.js';

/** Time in milliseconds that shutdown lets open requests finish before it closes connections. */
const SHUTDOWN_GRACE_MS = 5000;

/** File in the data dir that receives a generated admin password when stdout is no terminal. */
export const INITIAL_PASSWORD_FILE = 'initial-admin-password';

export interface StartOptions {
  /** Load the bundled vocabularies when the data dir has no quads. */
  sampleData?: boolean;
  /** Admin password for the bootstrap user (SEVEN_TICK_ADMIN_PASSWORD). */
  adminPassword?: string;
  /** Receives the one-time notice of a generated admin password; defaults to stdout. */
  announce?: (text: string) => void;
}

export interface RunningServer {
  app: FastifyInstance;
  context: ServerContext;
  /** Resolves once the server is ready or rejects when start-up failed. */
  ready: Promise<void>;
  url: string;
  /** Rereads the TLS certificate, key and client CA; the CLI calls it on SIGHUP. */
  reloadTls(): void;
  close(): Promise<void>;
}

export async function startServer(
  config: Config,
  options: StartOptions = {},
): Promise<RunningServer> {
  const logger = pino(loggerOptions(config.logLevel) as pino.LoggerOptions);
  const https = httpsOptions(config);
  if (https === undefined && !isLoopbackHost(config.host)) {
    logger.warn(
      { host: config.host },
      'serving plain HTTP on a non-loopback address: credentials cross the network unencrypted; ' +
        'set --tls-cert and --tls-key, or put a TLS proxy in front',
    );
  }

  // Storage and security are filled in by open() below; the readiness hook keeps requests
  // away from them until then.
  const context = { config, state: { ready: false, activeQueries: new Set() } } as ServerContext;
  const app = await buildServer(context, { loggerInstance: logger, https });
  const address = await app.listen({ host: config.host, port: config.port });
  logger.info({ address, dataDir: config.dataDir }, 'listening');

  let removePid: (() => void) | undefined;
  const ready = open(context, logger, options).then(
    () => {
      removePid = writeServerPid(config.dataDir);
      context.state.ready = true;
      logger.info({ datasets: context.engine.listDatasets().length }, 'ready');
    },
    (error: unknown) => {
      logger.fatal({ err: error }, 'start-up failed; exiting');
      throw error;
    },
  );

  return {
    app,
    context,
    ready,
    url: address,
    reloadTls() {
      if (https === undefined) {
        logger.info('no TLS certificate configured; nothing to reload');
        return;
      }
      reloadTls(app.server as HttpsServer, config);
      logger.info({ cert: config.tlsCert }, 'TLS certificate reloaded');
    },
    async close() {
      // Cancel running queries first: app.close() waits for open requests to finish.
      for (const controller of context.state.activeQueries) {
        controller.abort(new Error('server shutting down'));
      }
      // app.close() waits for every connection to go idle. A client's keep-alive socket can
      // stay busy after its query was cancelled, so after a grace period close them all.
      const closing = app.close();
      const force = setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      force.unref();
      await closing;
      clearTimeout(force);
      await ready.catch(() => undefined);
      await context.security?.audit.close();
      context.engine?.close();
      removePid?.();
    },
  };
}

async function open(context: ServerContext, logger: Logger, options: StartOptions): Promise<void> {
  const started = performance.now();
  context.engine = await Engine.openAsync(context.config.dataDir);
  context.engine.createDataset(DEFAULT_DATASET);
  logger.info(
    {
      quads: context.engine.quadCount,
      terms: context.engine.dictionary.size,
      ms: elapsed(started),
    },
    'storage opened',
  );

  const parsing = prepareSparqlParser();
  if (!parsing.fastLexer) {
    logger.warn(
      'the installed sparqljs is not the release the fast SPARQL lexer was checked against; ' +
        'queries are parsed with its own lexer, about four times slower',
    );
  }
  if (!parsing.fastDriver) {
    logger.warn(
      'the installed sparqljs is not the release the fast SPARQL parser driver was checked ' +
        'against; queries are parsed with its own driver, about twice as slow',
    );
  }

  context.security = await openSecurityServices(context.engine.db, {
    config: context.config,
    logger,
  });
  const incident = context.security.incident.current();
  if (incident.level !== 'none') {
    logger.warn({ incident }, 'starting with an incident level set');
  }
  const admin = await ensureAdmin(context.security.users, { password: options.adminPassword });
  if (admin.created) {
    logger.info({ username: 'admin', generated: admin.generated }, 'admin user created');
    context.security.record({
      type: 'admin.user.create',
      actor: null,
      address: null,
      detail: { username: 'admin', roles: ['admin'], bootstrap: true },
    });
    if (admin.generated) announcePassword(admin.password, context.config.dataDir, logger, options);
  }

  if (options.sampleData) {
    const loadStarted = performance.now();
    const results = await loadSampleDataIfEmpty(context.engine);
    if (results !== undefined) {
      const quads = results.reduce((sum, result) => sum + result.added, 0);
      logger.info(
        { files: results.length, quads, ms: elapsed(loadStarted) },
        'loaded the bundled sample vocabularies into the default dataset',
      );
    }
  }
}

/**
 * Hands the generated admin password to the operator without putting it in a log: printed on
 * a terminal, otherwise (under systemd, Docker, a pipe) written to a file only the owner can
 * read, and the log names the file.
 */
function announcePassword(
  password: string,
  dataDir: string,
  logger: Logger,
  options: StartOptions,
): void {
  const advice =
    'Change it with `seven-tick user passwd admin`, or set SEVEN_TICK_ADMIN_PASSWORD before ' +
    'the first start on an empty data dir.';
  if (options.announce || process.stdout.isTTY) {
    (options.announce ?? console.log)(
      `\nCreated the user "admin" with the generated password:\n\n    ${password}\n\n` +
        `It is shown only this once. ${advice}\n`,
    );
    return;
  }
  const file = path.join(dataDir, INITIAL_PASSWORD_FILE);
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  logger.warn(
    { file },
    `the generated admin password is in ${file}; read it, delete the file, and ${advice}`,
  );
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
