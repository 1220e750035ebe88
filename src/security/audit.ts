/**
 * The append-only, hash-chained audit log in DATA_DIR/audit/audit-NNNNNN.jsonl.
 *
 * Durability is group commit: `append` assigns the entry its place in the chain at once and
 * returns a promise that settles after the entry's batch has been written and fsync'ed. The
 * server awaits it before sending the response, so an acknowledged action is on disk. Entries
 * that arrive while a sync is running share the next one.
 *
 * Files are created with mode 0600 in a 0700 directory. When the current file would grow past
 * `maxFileBytes` the log continues in the next file, and because `prev` always contains the hash
 * of the entry before it, the chain runs on across files.
 *
 * NOTE: one process may write a data dir's log at a time; a second writer would fork the chain.
 */

import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { StorageError } from '../errors.js';
import {
  AUDIT_FILE_PATTERN,
  GENESIS_HASH,
  auditFileName,
  buildEntry,
  formatEntry,
  type AuditEntry,
  type AuditEvent,
} from './audit-entry.js';

export {
  GENESIS_HASH,
  canonicalJson,
  hashEntry,
  isSecretKey,
  redact,
  type AuditEntry,
  type AuditEvent,
  type AuditType,
} from './audit-entry.js';
export { verifyAuditLog, type AuditVerifyResult } from './audit-verify.js';

export interface AuditLogOptions {
  /** The audit directory, normally DATA_DIR/audit; created with mode 0700 when missing. */
  dir: string;
  /** Size in bytes after which the log continues in a new file (default 64 MiB). */
  maxFileBytes?: number;
  /** Clock for entry times (tests pass a fixed one). */
  now?: () => Date;
  /** Called after each entry is durable, for example to count entries in metrics. */
  onAppend?: (entry: AuditEntry) => void;
}

/** Repairs that `AuditLog.open` made. */
export interface AuditRecovery {
  /** Bytes of an unterminated last line removed: an append that crashed before its sync. */
  truncatedBytes: number;
}

interface Pending {
  entry: AuditEntry;
  line: Buffer;
  resolve: (entry: AuditEntry) => void;
  reject: (error: unknown) => void;
}

const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Bytes read from the end of a file to find its last entry; entries are far smaller. */
const TAIL_BYTES = 1024 * 1024;

/** Lists the audit files of a directory as [index, name] in rotation order. */
export async function listAuditFiles(dir: string): Promise<Array<[number, string]>> {
  const names = await fs.readdir(dir);
  const files: Array<[number, string]> = [];
  for (const name of names) {
    const match = AUDIT_FILE_PATTERN.exec(name);
    if (match !== null) files.push([Number(match[1]), name]);
  }
  return files.sort((a, b) => a[0] - b[0]);
}

/** Appends audit entries; create one with `AuditLog.open`. */
export class AuditLog {
  readonly recovery: AuditRecovery;
  private readonly dir: string;
  private readonly maxFileBytes: number;
  private readonly now: () => Date;
  private readonly onAppend: (entry: AuditEntry) => void;
  private handle: fs.FileHandle;
  private fileIndex: number;
  private fileBytes: number;
  private seq: number;
  private lastHash: string;
  private pending: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private failure: StorageError | null = null;
  private closed = false;

  private constructor(
    options: AuditLogOptions,
    state: {
      handle: fs.FileHandle;
      fileIndex: number;
      fileBytes: number;
      seq: number;
      lastHash: string;
    },
    recovery: AuditRecovery,
  ) {
    this.dir = options.dir;
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.now = options.now ?? (() => new Date());
    this.onAppend = options.onAppend ?? (() => undefined);
    this.handle = state.handle;
    this.fileIndex = state.fileIndex;
    this.fileBytes = state.fileBytes;
    this.seq = state.seq;
    this.lastHash = state.lastHash;
    this.recovery = recovery;
  }

  /**
   * Opens the log, continuing the chain from the last entry on disk. An unterminated last line
   * (a crash during an append that was never acknowledged) is cut off and reported in
   * `recovery`. Any other damage stays, for `verifyAuditLog` to report.
   */
  static async open(options: AuditLogOptions): Promise<AuditLog> {
    try {
      await fs.mkdir(options.dir, { recursive: true, mode: 0o700 });
      const files = await listAuditFiles(options.dir);
      let seq = 0;
      let lastHash = GENESIS_HASH;
      let truncatedBytes = 0;
      // Walk back over empty files (a crash right after rotation) to the last entry.
      for (let i = files.length - 1; i >= 0; i--) {
        const file = path.join(options.dir, files[i]![1]);
        const tail = await readLastEntry(file, i === files.length - 1);
        truncatedBytes += tail.truncatedBytes;
        if (tail.entry !== null) {
          seq = tail.entry.seq;
          lastHash = tail.entry.hash;
          break;
        }
      }
      const fileIndex = files.length === 0 ? 1 : files[files.length - 1]![0];
      const file = path.join(options.dir, auditFileName(fileIndex));
      const handle = await fs.open(file, 'a', 0o600);
      await handle.chmod(0o600);
      const stats: Stats = await handle.stat();
      if (files.length === 0) await syncDirectory(options.dir);
      return new AuditLog(
        options,
        { handle, fileIndex, fileBytes: stats.size, seq, lastHash },
        { truncatedBytes },
      );
    } catch (error) {
      throw new StorageError(
        `Cannot open the audit log in ${options.dir}: ${String(error)}`,
        error,
      );
    }
  }

  /** The hash of the newest entry, to record outside the data dir as a trust anchor. */
  get headHash(): string {
    return this.lastHash;
  }

  /** The sequence number of the newest entry (0 before the first). */
  get headSeq(): number {
    return this.seq;
  }

  /**
   * Appends an event and resolves with its entry once it is durable. Throws
   * InvalidArgumentError for an invalid type. Rejects with StorageError when the log cannot be
   * written, and after such a failure every later append rejects too (fail closed).
   */
  append(event: AuditEvent): Promise<AuditEntry> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new StorageError('The audit log is closed'));
    const entry = buildEntry(event, this.seq + 1, this.lastHash, this.now());
    this.seq = entry.seq;
    this.lastHash = entry.hash;
    return new Promise((resolve, reject) => {
      this.pending.push({ entry, line: Buffer.from(formatEntry(entry), 'utf8'), resolve, reject });
      this.scheduleFlush();
    });
  }

  /** Resolves when every entry appended so far is durable. */
  async flush(): Promise<void> {
    // Bounded: each pass drains everything queued before it started.
    while (this.flushing !== null) await this.flushing;
    if (this.failure !== null) throw this.failure;
  }

  /** Flushes and closes the file; later appends reject. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush().catch(() => undefined);
    await this.handle.close();
  }

  private scheduleFlush(): void {
    if (this.flushing !== null) return;
    this.flushing = this.drain().finally(() => {
      this.flushing = null;
      // An append made by a caller resumed from the last batch's resolve lands here, after
      // drain's final queue check; start another flush for it.
      if (this.pending.length > 0) this.scheduleFlush();
    });
  }

  /** Writes batches until the queue is empty; entries queued during a sync form the next batch. */
  private async drain(): Promise<void> {
    while (this.pending.length > 0 && this.failure === null) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.writeBatch(batch);
      } catch (error) {
        this.failure = new StorageError(`Writing the audit log failed: ${String(error)}`, error);
        for (const item of [...batch, ...this.pending]) item.reject(this.failure);
        this.pending = [];
        return;
      }
      for (const item of batch) {
        item.resolve(item.entry);
        try {
          this.onAppend(item.entry);
        } catch {
          // A failing observer (metrics) must not fail the log or the request.
        }
      }
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    let chunk: Buffer[] = [];
    let chunkBytes = 0;
    for (const item of batch) {
      const wouldExceed = this.fileBytes + chunkBytes + item.line.length > this.maxFileBytes;
      if (wouldExceed && this.fileBytes + chunkBytes > 0) {
        await this.writeAndSync(chunk, chunkBytes);
        chunk = [];
        chunkBytes = 0;
        await this.rotate();
      }
      chunk.push(item.line);
      chunkBytes += item.line.length;
    }
    await this.writeAndSync(chunk, chunkBytes);
  }

  private async writeAndSync(chunk: Buffer[], bytes: number): Promise<void> {
    if (bytes === 0) return;
    const data = Buffer.concat(chunk, bytes);
    let offset = 0;
    // Bounded by the chunk size: every pass writes at least one byte or throws.
    while (offset < data.length) {
      const { bytesWritten } = await this.handle.write(data, offset, data.length - offset);
      if (bytesWritten <= 0) throw new Error('write returned no progress');
      offset += bytesWritten;
    }
    await this.handle.sync();
    this.fileBytes += bytes;
  }

  private async rotate(): Promise<void> {
    await this.handle.close();
    this.fileIndex += 1;
    const file = path.join(this.dir, auditFileName(this.fileIndex));
    // 'wx' fails if the file exists, so a rotation never appends to a stale file.
    this.handle = await fs.open(file, 'wx', 0o600);
    await this.handle.chmod(0o600);
    await syncDirectory(this.dir);
    this.fileBytes = 0;
  }
}

/** Makes a new directory entry durable, as POSIX requires after creating a file. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Reads the last complete entry of a file. With `repair`, an unterminated last line is cut
 * off. Returns entry null for an empty file.
 */
async function readLastEntry(
  file: string,
  repair: boolean,
): Promise<{ entry: AuditEntry | null; truncatedBytes: number }> {
  const handle = await fs.open(file, repair ? 'r+' : 'r');
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    let end = buffer.length;
    let truncatedBytes = 0;
    if (end > 0 && buffer[end - 1] !== 0x0a) {
      const lastNewline = buffer.lastIndexOf(0x0a);
      truncatedBytes = end - (lastNewline + 1);
      end = lastNewline + 1;
      if (repair) {
        await handle.truncate(start + end);
        await handle.sync();
      }
    }
    if (end === 0) return { entry: null, truncatedBytes };
    const lineStart = buffer.lastIndexOf(0x0a, end - 2) + 1;
    const text = buffer.subarray(lineStart, end - 1).toString('utf8');
    const entry = JSON.parse(text) as AuditEntry;
    if (!Number.isSafeInteger(entry.seq) || typeof entry.hash !== 'string') {
      throw new Error(`the last entry of ${file} has no seq or hash`);
    }
    return { entry, truncatedBytes };
  } finally {
    await handle.close();
  }
}
