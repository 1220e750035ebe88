/**
 * Verification of the audit log's hash chain. It detects an edited entry (hash mismatch), a
 * deleted or reordered entry (sequence or `prev` mismatch), a deleted file (gap in file
 * numbers) and a damaged line. It cannot detect the removal of the newest entries or of the
 * whole log, because nothing later refers to them. To detect that, compare `lastHash` with a
 * copy kept elsewhere.
 */

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { NotFoundError } from '../errors.js';
import { AUDIT_FILE_PATTERN, GENESIS_HASH, hashEntry, type AuditEntry } from './audit-entry.js';

export interface AuditVerifyResult {
  ok: boolean;
  /** Entries checked and found good, in order from the first. */
  entries: number;
  files: number;
  /** Hash of the last good entry (GENESIS_HASH for an empty log). */
  lastHash: string;
  /** Sequence number the first bad entry has or should have had. */
  firstBadSeq?: number;
  /** Description of the first problem, with the file and line. */
  reason?: string;
}

const ENTRY_FIELDS = ['actor', 'address', 'detail', 'hash', 'prev', 'seq', 'time', 'type'];
const HASH_PATTERN = /^[0-9a-f]{64}$/;

/** Returns a description of what is wrong with an entry's shape, or null when it is whole. */
function shapeProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'is not a JSON object';
  }
  const keys = Object.keys(value).sort();
  if (keys.join(',') !== ENTRY_FIELDS.join(',')) {
    return `has fields ${keys.join(', ')}; expected ${ENTRY_FIELDS.join(', ')}`;
  }
  const entry = value as Record<string, unknown>;
  if (!Number.isSafeInteger(entry.seq)) return 'has no integer seq';
  if (typeof entry.hash !== 'string' || !HASH_PATTERN.test(entry.hash))
    return 'has a malformed hash';
  if (typeof entry.prev !== 'string' || !HASH_PATTERN.test(entry.prev))
    return 'has a malformed prev';
  return null;
}

/**
 * Verifies every audit file in `dir` in order. Throws NotFoundError when the directory does
 * not exist; an existing directory without files is an empty, valid log.
 */
export async function verifyAuditLog(dir: string): Promise<AuditVerifyResult> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(`Audit directory ${dir} does not exist`);
    }
    throw error;
  }
  const files = names
    .map((name) => ({ name, match: AUDIT_FILE_PATTERN.exec(name) }))
    .filter((file) => file.match !== null)
    .map((file) => ({ name: file.name, index: Number(file.match![1]) }))
    .sort((a, b) => a.index - b.index);

  let entries = 0;
  let lastHash = GENESIS_HASH;
  const bad = (reason: string): AuditVerifyResult => ({
    ok: false,
    entries,
    files: files.length,
    lastHash,
    firstBadSeq: entries + 1,
    reason,
  });

  for (let i = 0; i < files.length; i++) {
    const { name, index } = files[i]!;
    if (index !== i + 1) {
      return bad(
        `file ${name} follows ${i === 0 ? 'nothing' : files[i - 1]!.name}; audit-${String(i + 1).padStart(6, '0')}.jsonl is missing`,
      );
    }
    const text = await fs.readFile(path.join(dir, name), 'utf8');
    if (text !== '' && !text.endsWith('\n')) {
      // An unterminated line is only legitimate as the crash tail AuditLog.open removes.
      const where = i === files.length - 1 ? 'ends' : 'ends before the next file starts';
      return bad(`${name} ${where} with an unterminated line`);
    }
    const lines = text === '' ? [] : text.slice(0, -1).split('\n');
    for (let lineIndex = 0; lineIndex < lines.length; lineIndex++) {
      const where = `${name} line ${lineIndex + 1}`;
      let parsed: unknown;
      try {
        parsed = JSON.parse(lines[lineIndex]!);
      } catch {
        return bad(`${where} is not valid JSON`);
      }
      const problem = shapeProblem(parsed);
      if (problem !== null) return bad(`${where} ${problem}`);
      const entry = parsed as AuditEntry;
      if (entry.seq !== entries + 1) {
        return bad(`${where} has seq ${entry.seq}; expected ${entries + 1}`);
      }
      if (entry.prev !== lastHash) {
        return bad(`${where} (seq ${entry.seq}) does not link to the entry before it`);
      }
      if (hashEntry(entry) !== entry.hash) {
        return bad(`${where} (seq ${entry.seq}) does not match its hash; the entry was changed`);
      }
      entries += 1;
      lastHash = entry.hash;
    }
  }
  return { ok: true, entries, files: files.length, lastHash };
}
