/**
 * The report around the section tables: machine and package versions, the command, the date,
 * and how to read a ratio.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { ROOT, packageVersion } from './stores.js';

/** One 7T/peer ratio for the chart: above 1 means 7T is faster (or smaller, for memory). */
export interface Figure {
  name: string;
  peer: string;
  ratio: number;
}

export interface Section {
  title: string;
  /** Markdown under the heading: a sentence on the method, then the table. */
  body: string;
}

export interface ReportInput {
  data: string;
  runs: number;
  command: string;
  sections: Section[];
  startedAt: Date;
  /** One-minute load averages, sampled whenever the bench process was between tasks. */
  loadAverages: number[];
  /** The 15-minute load average when the bench finished. */
  finalLoad15: number;
}

export function machineDescription(): string {
  const cores = cpus();
  const model = cores[0]?.model.trim() ?? 'unknown CPU';
  return (
    `${cores.length} × ${model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ` +
    `Node.js ${process.version} on ${process.platform}/${process.arch}`
  );
}

function ownVersion(): string {
  const file = path.join(ROOT, 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

export function versionsDescription(): string {
  const versions = [
    ['7T (seven-tick)', ownVersion()],
    ['oxigraph', packageVersion('oxigraph')],
    ['n3', packageVersion('n3')],
    ['@comunica/query-sparql-rdfjs', packageVersion('@comunica/query-sparql-rdfjs')],
    ['autocannon', packageVersion('autocannon')],
  ];
  return versions.map(([name, version]) => `${name} ${version}`).join(', ');
}

/**
 * Samples the 1-minute os.loadavg() every 5 s until stopped. A timer cannot fire while the
 * process waits in spawnSync, so long child runs add no samples; the timer does not keep Node
 * alive.
 */
export function watchLoad(): { stop(): number[] } {
  const samples: number[] = [loadavg()[0]];
  const timer = setInterval(() => samples.push(loadavg()[0]), 5000);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      samples.push(loadavg()[0]);
      return samples;
    },
  };
}

export function renderReport(input: ReportInput): string {
  const load = input.loadAverages;
  const maxLoad = Math.max(...load);
  const cores = cpus().length;
  const busy =
    Math.max(maxLoad, input.finalLoad15) > cores * 0.75
      ? `The machine was busy: the 1-minute load average reached ${maxLoad.toFixed(1)} in the ` +
        `samples taken and the 15-minute average was ${input.finalLoad15.toFixed(1)} at the ` +
        `end, on ${cores} cores, so other processes shared the CPUs.`
      : `The 1-minute load average stayed at or below ${maxLoad.toFixed(1)} in the samples ` +
        `taken, and the 15-minute average was ${input.finalLoad15.toFixed(1)} at the end, on ` +
        `${cores} cores.`;
  const lines = [
    '# Benchmarks',
    '',
    `Run on ${input.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC with ` +
      `\`${input.command}\`, data ${input.data}, ${input.runs} timed runs per figure after a ` +
      'warm-up run.',
    '',
    `- Machine: ${machineDescription()}.`,
    `- Packages: ${versionsDescription()}.`,
    `- ${busy}`,
    '',
    'Each figure is the median with the min–max range of the runs in brackets. A ratio is a ' +
      '7T/peer speed-up: above 1× means 7T is faster (ours over theirs for rates, theirs over ' +
      'ours for times) or, for memory, smaller. The chart `bench-ratios.svg` shows the same ' +
      'ratios on a log scale.',
    '',
    'Oxigraph is its npm WebAssembly build running in the same Node.js process, which is ' +
      "slower than its native Rust server; these are not figures for Oxigraph's server.",
    '',
    '![7T/peer ratios](bench-ratios.svg)',
    '',
    'Options: `npm run bench -- [--data lubm1|lubm8] [--runs N] [--skip-http] ' +
      '[--only load,lookups,queries,closure,http,shacl,reasoning] [--comunica-cap-ms N] ' +
      '[--http-seconds N]`. The data is the LUBM folder next to the checkout ' +
      '(`../shared/data/lubm/`).',
    '',
  ];
  for (const section of input.sections) {
    lines.push(`## ${section.title}`, '', section.body.trim(), '');
  }
  return lines.join('\n');
}
