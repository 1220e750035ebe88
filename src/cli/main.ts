/**
 * The `seven-tick` command. Every data command takes --data-dir (default ./data, or
 * SEVEN_TICK_DATA_DIR) and works whether or not a server runs on that data dir.
 *
 * Exit status: 0 on success, 1 when a check fails, 2 on an error.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { resolveConfig } from '../config.js';
import { KgError } from '../errors.js';
import { startServer } from '../server/serve.js';
import { DEFAULT_DATASET } from '../storage/engine.js';
import {
  tokenCreate,
  tokenList,
  tokenRevoke,
  userAdd,
  userList,
  userPasswd,
  userRemove,
} from './accounts.js';
import { grantAdd, grantList, grantRevoke, userUnlock } from './grants.js';
import { checkCommand, datasetCreate, datasetDrop, datasetList, datasetSet } from './datasets.js';
import { auditVerifyCommand } from './audit.js';
import { backupCommand, restoreCommand } from './backup.js';
import { incidentSet, incidentShow } from './incident.js';
import { loadCommand } from './load.js';
import { queryCommand } from './query.js';
import { updateCommand } from './update.js';
import { validateCommand } from './validate.js';

const packageJson = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { version: string };

const program = new Command('seven-tick')
  .description('The 7T Engine: an RDF knowledge-graph server with SPARQL 1.1')
  .version(packageJson.version)
  .showHelpAfterError()
  // Usage errors exit with 2 like every other error; commander has printed them already.
  .exitOverride();

const dataDirOption = () =>
  new Option('--data-dir <dir>', 'data directory (default ./data, or SEVEN_TICK_DATA_DIR)');

function dataDirOf(options: { dataDir?: string }): string {
  return resolveConfig({ dataDir: options.dataDir }).dataDir;
}

program
  .command('serve')
  .description('serve the data dir over HTTP(S)')
  .option('--config <file>', 'JSON config file (or SEVEN_TICK_CONFIG)')
  .addOption(dataDirOption())
  .option('--host <host>', 'address to bind (default 127.0.0.1)')
  .option('--port <port>', 'TCP port (default 8080)')
  .option('--tls-cert <file>', 'PEM certificate; with --tls-key serves HTTPS, TLS 1.2 or later')
  .option('--tls-key <file>', 'PEM private key of --tls-cert')
  .option('--query-timeout <ms>', 'wall-clock limit of one query in milliseconds (default 30000)')
  .option('--max-result-rows <n>', 'maximum rows or quads of one query result (default 100000)')
  .option('--max-body-bytes <n>', 'maximum request body in bytes (default 10485760)')
  .option('--max-groups <n>', 'maximum groups of one GROUP BY (default 1000000)')
  .option(
    '--max-path-nodes <n>',
    'maximum nodes property paths of one query visit (default 10000000)',
  )
  .option(
    '--max-query-memory-bytes <n>',
    'estimated bytes one query may hold in memory (default 536870912)',
  )
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (default info)')
  .option('--sample-data', 'load the bundled vocabularies into the default dataset when empty')
  .action(async (options) => {
    const config = resolveConfig({
      config: options.config,
      dataDir: options.dataDir,
      host: options.host,
      port: options.port,
      tlsCert: options.tlsCert,
      tlsKey: options.tlsKey,
      queryTimeoutMs: options.queryTimeout,
      maxResultRows: options.maxResultRows,
      maxBodyBytes: options.maxBodyBytes,
      maxGroups: options.maxGroups,
      maxPathNodes: options.maxPathNodes,
      maxQueryMemoryBytes: options.maxQueryMemoryBytes,
      logLevel: options.logLevel,
    });
    const server = await startServer(config, {
      sampleData: options.sampleData === true,
      adminPassword: process.env.SEVEN_TICK_ADMIN_PASSWORD,
    });
    const stop = async (signal: string) => {
      server.app.log.info({ signal }, 'shutting down');
      await server.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
    // SIGHUP rereads the TLS certificate and key (a renewed certificate needs no restart).
    process.on('SIGHUP', () => {
      try {
        server.reloadTls();
      } catch (error) {
        server.app.log.error({ err: error }, 'TLS reload failed; the previous certificate stays');
      }
    });
    await server.ready.catch(() => process.exit(2));
  });

program
  .command('load')
  .description(
    'bulk load RDF files (.ttl .trig .nt .nq, optionally .gz); each file is all or nothing',
  )
  .argument('<files...>', 'files to load, in order')
  .addOption(dataDirOption())
  .option('--dataset <name>', 'dataset to load into (created if missing)', DEFAULT_DATASET)
  .option('--graph <iri>', 'named graph that receives the default-graph triples of the files')
  .action(async (files: string[], options) => {
    await loadCommand(files, {
      dataDir: dataDirOf(options),
      dataset: options.dataset,
      graph: options.graph,
    });
  });

program
  .command('query')
  .description('run a SPARQL query against the data dir and print the result')
  .argument('[query]', 'query text (or use --file)')
  .addOption(dataDirOption())
  .option('--dataset <name>', 'dataset to query', DEFAULT_DATASET)
  .option('--file <file>', 'read the query from a file')
  .option(
    '--format <format>',
    'json, xml, csv or tsv (default) for SELECT; turtle (default), ntriples, nquads or trig for graphs',
  )
  .option('--timeout <ms>', 'query time limit in milliseconds', '30000')
  .option('--max-rows <n>', 'maximum result rows', '1000000')
  .option('--explain', 'run the query and print its plan with estimated and actual row counts')
  .action(async (query: string | undefined, options) => {
    await queryCommand(query, {
      dataDir: dataDirOf(options),
      dataset: options.dataset,
      format: options.format,
      file: options.file,
      timeoutMs: positiveInteger(options.timeout, '--timeout'),
      maxRows: positiveInteger(options.maxRows, '--max-rows'),
      explain: options.explain === true,
    });
  });

program
  .command('update')
  .description('run a SPARQL Update request against the data dir, all or nothing')
  .argument('[update]', 'update text (or use --file)')
  .addOption(dataDirOption())
  .option('--dataset <name>', 'dataset to update', DEFAULT_DATASET)
  .option('--file <file>', 'read the update from a file')
  .option('--timeout <ms>', 'time limit in milliseconds', '30000')
  .action(async (update: string | undefined, options) => {
    await updateCommand(update, {
      dataDir: dataDirOf(options),
      dataset: options.dataset,
      file: options.file,
      timeoutMs: positiveInteger(options.timeout, '--timeout'),
    });
  });

program
  .command('backup')
  .description('copy the data dir to DEST, consistently even while a server writes to it')
  .argument('<dest>', 'new or empty directory for the backup')
  .addOption(dataDirOption())
  .action((destination: string, options) => backupCommand(dataDirOf(options), destination));

program
  .command('restore')
  .description('replace the data dir with a backup (stop the server first)')
  .argument('<src>', 'directory written by seven-tick backup')
  .addOption(dataDirOption())
  .option('--force', 'replace a data dir that already holds data')
  .action((source: string, options) =>
    restoreCommand(source, dataDirOf(options), options.force === true),
  );

const dataset = program.command('dataset').description('create, configure, list and drop datasets');
const reasoningOption = () =>
  new Option('--reasoning <mode>', 'inference kept current on every write').choices([
    'none',
    'rdfs',
    'owl2-rl',
  ]);
const shapesOption = () =>
  new Option('--shapes <file>', 'Turtle file of SHACL shapes every write must conform to');
dataset
  .command('create')
  .argument('<name>')
  .addOption(dataDirOption())
  .addOption(reasoningOption())
  .addOption(shapesOption())
  .action((name: string, options) => datasetCreate(dataDirOf(options), name, options));
dataset
  .command('set')
  .description("change a dataset's reasoning or shapes (--shapes '' removes them)")
  .argument('<name>')
  .addOption(dataDirOption())
  .addOption(reasoningOption())
  .addOption(shapesOption())
  .action((name: string, options) => datasetSet(dataDirOf(options), name, options));

program
  .command('validate')
  .description('validate data against SHACL shapes; exit 0 conforms, 1 does not, 2 on an error')
  .requiredOption('--shapes <file>', 'RDF file with the shapes graph')
  .option('--data <file>', 'RDF file to validate instead of a dataset')
  .option('--dataset <name>', 'dataset to validate (default: default)')
  .addOption(dataDirOption())
  .action(async (options) => {
    process.exitCode = await validateCommand({
      shapes: options.shapes,
      data: options.data,
      dataset: options.dataset,
      dataDir: dataDirOf(options),
      out: process.stdout,
    });
  });
dataset
  .command('list')
  .addOption(dataDirOption())
  .action((options) => datasetList(dataDirOf(options)));
dataset
  .command('drop')
  .argument('<name>')
  .addOption(dataDirOption())
  .action((name: string, options) => datasetDrop(dataDirOf(options), name));

const user = program
  .command('user')
  .description('manage users (passwords are read from a prompt or stdin)');
user
  .command('add')
  .argument('<username>')
  .addOption(dataDirOption())
  .option('--roles <roles>', 'comma-separated roles: admin, editor, writer, reader', 'reader')
  .action((username: string, options) => userAdd(dataDirOf(options), username, options.roles));
user
  .command('passwd')
  .description("set a new password; also revokes the user's tokens and lifts a lockout")
  .argument('<username>')
  .addOption(dataDirOption())
  .action((username: string, options) => userPasswd(dataDirOf(options), username));
user
  .command('remove')
  .argument('<username>')
  .addOption(dataDirOption())
  .action((username: string, options) => userRemove(dataDirOf(options), username));
user
  .command('list')
  .addOption(dataDirOption())
  .action((options) => userList(dataDirOf(options)));
user
  .command('unlock')
  .description('lift a lockout after failed logins and clear the failure count')
  .argument('<username>')
  .addOption(dataDirOption())
  .action((username: string, options) => userUnlock(dataDirOf(options), username));

const token = program.command('token').description('manage API tokens');
token
  .command('create')
  .argument('<username>')
  .addOption(dataDirOption())
  .option('--scopes <scopes>', 'comma-separated: read, write, delete, admin, metrics', 'read')
  .option('--name <label>', 'label shown in listings')
  .option('--expires-days <days>', 'lifetime in days (default: never expires)')
  .action((username: string, options) => tokenCreate(dataDirOf(options), username, options));
token
  .command('revoke')
  .argument('<id>')
  .addOption(dataDirOption())
  .action((id: string, options) => tokenRevoke(dataDirOf(options), id));
token
  .command('list')
  .argument('[username]')
  .addOption(dataDirOption())
  .action((username: string | undefined, options) => tokenList(dataDirOf(options), username));

const grant = program
  .command('grant')
  .description('manage access grants of users on datasets and named graphs');
const grantTarget = (command: Command) =>
  command
    .argument('<username>')
    .addOption(dataDirOption())
    .requiredOption('--dataset <name>', 'dataset name, or * for every dataset')
    .option('--graph <iri>', 'named graph IRI (default: the whole dataset)');
grantTarget(grant.command('add'))
  .description("add permissions to a user's grant")
  .requiredOption('--permissions <list>', 'comma-separated: read, write, delete, admin')
  .action((username: string, options) => grantAdd(dataDirOf(options), username, options));
grantTarget(grant.command('revoke'))
  .description("remove permissions from a user's grant on exactly this dataset or graph")
  .option('--permissions <list>', 'comma-separated permissions to remove (default: all)')
  .action((username: string, options) => grantRevoke(dataDirOf(options), username, options));
grant
  .command('list')
  .argument('[username]')
  .addOption(dataDirOption())
  .action((username: string | undefined, options) => grantList(dataDirOf(options), username));

const audit = program.command('audit').description('check the hash-chained audit log');
audit
  .command('verify')
  .description('verify the hash chain of DATA_DIR/audit; exit 0 intact, 1 damaged, 2 unreadable')
  .addOption(dataDirOption())
  .action(async (options) => {
    process.exitCode = await auditVerifyCommand({
      dataDir: dataDirOf(options),
      out: process.stdout,
    });
  });

const incident = program
  .command('incident')
  .description('show or change the incident level (none, low, medium, high, critical)');
incident
  .command('show')
  .addOption(dataDirOption())
  .action((options) => incidentShow(dataDirOf(options)));
incident
  .command('set')
  .description('set the level; a running server applies it within about a second')
  .argument('<level>', 'none, low, medium, high or critical')
  .addOption(dataDirOption())
  .option('--reason <text>', 'why, for the audit log')
  .action((level: string, options) => incidentSet(dataDirOf(options), level, options.reason));
incident
  .command('clear')
  .description('set the level to none; the only way out of critical (lockdown)')
  .addOption(dataDirOption())
  .option('--reason <text>', 'why, for the audit log')
  .action((options) => incidentSet(dataDirOf(options), 'none', options.reason));

program
  .command('check')
  .description('verify the data dir: SQLite integrity, segment checksums and term ids')
  .addOption(dataDirOption())
  .action((options) => checkCommand(dataDirOf(options)));

function positiveInteger(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number <= 0) {
    throw new KgError('INVALID_ARGUMENT', `${flag} must be a positive integer, got ${value}`);
  }
  return number;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  // Syntax errors already carry their file, line and column in the message.
  const message = error instanceof Error ? error.message : String(error);
  console.error(`seven-tick: ${message}`);
  const corrupt = error instanceof KgError && error.code === 'STORAGE_CORRUPT';
  process.exit(corrupt ? 1 : 2);
}
