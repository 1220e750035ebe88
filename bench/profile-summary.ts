/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): the functions with the most self time and
 * the most total (inclusive) time, as percentages of the sampled time. Samples from the first
 * SKIP_SECONDS of the profile (default 0) are left out, so a server's start-up does not count.
 *
 *   node --import tsx bench/profile-summary.ts FILE.cpuprofile [TOP] [SKIP_SECONDS]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  name: string;
  selfMicros: number;
  totalMicros: number;
}

function functionKey(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file =
    url === '' ? '' : ` ${path.basename(url.replace(/^file:\/\//, ''))}:${lineNumber + 1}`;
  const name = functionName || '(anonymous)';
  // Regular expressions show up under their source text, which can run to kilobytes.
  return `${name.length > 60 ? `${name.slice(0, 60)}…` : name}${file}`;
}

/** Self and total microseconds per function, sorted by self time. */
export function summarizeProfile(
  profile: CpuProfile,
  skipMicros = 0,
): { functions: FunctionTime[]; totalMicros: number } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const times = new Map<string, FunctionTime>();
  const entry = (name: string) => {
    let found = times.get(name);
    if (found === undefined) {
      found = { name, selfMicros: 0, totalMicros: 0 };
      times.set(name, found);
    }
    return found;
  };
  let totalMicros = 0;
  let elapsedMicros = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    elapsedMicros += delta;
    if (elapsedMicros < skipMicros) return;
    totalMicros += delta;
    entry(functionKey(byId.get(id)!)).selfMicros += delta;
    // Count each function once per sample, however deep it recurses.
    const seen = new Set<string>();
    for (
      let current: number | undefined = id;
      current !== undefined;
      current = parent.get(current)
    ) {
      const key = functionKey(byId.get(current)!);
      if (seen.has(key)) continue;
      seen.add(key);
      entry(key).totalMicros += delta;
    }
  });
  const functions = [...times.values()].sort((a, b) => b.selfMicros - a.selfMicros);
  return { functions, totalMicros };
}

export function formatProfile(file: string, top: number, skipSeconds = 0): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const { functions, totalMicros } = summarizeProfile(profile, skipSeconds * 1e6);
  const percent = (micros: number) => `${((micros * 100) / totalMicros).toFixed(1)} %`;
  const lines = [
    `${path.basename(file)}: ${(totalMicros / 1e6).toFixed(2)} s sampled after the first ${skipSeconds} s`,
    '',
    '| function | self | total |',
    '| --- | ---: | ---: |',
    ...functions
      .slice(0, top)
      .map((fn) => `| ${fn.name} | ${percent(fn.selfMicros)} | ${percent(fn.totalMicros)} |`),
    '',
    'Top by total time:',
    '',
    '| function | total | self |',
    '| --- | ---: | ---: |',
    ...[...functions]
      .sort((a, b) => b.totalMicros - a.totalMicros)
      .slice(0, top)
      .map((fn) => `| ${fn.name} | ${percent(fn.totalMicros)} | ${percent(fn.selfMicros)} |`),
  ];
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(path.resolve(process.argv[1] ?? '')).href) {
  const [file, top = '25', skip = '0'] = process.argv.slice(2);
  if (!file || !(Number(top) > 0) || !(Number(skip) >= 0)) {
    throw new Error('Usage: profile-summary.ts FILE.cpuprofile [TOP] [SKIP_SECONDS]');
  }
  console.log(formatProfile(file, Number(top), Number(skip)));
}
