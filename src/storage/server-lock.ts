/**
 * The pid file a server keeps in its data dir, so that commands that must not run beside a
 * server (restore) can refuse. A file left by a server that was killed names a dead process
 * and is ignored.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from '../errors.js';

export const PID_FILE = 'server.pid';

/** Records this process as the server of `dataDir`; returns a function that removes the record. */
export function writeServerPid(dataDir: string): () => void {
  const file = path.join(dataDir, PID_FILE);
  writeFileSync(file, `${process.pid}\n`, { mode: 0o600 });
  return () => {
    if (runningServerPid(dataDir) === process.pid) rmSync(file, { force: true });
  };
}

/** Returns the pid of a live server process on `dataDir`, or undefined. */
export function runningServerPid(dataDir: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(dataDir, PID_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/**
 * Throws when a server runs on `dataDir`. Commands that write quads or terms call it: the
 * server keeps the indexes in memory and would not see their write until it restarts.
 */
export function refuseWhileServing(dataDir: string, what: string): void {
  const pid = runningServerPid(dataDir);
  if (pid === undefined) return;
  throw new InvalidArgumentError(
    `A seven-tick server (pid ${pid}) is serving ${dataDir}; ${what} through its HTTP API, ` +
      'or stop the server first',
  );
}
