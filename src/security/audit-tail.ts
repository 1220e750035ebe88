/** Reads the newest entries of an audit log, for the admin API. */

import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { AuditEntry } from './audit-entry.js';
import { listAuditFiles } from './audit.js';

/**
 * Returns up to `limit` of the newest entries, oldest first. Lines that do not parse (damage
 * that `verifyAuditLog` reports) are skipped. Reads whole files, newest first, and stops once
 * it has enough.
 * NOTE: one file can reach the rotation size (64 MiB by default), all of which is read; the
 * route is admin-only.
 */
export async function readAuditTail(dir: string, limit: number): Promise<AuditEntry[]> {
  const files = await listAuditFiles(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const newestFirst: AuditEntry[] = [];
  for (let i = files.length - 1; i >= 0 && newestFirst.length < limit; i--) {
    const text = await fs.readFile(path.join(dir, files[i]![1]), 'utf8');
    const lines = text.split('\n');
    for (let j = lines.length - 1; j >= 0 && newestFirst.length < limit; j--) {
      const line = lines[j]!;
      if (line === '') continue;
      try {
        newestFirst.push(JSON.parse(line) as AuditEntry);
      } catch {
        // A damaged line; verification reports it.
      }
    }
  }
  return newestFirst.reverse();
}
