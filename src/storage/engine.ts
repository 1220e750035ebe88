/**
 * The open data dir: the durable database plus the in-memory 7T indexes rebuilt from it.
 * One Engine per process; the server and the CLI commands both work through it.
 *
 * Every write goes to the database first (one durable transaction) and only then into the
 * in-memory indexes, so a failed write leaves both untouched.
 */
import { InvalidArgumentError, NotFoundError, StorageCorruptError } from '../errors.js';
import { isAbsoluteIri } from '../rdf/terms.js';
import { MemoryDictionary } from '../store/dictionary.js';
import { QuadStore } from '../store/quad-store.js';
import type { QuadSource, TermDictionary } from '../store/types.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { QuadBuffer } from '../store/quad-buffer.js';
import { parseFileInto } from './parse-into.js';
import { LogCompactor } from './compaction.js';
import { WriteFaults, type StorageFault } from './write-faults.js';
import { QuadLog, type DatasetInfo } from './quad-log.js';
import { CommittedDictionary, Transaction, WriteLock } from './transaction.js';
import {
  compileShapesText,
  DatasetFeatures,
  parseSettings,
  rejectUnlessConforms,
  type DatasetSettings,
} from './features.js';
import { runSteps } from '../reasoning/index.js';
import { validate } from '../shacl/index.js';
import { OverlayStore } from '../store/overlay.js';

export const DEFAULT_DATASET = 'default';

export interface OpenOptions {
  /**
   * Open without writing anything: the data dir must exist and hold a valid database. For
   * commands that only read (query, dataset list, check), so a mistyped --data-dir is an error
   * instead of a new empty data dir.
   */
  readonly?: boolean;
}

/** A dataset as the query layer reads it: its name, the shared dictionary and its quads. */
export interface DatasetView {
  readonly name: string;
  readonly dictionary: TermDictionary;
  readonly quads: QuadSource;
}

export interface LoadOptions {
  /** IRI of the named graph that receives the file's default-graph triples. */
  graph?: string;
  /** Base IRI for relative IRIs in Turtle and TriG; default: the file's file: URL. */
  baseIri?: string;
  /** Called with bytes read so far (compressed bytes for .gz files). */
  onProgress?: (bytesRead: number, quadsRead: number) => void;
  signal?: AbortSignal;
}

export interface LoadResult {
  file: string;
  /** Quads read from the file. */
  parsed: number;
  /** Quads that were new to the dataset. */
  added: number;
}

/** What a committed write changed. */
export interface WriteResult<T> {
  /** What the transaction's work returned. */
  value: T;
  /** Quads added to the dataset. */
  inserted: number;
  /** Quads removed from the dataset. */
  deleted: number;
}

export type { StorageFault } from './write-faults.js';

export class Engine {
  private readonly datasets = new Map<string, QuadStore>();
  /** Shapes and reasoning of the datasets that have them. */
  private readonly features = new Map<string, DatasetFeatures>();
  /** Writers run one at a time, so a transaction's base is the state it commits onto. */
  private readonly writes = new WriteLock();
  /** Dictionary size after the last commit; readers see no id at or above it. */
  private committedTerms: number;
  /** Disk I/O errors: the first one disables writes until restart (see write-faults.ts). */
  private readonly faults = new WriteFaults();
  /** Folds long segment logs into the current quads (see compaction.ts). */
  private readonly compactor: LogCompactor;

  private constructor(
    readonly dataDir: string,
    readonly db: SqliteDatabase,
    readonly log: QuadLog,
    readonly dictionary: MemoryDictionary,
  ) {
    this.committedTerms = dictionary.size;
    this.compactor = new LogCompactor(log, this.writes, {
      store: (dataset) => this.datasets.get(dataset),
      writable: () => this.db.open && this.faults.fault === undefined,
      failure: (error, dataset) => this.writeFailure(error, dataset),
    });
  }

  /** Segment log compactions done since open, and the error of the last failed one. */
  get compaction(): { done: number; lastFailure: unknown } {
    return { done: this.compactor.compactions, lastFailure: this.compactor.lastFailure };
  }

  /**
   * Opens a data dir, verifying every segment's checksum while rebuilding the indexes;
   * a damaged file raises StorageCorruptError instead of serving partial data.
   */
  static open(dataDir: string, options: OpenOptions = {}): Engine {
    const steps = Engine.openSteps(dataDir, options);
    for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
  }

  /**
   * Opens like `open`, but lets the event loop run between steps of the rebuild (every
   * segment and every 100,000 terms), so a server's probes respond while a large data dir opens.
   */
  static async openAsync(dataDir: string, options: OpenOptions = {}): Promise<Engine> {
    const steps = Engine.openSteps(dataDir, options);
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) return step.value;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private static *openSteps(dataDir: string, options: OpenOptions): Generator<void, Engine> {
    const readonly = options.readonly ?? false;
    const db = openDatabase(dataDir, { readonly });
    try {
      const log = new QuadLog(db);
      const keys = yield* log.readTermKeysStepwise();
      if (keys.length === 0 && readonly) {
        throw new StorageCorruptError(`The database in ${dataDir} has no term dictionary`);
      }
      const dictionary =
        keys.length === 0 ? new MemoryDictionary() : MemoryDictionary.fromKeys(keys);
      if (keys.length === 0) {
        log.commit({ dataset: ensureDefault(log), firstNewTermId: 0, newTermKeys: [''] });
      }
      const engine = new Engine(dataDir, db, log, dictionary);
      let withFeatures: string | undefined;
      for (const info of log.listDatasets()) {
        engine.datasets.set(info.name, yield* engine.readDataset(info.name));
        const settings = parseSettings(info.settings);
        if (settings.reasoning !== undefined || settings.shapes !== undefined) {
          withFeatures = info.name;
          // Materialisation pauses every few milliseconds, so a server opening a large
          // reasoning dataset (LUBM(8) under OWL 2 RL: about 23 s of CPU) still responds to /health.
          const store = engine.datasets.get(info.name)!;
          const features = yield* DatasetFeatures.buildSteps(settings, dictionary, store);
          engine.features.set(info.name, features);
          yield;
        }
      }
      // Reasoners intern their vocabulary; store those terms so ids stay stable.
      if (!readonly && withFeatures !== undefined) {
        engine.commitNewTerms(withFeatures, engine.committedTerms);
      }
      engine.committedTerms = dictionary.size;
      return engine;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  private *readDataset(name: string): Generator<void, QuadStore> {
    const store = new QuadStore();
    for (const segment of this.log.readSegments(name, this.dictionary.size)) {
      if (segment.op === 'add') store.addMany(segment.quads);
      else store.deleteMany(segment.quads);
      yield;
    }
    return store;
  }

  listDatasets(): (DatasetInfo & { quads: number })[] {
    return this.log.listDatasets().map((info) => ({
      ...info,
      quads: this.datasets.get(info.name)?.size ?? 0,
    }));
  }

  hasDataset(name: string): boolean {
    return this.datasets.has(name);
  }

  /** Creates a dataset; returns false when it already existed. */
  createDataset(name: string): boolean {
    this.requireWritable();
    let created: boolean;
    try {
      created = this.log.createDataset(name);
    } catch (error) {
      throw this.writeFailure(error, name);
    }
    if (!this.datasets.has(name)) this.datasets.set(name, new QuadStore());
    return created;
  }

  dropDataset(name: string): void {
    this.requireWritable();
    try {
      this.log.dropDataset(name);
    } catch (error) {
      throw this.writeFailure(error, name);
    }
    this.datasets.delete(name);
    this.features.delete(name);
  }

  /**
   * Returns a consistent, read-only view of a dataset for querying: writes that commit later
   * do not show in it. Throws NotFoundError for an unknown name.
   */
  dataset(name: string, options: { assertedOnly?: boolean } = {}): DatasetView {
    const quads = this.datasets.get(name);
    if (quads === undefined) throw new NotFoundError(`Dataset ${name} does not exist`);
    const snapshot = quads.snapshot();
    const features = this.features.get(name);
    return {
      name,
      dictionary: new CommittedDictionary(this.dictionary, this.committedTerms),
      quads: features?.readView(snapshot, options.assertedOnly === true) ?? snapshot,
    };
  }

  /** Returns a dataset's settings (reasoning, shapes); throws NotFoundError for an unknown one. */
  datasetSettings(name: string): DatasetSettings {
    if (!this.datasets.has(name)) throw new NotFoundError(`Dataset ${name} does not exist`);
    return this.features.get(name)?.settings ?? {};
  }

  /**
   * Changes a dataset's shapes and reasoning, after the writes queued before. New shapes must
   * accept the data already there (ValidationFailedError with the report otherwise); a new rule
   * set is materialised at once. Nothing changes when either step fails.
   */
  configureDataset(name: string, settings: DatasetSettings): Promise<void> {
    return this.writes.run(async () => {
      const store = this.datasets.get(name);
      if (store === undefined) throw new NotFoundError(`Dataset ${name} does not exist`);
      this.requireWritable();
      const mark = this.dictionary.mark();
      try {
        if (settings.shapes !== undefined) {
          const shapes = compileShapesText(settings.shapes);
          await rejectUnlessConforms(
            validate(shapes, { dictionary: this.dictionary, quads: store.snapshot() }),
            `Dataset ${name}`,
          );
        }
        // The write lock is held, so the store stays as it is while the steps pause.
        const features = await runSteps(
          DatasetFeatures.buildSteps(settings, this.dictionary, store),
        );
        this.log.setDatasetSettings(name, { ...settings });
        this.commitNewTerms(name, mark);
        if (settings.reasoning === undefined && settings.shapes === undefined) {
          this.features.delete(name);
        } else {
          this.features.set(name, features);
        }
      } catch (error) {
        this.dictionary.rollback(mark);
        throw this.writeFailure(error, name);
      }
    });
  }

  /** Stores terms interned since `mark` that are not in the database yet, with no quads. */
  private commitNewTerms(dataset: string, mark: number): void {
    const stored = this.log.termCount();
    if (this.dictionary.size <= stored) return;
    this.log.commit({
      dataset,
      firstNewTermId: stored,
      newTermKeys: this.dictionary.keysFrom(Math.max(mark, stored)),
    });
    this.committedTerms = this.dictionary.size;
  }

  /**
   * Runs `work` as one write transaction on a dataset, after the writes queued before it.
   * When `work` resolves, its changes are written to the database in one durable commit and
   * only then applied to the in-memory indexes; when it throws, or the commit fails, nothing
   * is written and the dictionary drops the terms the transaction added.
   */
  transaction<T>(
    dataset: string,
    work: (transaction: Transaction) => Promise<T>,
    options: { source?: string } = {},
  ): Promise<WriteResult<T>> {
    return this.writes.run(async () => {
      const store = this.datasets.get(dataset);
      if (store === undefined) throw new NotFoundError(`Dataset ${dataset} does not exist`);
      this.requireWritable();
      const dictionary = this.dictionary;
      const mark = dictionary.mark();
      try {
        const transaction = new Transaction(dataset, dictionary, store.snapshot());
        const value = await work(transaction);
        const adds = transaction.quads.additions();
        const deletes = transaction.quads.deletions();
        if (adds.length === 0 && deletes.length === 0) {
          // Nothing to store: terms the work looked up or interned are not needed.
          dictionary.rollback(mark);
          return { value, inserted: 0, deleted: 0 };
        }
        await this.commitWrite(dataset, store, transaction.quads, { adds, deletes, mark }, options);
        return { value, inserted: adds.length / 4, deleted: deletes.length / 4 };
      } catch (error) {
        dictionary.rollback(mark);
        throw error;
      }
    });
  }

  /**
   * Checks a write against the dataset's shapes, plans its inferences, commits it durably and
   * applies it in memory. `after` is the state the write produces, when the caller has it.
   */
  private async commitWrite(
    dataset: string,
    store: QuadStore,
    after: QuadSource | undefined,
    write: { adds: Uint32Array; deletes: Uint32Array; mark: number },
    options: { source?: string },
  ): Promise<void> {
    const { adds, deletes, mark } = write;
    const features = this.features.get(dataset);
    if (features?.shapes !== undefined) {
      let state = after;
      if (state === undefined) {
        const overlay = new OverlayStore(store.snapshot());
        overlay.deleteMany(deletes);
        overlay.addMany(adds);
        state = overlay;
      }
      await features.checkShapes(this.dictionary, state, adds, deletes);
    }
    const plan = features?.planReasoning(this.dictionary, adds, deletes);
    try {
      this.log.commit({
        dataset,
        firstNewTermId: mark,
        newTermKeys: this.dictionary.keysFrom(mark),
        adds,
        deletes,
        source: options.source,
      });
    } catch (error) {
      throw this.writeFailure(error, dataset);
    }
    store.deleteMany(deletes);
    store.addMany(adds);
    features?.commitReasoning(plan);
    this.committedTerms = this.dictionary.size;
    this.compactor.afterCommit(dataset, store);
  }

  /** The disk I/O error that disabled writes, or undefined while writes are allowed. */
  get storageFault(): StorageFault | undefined {
    return this.faults.fault;
  }

  /** Throws StorageIoError once a disk I/O error has disabled writes. */
  private requireWritable(): void {
    this.faults.requireWritable();
  }

  /** See WriteFaults.failure. */
  private writeFailure(error: unknown, dataset: string): unknown {
    return this.faults.failure(error, dataset);
  }

  /** Total quads over all datasets. */
  get quadCount(): number {
    let total = 0;
    for (const store of this.datasets.values()) total += store.size;
    return total;
  }

  /**
   * Loads one RDF file into a dataset, all or nothing: a syntax error anywhere in the file
   * leaves the dataset, the dictionary and the database exactly as they were.
   */
  async loadFile(dataset: string, file: string, options: LoadOptions = {}): Promise<LoadResult> {
    const [result] = await this.loadFiles(dataset, [file], options);
    return result;
  }

  /** Loads several files as one all-or-nothing commit. */
  loadFiles(
    dataset: string,
    files: readonly string[],
    options: LoadOptions = {},
  ): Promise<LoadResult[]> {
    return this.writes.run(() => this.loadFilesNow(dataset, files, options));
  }

  private async loadFilesNow(
    dataset: string,
    files: readonly string[],
    options: LoadOptions,
  ): Promise<LoadResult[]> {
    const store = this.datasets.get(dataset);
    if (store === undefined) throw new NotFoundError(`Dataset ${dataset} does not exist`);
    this.requireWritable();
    if (options.graph !== undefined && !isAbsoluteIri(options.graph)) {
      throw new InvalidArgumentError(`Graph name must be an absolute IRI, got ${options.graph}`);
    }

    const dictionary = this.dictionary;
    const mark = dictionary.mark();
    const buffer = new QuadBuffer();
    try {
      const targetGraph =
        options.graph === undefined ? undefined : dictionary.intern(options.graph);
      const results: LoadResult[] = [];
      for (const file of files) {
        const parsed = await parseFileInto(buffer, file, this.dictionary, targetGraph, options);
        results.push({ file, parsed, added: 0 });
      }
      // The segment gets each new quad once, in SPOG order: repeated lines and quads the
      // dataset already has are dropped, and start-up finds the segment already sorted.
      const quads = buffer.sortDistinct(store);
      const before = store.size;
      await this.commitWrite(
        dataset,
        store,
        undefined,
        { adds: quads, deletes: new Uint32Array(0), mark },
        { source: files.length === 1 ? files[0] : `${files.length} files` },
      );
      const added = store.size - before;
      // addMany reports only the total, so a multi-file result attributes it to the last file.
      results[results.length - 1].added = added;
      return results;
    } catch (error) {
      dictionary.rollback(mark);
      throw error;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function ensureDefault(log: QuadLog): string {
  log.createDataset(DEFAULT_DATASET);
  return DEFAULT_DATASET;
}
