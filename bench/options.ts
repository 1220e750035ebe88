/** Command-line options of `npm run bench`. */
import type { DataName } from './stores.js';

export const SECTIONS = [
  'load',
  'lookups',
  'queries',
  'closure',
  'http',
  'shacl',
  'reasoning',
] as const;

export interface Options {
  data: DataName;
  /** Timed runs per figure (each after one untimed warm-up run). */
  runs: number;
  /** Sections to run. */
  only: Set<string>;
  /** Time cap of one Comunica query execution, in milliseconds. */
  comunicaCapMs: number;
  /** Length of one autocannon run, in seconds. */
  httpSeconds: number;
}

const USAGE =
  'Usage: npm run bench -- [--data lubm1|lubm8] [--runs N] [--skip-http] ' +
  `[--only ${SECTIONS.join(',')}] [--comunica-cap-ms N] [--http-seconds N]`;

function positiveInteger(flag: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${flag} must be a positive integer, got ${text ?? 'nothing'}. ${USAGE}`);
  }
  return value;
}

export function parseOptions(argv: string[]): Options {
  const options: Options = {
    data: 'lubm8',
    runs: 5,
    only: new Set(SECTIONS),
    comunicaCapMs: 10_000,
    httpSeconds: 5,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--data') {
      const data = argv[++i];
      if (data !== 'lubm1' && data !== 'lubm8') {
        throw new Error(`--data must be lubm1 or lubm8, got ${data ?? 'nothing'}`);
      }
      options.data = data;
    } else if (flag === '--runs') {
      options.runs = positiveInteger(flag, argv[++i]);
    } else if (flag === '--skip-http') {
      options.only.delete('http');
    } else if (flag === '--only') {
      const names = (argv[++i] ?? '').split(',').filter((name) => name !== '');
      const unknown = names.filter((name) => !(SECTIONS as readonly string[]).includes(name));
      if (names.length === 0 || unknown.length > 0) {
        throw new Error(`--only takes a comma-separated list of ${SECTIONS.join(', ')}. ${USAGE}`);
      }
      const skipHttp = !options.only.has('http');
      options.only = new Set(names);
      if (skipHttp) options.only.delete('http');
    } else if (flag === '--comunica-cap-ms') {
      options.comunicaCapMs = positiveInteger(flag, argv[++i]);
    } else if (flag === '--http-seconds') {
      options.httpSeconds = positiveInteger(flag, argv[++i]);
    } else {
      throw new Error(`Unknown argument ${flag}. ${USAGE}`);
    }
  }
  return options;
}

/** Sections that must all run for the report to replace docs/BENCHMARKS.md. */
const CORE_SECTIONS = ['load', 'lookups', 'queries', 'http'];

/**
 * Returns true when every core section runs, so the report may replace docs/BENCHMARKS.md.
 * The SHACL and reasoning sections are optional: on LUBM(8) they can take longer than the rest.
 */
export function isFullRun(options: Options): boolean {
  return CORE_SECTIONS.every((name) => options.only.has(name));
}
