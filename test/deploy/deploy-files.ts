/**
 * Readers for the files under deploy/: a small Dockerfile parser, the Kubernetes YAML documents
 * and the [Service] section of the systemd unit. The deploy tests share them.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEPLOY_DIR = path.join(REPO_ROOT, 'deploy');

export function readRepoFile(relativePath: string): string {
  return readFileSync(path.join(REPO_ROOT, relativePath), 'utf8');
}

/** One Dockerfile instruction with its continuation lines joined. */
export interface DockerInstruction {
  /** Upper-case keyword: FROM, RUN, COPY, USER, ... */
  keyword: string;
  /** Everything after the keyword, trimmed. */
  argument: string;
}

/**
 * Parses a Dockerfile into instructions. Comment lines, parser directives and blank lines are
 * dropped, and a line that ends in a backslash continues on the next line.
 */
export function parseDockerfile(text: string): DockerInstruction[] {
  const instructions: DockerInstruction[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (pending === '' && (trimmed === '' || trimmed.startsWith('#'))) continue;
    if (trimmed.startsWith('#')) continue;
    if (trimmed.endsWith('\\')) {
      pending += `${trimmed.slice(0, -1)} `;
      continue;
    }
    const whole = (pending + trimmed).trim();
    pending = '';
    const match = /^(\S+)\s*(.*)$/s.exec(whole);
    if (match) instructions.push({ keyword: match[1]!.toUpperCase(), argument: match[2]!.trim() });
  }
  return instructions;
}

/** Splits instructions into build stages, each starting with its FROM instruction. */
export function dockerStages(instructions: DockerInstruction[]): DockerInstruction[][] {
  const stages: DockerInstruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') stages.push([instruction]);
    else stages.at(-1)?.push(instruction);
  }
  return stages;
}

type YamlLoader = { loadAll(text: string): unknown[] };

/**
 * Parses every YAML document of a file with js-yaml (a dev dependency), loaded through require
 * with the one method used typed here instead of adding its type declarations package.
 */
export function loadYamlDocuments(relativePath: string): Record<string, unknown>[] {
  const yaml = createRequire(import.meta.url)('js-yaml') as YamlLoader;
  return yaml
    .loadAll(readRepoFile(relativePath))
    .filter((document): document is Record<string, unknown> => document !== null);
}

/**
 * Returns the settings of one section of a systemd unit as name → values, in file order. A
 * setting given several times keeps every value, and an empty assignment (`Name=`) stays as ''.
 */
export function unitSection(text: string, section: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let current = '';
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(trimmed);
    if (header) {
      current = header[1]!;
      continue;
    }
    if (current !== section) continue;
    const equals = trimmed.indexOf('=');
    if (equals < 0) continue;
    const name = trimmed.slice(0, equals).trim();
    settings.set(name, [...(settings.get(name) ?? []), trimmed.slice(equals + 1).trim()]);
  }
  return settings;
}
