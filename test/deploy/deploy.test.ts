/**
 * Structural checks of the container image files (deploy/Dockerfile, .dockerignore, the image's
 * config file) and of every setting, flag and environment variable the deploy files pass to the
 * server, so that a renamed option breaks a test instead of a deployment.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { readConfigFile, resolveConfig } from '../../src/config.js';
import {
  DEPLOY_DIR,
  REPO_ROOT,
  dockerStages,
  parseDockerfile,
  readRepoFile,
  unitSection,
  type DockerInstruction,
} from './deploy-files.js';

const dockerfile = parseDockerfile(readRepoFile('deploy/Dockerfile'));
const stages = dockerStages(dockerfile);
const runtime = stages.at(-1) ?? [];
const containerConfigFile = path.join(DEPLOY_DIR, 'container-config.json');

function argumentsOf(stage: DockerInstruction[], keyword: string): string[] {
  return stage.filter((instruction) => instruction.keyword === keyword).map((i) => i.argument);
}

/** Reads the JSON array form of CMD, ENTRYPOINT, VOLUME or HEALTHCHECK ... CMD. */
function jsonArray(text: string): string[] {
  const parsed: unknown = JSON.parse(text);
  assert.ok(Array.isArray(parsed), `expected a JSON array, got ${text}`);
  return parsed as string[];
}

describe('Dockerfile', () => {
  test('has build and runtime stages', () => {
    assert.ok(stages.length >= 2, `expected at least 2 FROM stages, found ${stages.length}`);
  });

  test('pins a Node 20 slim base image', () => {
    const imageArgument = dockerfile.find(
      (instruction) =>
        instruction.keyword === 'ARG' && instruction.argument.startsWith('NODE_IMAGE='),
    );
    assert.ok(imageArgument, 'ARG NODE_IMAGE=... is missing');
    assert.match(imageArgument.argument, /^NODE_IMAGE=node:20\.\d+\.\d+-[a-z]+-slim$/);
    for (const stage of stages) {
      assert.match(stage[0]!.argument, /^\$\{NODE_IMAGE\} AS [a-z-]+$/);
    }
  });

  test('builds with dev dependencies and ships production ones', () => {
    const runs = stages.map((stage) => argumentsOf(stage, 'RUN').join('\n'));
    assert.ok(
      runs.some((run) => /npm ci(?![^\n]*--omit=dev)/.test(run) && run.includes('npm run build')),
    );
    assert.ok(runs.some((run) => run.includes('npm ci --omit=dev')));
    const runtimeRuns = argumentsOf(runtime, 'RUN').join('\n');
    assert.doesNotMatch(
      runtimeRuns,
      /npm (ci|install)/,
      'the runtime stage must not install packages',
    );
    const copiedModules = argumentsOf(runtime, 'COPY').find((copy) =>
      copy.includes('node_modules'),
    );
    assert.ok(copiedModules, 'the runtime stage copies no node_modules');
    const sourceStage = /--from=(\S+)/.exec(copiedModules)?.[1];
    const stageWithOmitDev = stages.find((stage) =>
      stage[0]!.argument.endsWith(` AS ${sourceStage}`),
    );
    assert.ok(stageWithOmitDev, `node_modules come from an unknown stage ${sourceStage}`);
    assert.match(argumentsOf(stageWithOmitDev, 'RUN').join('\n'), /npm ci --omit=dev/);
  });

  test('runs as a numeric non-root user', () => {
    const users = argumentsOf(runtime, 'USER');
    assert.equal(users.length, 1, 'the runtime stage needs exactly one USER');
    const match = /^(\d+)(?::(\d+))?$/.exec(users[0]!);
    assert.ok(match, `USER must be numeric, got ${users[0]}`);
    assert.notEqual(Number(match[1]), 0);
    if (match[2] !== undefined) assert.notEqual(Number(match[2]), 0);
  });

  test('health check calls /health with node', () => {
    const checks = argumentsOf(runtime, 'HEALTHCHECK');
    assert.equal(checks.length, 1);
    const command = jsonArray(checks[0]!.slice(checks[0]!.indexOf('CMD') + 3).trim());
    assert.equal(command[0], 'node');
    const script = command[1]!;
    const copied = argumentsOf(runtime, 'COPY').find((copy) =>
      copy.endsWith(` ./${path.relative('/app', script)}`),
    );
    assert.ok(copied, `${script} is not copied into /app`);
    const source = copied.split(/\s+/)[0]!;
    assert.match(readRepoFile(source), /path: '\/health'/);
  });

  test('data dir is a volume owned by the user', () => {
    const config = readConfigFile(containerConfigFile);
    assert.deepEqual(jsonArray(argumentsOf(runtime, 'VOLUME')[0] ?? 'null'), [config.dataDir]);
    const uid = argumentsOf(runtime, 'USER')[0]!.split(':')[0];
    assert.match(
      argumentsOf(runtime, 'RUN').join('\n'),
      new RegExp(`chown ${uid}:\\d+ ${config.dataDir}`),
    );
  });

  test('exposes the configured port', () => {
    const config = readConfigFile(containerConfigFile);
    assert.deepEqual(argumentsOf(runtime, 'EXPOSE'), [String(config.port)]);
  });

  test('binds all interfaces only with TLS', () => {
    const config = resolveConfig({ config: containerConfigFile }, {});
    assert.equal(config.host, '0.0.0.0');
    assert.ok(config.tlsCert, 'the image config binds 0.0.0.0 without tlsCert');
    assert.ok(config.tlsKey, 'the image config binds 0.0.0.0 without tlsKey');
    const environment = argumentsOf(runtime, 'ENV').join(' ');
    assert.match(environment, new RegExp(`SEVEN_TICK_CONFIG=/etc/seven-tick/config.json`));
    assert.ok(
      argumentsOf(runtime, 'COPY').includes(
        'deploy/container-config.json /etc/seven-tick/config.json',
      ),
    );
  });

  test('copies sources that exist and are in the context', () => {
    const ignore = readRepoFile('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    assert.equal(ignore[0], '*', '.dockerignore should exclude everything first');
    const included = ignore.filter((line) => line.startsWith('!')).map((line) => line.slice(1));
    for (const copy of dockerfile.filter((instruction) => instruction.keyword === 'COPY')) {
      if (copy.argument.startsWith('--from=')) continue;
      const sources = copy.argument.split(/\s+/).slice(0, -1);
      for (const source of sources) {
        assert.ok(existsSync(path.join(REPO_ROOT, source)), `COPY source ${source} does not exist`);
        const inContext = included.some(
          (entry) => source === entry || source.startsWith(`${entry}/`),
        );
        assert.ok(inContext, `COPY source ${source} is excluded by .dockerignore`);
      }
    }
  });
});

describe('deploy settings', () => {
  test('config files use valid settings', () => {
    for (const file of ['deploy/container-config.json', 'deploy/systemd/config.json']) {
      // readConfigFile rejects unknown keys. resolveConfig also checks settings that depend on
      // each other, such as a TLS certificate without its key.
      assert.doesNotThrow(() => readConfigFile(path.join(REPO_ROOT, file)), file);
      assert.doesNotThrow(() => resolveConfig({ config: path.join(REPO_ROOT, file) }, {}), file);
    }
  });

  test('command-line flags exist', () => {
    const unit = unitSection(readRepoFile('deploy/systemd/seven-tick.service'), 'Service');
    const commands = [
      unit.get('ExecStart')![0]!.split(/\s+/).slice(2),
      jsonArray(argumentsOf(runtime, 'CMD')[0]!),
    ];
    const help = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'serve', '--help'],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(help.status, 0, help.stderr);
    for (const command of commands) {
      assert.equal(command[0], 'serve');
      for (const flag of command.filter((word) => word.startsWith('--'))) {
        assert.match(help.stdout, new RegExp(`^\\s+${flag}\\b`, 'm'), `serve has no flag ${flag}`);
      }
    }
  });

  test('SECURITY.md names real settings', () => {
    const text = readRepoFile('SECURITY.md');
    const table = text.slice(text.indexOf('## Security defaults'), text.indexOf('## Hardening'));
    const rows = table.split('\n').filter((line) => /^\| (?!-|default)/.test(line));
    assert.ok(rows.length > 10, `found only ${rows.length} rows in the defaults table`);
    const configSource = readRepoFile('src/config.ts');
    const mainSource = readRepoFile('src/cli/main.ts');
    const source = sourceText();
    for (const row of rows) {
      const [, keys = '', variables = '', flags = ''] = row
        .split('|')
        .map((cell) => cell.trim())
        .slice(1);
      for (const key of keys.match(/`[a-zA-Z.]+`/g) ?? []) {
        // Nested keys such as outbound.maxBytes are listed by their last part in config.ts.
        const name = key.slice(1, -1).split('.').at(-1)!;
        assert.match(configSource, new RegExp(`\\b${name}\\b`), `unknown setting ${key}`);
      }
      for (const variable of variables.match(/SEVEN_TICK_[A-Z_]+/g) ?? []) {
        assert.ok(source.includes(variable), `${variable} is not read anywhere in src/`);
      }
      for (const flag of flags.match(/--[a-z-]+/g) ?? []) {
        assert.ok(
          mainSource.includes(`'${flag} `) || mainSource.includes(`'${flag}'`),
          `unknown flag ${flag}`,
        );
      }
    }
  });

  test('environment variables exist', () => {
    const deployText = listFiles(DEPLOY_DIR)
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const variables = new Set(deployText.match(/SEVEN_TICK_[A-Z_]+/g) ?? []);
    assert.ok(variables.size > 0);
    const source = sourceText();
    for (const variable of variables) {
      assert.ok(source.includes(variable), `${variable} is not read anywhere in src/`);
    }
  });
});

/** Returns the text of every TypeScript file under src/, joined. */
function sourceText(): string {
  return listFiles(path.join(REPO_ROOT, 'src'))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}
