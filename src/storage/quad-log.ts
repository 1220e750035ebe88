/**
 * The durable record of terms, datasets and quads in the data dir's database.
 *
 * Quads are stored as an append-only log of segments per dataset. Each segment is a
 * checksummed blob of packed uint32 s,p,o,g ids, and a commit writes new terms and segments in
 * one SQLite transaction, so a load or update is all-or-nothing on disk as well as in memory.
 */
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import {
  InvalidArgumentError,
  NotFoundError,
  StorageCorruptError,
  StorageError,
  StorageFullError,
} from '../errors.js';
import type { SqliteDatabase } from './database.js';

/** Quads per segment blob: 1 Mi quads is 16 MiB, well under SQLite's 1 GB blob limit. */
export const SEGMENT_QUADS = 1 << 20;

const DATASET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

if (endianness() !== 'LE') {
  // Blobs are written straight from Uint32Array memory; a big-endian host would misread them.
  throw new StorageError('seven-tick storage needs a little-endian CPU');
}

export interface DatasetInfo {
  name: string;
  createdAt: string;
  settings: Record<string, unknown>;
}

export interface Segment {
  id: number;
  op: 'add' | 'delete';
  quads: Uint32Array;
}

/** One atomic write: terms first seen in it, then quads to add and to delete. */
export interface Commit {
  dataset: string;
  /** Id of newTermKeys[0]; must equal the number of terms stored before this commit. */
  firstNewTermId: number;
  newTermKeys: readonly string[];
  adds?: Uint32Array;
  deletes?: Uint32Array;
  /** Origin of the data (a file name, or "update"), stored for the operator. */
  source?: string;
}

/** Throws InvalidArgumentError unless `name` is a valid dataset name. */
export function checkDatasetName(name: string): void {
  if (!DATASET_NAME.test(name)) {
    throw new InvalidArgumentError(
      `Invalid dataset name ${JSON.stringify(name)}: use 1-64 letters, digits, '-' or '_', ` +
        `starting with a letter or digit`,
    );
  }
}

export class QuadLog {
  constructor(readonly db: SqliteDatabase) {}

  /**
   * Returns every term key in id order. Ids must be exactly 0..n-1 with '' (the default graph)
   * at 0; anything else means the file was damaged.
   */
  readTermKeys(): string[] {
    const steps = this.readTermKeysStepwise();
    for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
  }

  /** Reads the term keys like readTermKeys, yielding after every 100,000 rows. */
  *readTermKeysStepwise(): Generator<void, string[]> {
    const keys: string[] = [];
    const rows = this.db.prepare('SELECT id, key FROM terms ORDER BY id').raw().iterate();
    for (const row of rows as Iterable<[number, string]>) {
      if (row[0] !== keys.length) {
        throw new StorageCorruptError(
          `Term table is not contiguous: expected id ${keys.length}, found ${row[0]}`,
        );
      }
      keys.push(row[1]);
      if (keys.length % 100_000 === 0) yield;
    }
    if (keys.length > 0 && keys[0] !== '') {
      throw new StorageCorruptError('Term id 0 must be the default graph');
    }
    return keys;
  }

  termCount(): number {
    const row = this.db.prepare('SELECT COALESCE(MAX(id) + 1, 0) AS n FROM terms').get() as {
      n: number;
    };
    return row.n;
  }

  listDatasets(): DatasetInfo[] {
    const rows = this.db
      .prepare('SELECT name, created_at, settings FROM datasets ORDER BY name')
      .all() as { name: string; created_at: string; settings: string }[];
    return rows.map((row) => ({
      name: row.name,
      createdAt: row.created_at,
      settings: JSON.parse(row.settings) as Record<string, unknown>,
    }));
  }

  hasDataset(name: string): boolean {
    return this.db.prepare('SELECT 1 FROM datasets WHERE name = ?').get(name) !== undefined;
  }

  /** Creates a dataset; returns false when it already exists. */
  createDataset(name: string, settings: Record<string, unknown> = {}): boolean {
    checkDatasetName(name);
    const result = this.db
      .prepare(
        'INSERT INTO datasets (name, created_at, settings) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      )
      .run(name, new Date().toISOString(), JSON.stringify(settings));
    return result.changes === 1;
  }

  /** Replaces a dataset's settings (stored as JSON). */
  setDatasetSettings(name: string, settings: Record<string, unknown>): void {
    const result = this.db
      .prepare('UPDATE datasets SET settings = ? WHERE name = ?')
      .run(JSON.stringify(settings), name);
    if (result.changes === 0) throw new NotFoundError(`Dataset ${name} does not exist`);
  }

  /** Drops a dataset and all its quads (terms stay, since other datasets share them). */
  dropDataset(name: string): void {
    const result = this.db.prepare('DELETE FROM datasets WHERE name = ?').run(name);
    if (result.changes === 0) throw new NotFoundError(`Dataset ${name} does not exist`);
  }

  /** Yields the segments of a dataset in commit order, each checked against its checksum. */
  *readSegments(dataset: string, termCount: number): Generator<Segment> {
    const rows = this.db
      .prepare(
        'SELECT id, op, quad_count, data, sha256 FROM segments WHERE dataset = ? ORDER BY id',
      )
      .iterate(dataset) as Iterable<{
      id: number;
      op: 'add' | 'delete';
      quad_count: number;
      data: Buffer;
      sha256: string;
    }>;
    for (const row of rows) {
      yield { id: row.id, op: row.op, quads: decodeSegment(row, dataset, termCount) };
    }
  }

  /** Number of segments a dataset's quads are stored in. */
  segmentCount(dataset: string): number {
    const row = this.db
      .prepare('SELECT count(*) AS n FROM segments WHERE dataset = ?')
      .get(dataset) as { n: number };
    return row.n;
  }

  /**
   * Replaces every segment of a dataset by `quads`, its current content, in one durable
   * transaction: replaying a long log of small writes at start-up then costs one read, and
   * deleted quads stop taking space. A failure leaves the old segments in place.
   */
  compact(dataset: string, quads: Uint32Array): void {
    checkDatasetName(dataset);
    const now = new Date().toISOString();
    this.runWrite(
      this.db.transaction(() => {
        if (!this.hasDataset(dataset)) throw new NotFoundError(`Dataset ${dataset} does not exist`);
        this.db.prepare('DELETE FROM segments WHERE dataset = ?').run(dataset);
        this.insertSegments(dataset, 'add', quads, 'compaction', now);
      }),
      'Compacting the dataset',
    );
  }

  /** Writes `quads` as segments of at most SEGMENT_QUADS quads; call inside a transaction. */
  private insertSegments(
    dataset: string,
    op: 'add' | 'delete',
    quads: Uint32Array,
    source: string | null,
    now: string,
  ): void {
    const insertSegment = this.db.prepare(
      'INSERT INTO segments (dataset, op, quad_count, data, sha256, source, created_at) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    for (let start = 0; start < quads.length; start += SEGMENT_QUADS * 4) {
      const chunk = quads.subarray(start, Math.min(quads.length, start + SEGMENT_QUADS * 4));
      const data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      const digest = createHash('sha256').update(data).digest('hex');
      insertSegment.run(dataset, op, chunk.length / 4, data, digest, source, now);
    }
  }

  /** Runs a write transaction, mapping a full disk and other database errors to KgErrors. */
  private runWrite(write: () => void, what: string): void {
    try {
      write();
    } catch (error) {
      if (error instanceof StorageError || error instanceof NotFoundError) throw error;
      if ((error as { code?: unknown }).code === 'SQLITE_FULL') {
        throw new StorageFullError(
          'The disk holding the data dir is full; the write was not applied. Free space and retry.',
          error,
        );
      }
      throw new StorageError(`${what} failed: ${(error as Error).message}`, error);
    }
  }

  /** Writes a commit in one durable transaction. */
  commit(commit: Commit): void {
    checkDatasetName(commit.dataset);
    const insertTerm = this.db.prepare('INSERT INTO terms (id, key) VALUES (?, ?)');
    const now = new Date().toISOString();

    const write = this.db.transaction(() => {
      if (!this.hasDataset(commit.dataset)) {
        throw new NotFoundError(`Dataset ${commit.dataset} does not exist`);
      }
      // Another process (a CLI load next to a running server) may have added terms since
      // this process read the dictionary. Its ids would then clash with ours.
      const stored = this.termCount();
      if (stored !== commit.firstNewTermId) {
        throw new StorageError(
          `The data dir was changed by another seven-tick process (${stored} terms stored, ` +
            `${commit.firstNewTermId} expected); nothing was written. Retry after restarting.`,
        );
      }
      commit.newTermKeys.forEach((key, index) =>
        insertTerm.run(commit.firstNewTermId + index, key),
      );
      const parts: ['add' | 'delete', Uint32Array | undefined][] = [
        ['add', commit.adds],
        ['delete', commit.deletes],
      ];
      for (const [op, quads] of parts) {
        if (quads !== undefined) {
          this.insertSegments(commit.dataset, op, quads, commit.source ?? null, now);
        }
      }
    });
    this.runWrite(write, 'Writing to the database');
  }
}

function decodeSegment(
  row: { id: number; quad_count: number; data: Buffer; sha256: string },
  dataset: string,
  termCount: number,
): Uint32Array {
  const where = `segment ${row.id} of dataset ${dataset}`;
  const digest = createHash('sha256').update(row.data).digest('hex');
  if (digest !== row.sha256) {
    throw new StorageCorruptError(`Checksum mismatch in ${where}: the database file is damaged`);
  }
  if (row.data.byteLength !== row.quad_count * 16) {
    throw new StorageCorruptError(`Length mismatch in ${where}`);
  }
  // Copy into a fresh aligned buffer: SQLite's blob may start at any byte offset.
  const quads = new Uint32Array(row.quad_count * 4);
  new Uint8Array(quads.buffer).set(row.data);
  for (let i = 0; i < quads.length; i++) {
    if (quads[i] >= termCount) {
      throw new StorageCorruptError(`Unknown term id ${quads[i]} in ${where}`);
    }
  }
  return quads;
}
