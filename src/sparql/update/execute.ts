/**
 * Runs SPARQL 1.1 Update operations against a transaction. The operations of one request run
 * in order, each seeing what the ones before it wrote; the caller commits the transaction only
 * when all of them succeed, so a request is applied whole or not at all.
 *
 * Graphs exist while they hold quads (as in Jena TDB): CREATE of an empty graph changes
 * nothing, and DROP, COPY, MOVE and ADD of a named graph without quads fail unless SILENT.
 */
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, LimitExceededError, NotFoundError } from '../../errors.js';
import { keyKind, TermKind } from '../../rdf/terms.js';
import { collect } from '../../store/overlay.js';
import { QuadBuffer } from '../../store/quad-buffer.js';
import {
  ANY,
  DEFAULT_GRAPH_ID,
  LOCAL_ID_BASE,
  type QuadSource,
  type TermDictionary,
  type TermId,
} from '../../store/types.js';
import { PAUSE, QueryContext, UNBOUND, type Solution } from '../context.js';
import { DatasetView } from '../dataset.js';
import { Evaluator } from '../evaluator.js';
import type { TemplateTerm } from '../query.js';
import type { GraphRef, GraphSelector, TemplateQuad, UpdateOperation } from './operations.js';
import { resolvePackedQuads } from './packed-quads.js';
import { WithGraphView } from './with-graph.js';

/** Bytes one collected quad costs in a QuadBuffer. */
const QUAD_BYTES = 16;

export const DEFAULT_MAX_UPDATE_QUADS = 10_000_000;

/** The transaction an update writes to. */
export interface UpdateTarget {
  /** The store's dictionary; terms the update writes are interned into it. */
  readonly dictionary: TermDictionary;
  /** The transaction's current state, as the requester may read it. */
  readonly quads: QuadSource;
  /** Adds packed s,p,o,g quads; returns how many were new. Throws when a graph is not writable. */
  insert(quads: Uint32Array): number;
  /** Deletes packed quads; returns how many were present. Throws when a graph is protected. */
  delete(quads: Uint32Array): number;
  /**
   * Fetches and parses the document at `source` into packed quads in `graph`, interning its
   * terms. Absent when outbound requests are off, which makes LOAD fail (or do nothing, SILENT).
   */
  load?(source: string, graph: TermId, signal: AbortSignal | undefined): Promise<Uint32Array>;
}

export interface UpdateOptions {
  /** Milliseconds the whole request may take; default 30 000. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Budget in estimated bytes for each WHERE clause and the quads it produces. */
  maxQueryMemoryBytes?: number;
  maxGroups?: number;
  maxPathNodes?: number;
  /** Most quads one request may insert and delete in total; default 10 000 000. */
  maxUpdateQuads?: number;
}

export interface UpdateResult {
  /** Quads that were absent and are now present. */
  inserted: number;
  /** Quads that were present and are now absent. */
  deleted: number;
}

export async function executeUpdate(
  target: UpdateTarget,
  operations: readonly UpdateOperation[],
  options: UpdateOptions = {},
): Promise<UpdateResult> {
  const run = new UpdateRun(target, options);
  for (const operation of operations) {
    try {
      await run.execute(operation);
    } catch (error) {
      // SILENT turns a failed operation into a no-op; other operations still run.
      if (!('silent' in operation && operation.silent) || !isOperationFailure(error)) throw error;
    }
  }
  return run.result;
}

/**
 * Errors SILENT may hide: a missing or existing graph, a refused or failed LOAD. Timeouts,
 * cancellation and limits always stop the request.
 */
function isOperationFailure(error: unknown): boolean {
  if (error instanceof NotFoundError || error instanceof InvalidArgumentError) return true;
  const code = (error as { code?: unknown }).code;
  return (
    code === 'ACCESS_DENIED' ||
    code === 'OUTBOUND_FAILED' ||
    code === 'OUTBOUND_TIMEOUT' ||
    code === 'RDF_SYNTAX'
  );
}

class UpdateRun {
  readonly result: UpdateResult = { inserted: 0, deleted: 0 };
  private readonly deadline: number;
  private readonly timeoutMs: number;
  private readonly maxQuads: number;
  /** Quads inserted or deleted by the operations so far, including no-op ones. */
  private quadsWritten = 0;

  constructor(
    private readonly target: UpdateTarget,
    private readonly options: UpdateOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.deadline = Date.now() + this.timeoutMs;
    this.maxQuads = options.maxUpdateQuads ?? DEFAULT_MAX_UPDATE_QUADS;
  }

  async execute(operation: UpdateOperation): Promise<void> {
    switch (operation.type) {
      case 'insertData':
        this.insert(await this.instantiateData(operation, 'insert'));
        return;
      case 'deleteData':
        this.delete(await this.instantiateData(operation, 'delete'));
        return;
      case 'modify':
        return this.modify(operation);
      case 'load':
        return this.load(operation.source, operation.into);
      case 'clear':
        this.clear(operation.target, false);
        return;
      case 'drop':
        this.clear(operation.target, true);
        return;
      case 'create': {
        const id = this.target.dictionary.lookup(operation.graph);
        if (id !== undefined && this.graphHasQuads(id)) {
          throw new InvalidArgumentError(`Graph <${operation.graph}> already exists`);
        }
        return;
      }
      case 'add':
      case 'copy':
      case 'move':
        return this.transfer(operation.type, operation.source, operation.destination);
    }
  }

  private insert(quads: Uint32Array): void {
    if (quads.length === 0) return;
    this.count(quads);
    this.result.inserted += this.target.insert(quads);
  }

  private delete(quads: Uint32Array): void {
    if (quads.length === 0) return;
    this.count(quads);
    this.result.deleted += this.target.delete(quads);
  }

  /** Counts quads against maxUpdateQuads, which bounds the whole request, not one operation. */
  private count(quads: Uint32Array): void {
    this.quadsWritten += quads.length / 4;
    if (this.quadsWritten > this.maxQuads) throw this.tooManyQuads();
  }

  private tooManyQuads(): LimitExceededError {
    return new LimitExceededError('Quads per update request', this.maxQuads, 'maxUpdateQuads');
  }

  /** Instantiates INSERT DATA / DELETE DATA quads, which have no variables. */
  private async instantiateData(
    operation: Extract<UpdateOperation, { type: 'insertData' | 'deleteData' }>,
    role: 'insert' | 'delete',
  ): Promise<Uint32Array> {
    if (operation.packed !== undefined) {
      return resolvePackedQuads(this.target.dictionary, operation.packed, role);
    }
    const instantiator = new Instantiator(
      this.target.dictionary,
      operation.quads,
      role,
      DEFAULT_GRAPH_ID,
    );
    const out = new QuadBuffer();
    instantiator.addSolution(new Uint32Array(0), undefined, out);
    return out.view();
  }

  private async modify(operation: Extract<UpdateOperation, { type: 'modify' }>): Promise<void> {
    const { dictionary } = this.target;
    const where = operation.where;
    let targetGraph = DEFAULT_GRAPH_ID;
    let source: QuadSource = this.target.quads;
    if (operation.withGraph !== undefined) targetGraph = dictionary.intern(operation.withGraph);
    if (where.defaultGraphs !== undefined || where.namedGraphs !== undefined) {
      // USING and USING NAMED replace the dataset, WITH included.
      source = new DatasetView(source, dictionary, {
        defaultGraphs: where.defaultGraphs ?? [],
        namedGraphs: where.namedGraphs ?? [],
      });
    } else if (operation.withGraph !== undefined) {
      source = new WithGraphView(source, targetGraph);
    }

    const ctx = new QueryContext(
      dictionary,
      source,
      where.slotCount,
      Math.max(0, this.deadline - Date.now()),
      this.options.signal,
    );
    if (this.options.maxQueryMemoryBytes !== undefined) {
      ctx.maxQueryMemoryBytes = this.options.maxQueryMemoryBytes;
    }
    if (this.options.maxGroups !== undefined) ctx.maxGroups = this.options.maxGroups;
    if (this.options.maxPathNodes !== undefined) ctx.maxPathNodes = this.options.maxPathNodes;

    const deletes = new Instantiator(dictionary, operation.deletes, 'delete', targetGraph);
    const inserts = new Instantiator(dictionary, operation.inserts, 'insert', targetGraph);
    const deleted = new QuadBuffer();
    const inserted = new QuadBuffer();
    const solutions = new Evaluator(ctx).run(where.algebra);
    try {
      for (;;) {
        ctx.check();
        const next = solutions.next();
        if (next.done === true) break;
        if (next.value === PAUSE) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          ctx.paused();
          continue;
        }
        const before = deleted.length + inserted.length;
        deletes.addSolution(next.value, ctx, deleted);
        inserts.addSolution(next.value, ctx, inserted);
        const added = deleted.length + inserted.length - before;
        if (added > 0) ctx.chargeMemory(added * QUAD_BYTES);
        if (this.quadsWritten + deleted.length + inserted.length > this.maxQuads) {
          throw this.tooManyQuads();
        }
      }
    } finally {
      solutions.return();
    }
    // Both templates use the solutions of the state before this operation: delete, then insert.
    this.delete(deleted.view());
    this.insert(inserted.view());
  }

  private async load(source: string, into: GraphRef): Promise<void> {
    const load = this.target.load;
    if (load === undefined) {
      throw new InvalidArgumentError(
        `LOAD <${source}> needs outbound requests, which are off: set outbound.enabled and ` +
          'list the host in outbound.allowHosts',
      );
    }
    const graph =
      into.kind === 'default' ? DEFAULT_GRAPH_ID : this.target.dictionary.intern(into.iri);
    this.insert(await load.call(this.target, source, graph, this.options.signal));
  }

  /** CLEAR (dropping = false) or DROP: deletes every quad of the selected graphs. */
  private clear(selector: GraphSelector, dropping: boolean): void {
    const quads = this.target.quads;
    switch (selector.kind) {
      case 'default':
        this.delete(collect(quads.match(ANY, ANY, ANY, DEFAULT_GRAPH_ID)));
        return;
      case 'named': {
        const id = this.target.dictionary.lookup(selector.iri);
        if (id === undefined || !this.graphHasQuads(id)) {
          if (dropping) throw new NotFoundError(`Graph <${selector.iri}> does not exist`);
          return;
        }
        this.delete(collect(quads.match(ANY, ANY, ANY, id)));
        return;
      }
      case 'allNamed':
        this.delete(namedGraphQuads(quads));
        return;
      case 'all':
        this.delete(collect(quads.match(ANY, ANY, ANY, ANY)));
        return;
    }
  }

  private transfer(kind: 'add' | 'copy' | 'move', from: GraphRef, to: GraphRef): void {
    const source = this.graphIdOf(from);
    const destination = this.graphIdOf(to);
    if (from.kind === 'named' && (source === undefined || !this.graphHasQuads(source))) {
      throw new NotFoundError(`Graph <${from.iri}> does not exist`);
    }
    if (source === destination) return;
    const quads = collect(this.target.quads.match(ANY, ANY, ANY, source ?? DEFAULT_GRAPH_ID));
    const target = destination ?? this.target.dictionary.intern((to as { iri: string }).iri);
    if (kind !== 'add' && destination !== undefined) this.clear(to, false);
    for (let w = 3; w < quads.length; w += 4) quads[w] = target;
    if (kind === 'move') this.clear(from, false);
    this.insert(quads);
  }

  private graphIdOf(ref: GraphRef): TermId | undefined {
    return ref.kind === 'default' ? DEFAULT_GRAPH_ID : this.target.dictionary.lookup(ref.iri);
  }

  private graphHasQuads(id: TermId): boolean {
    return this.target.quads.count(ANY, ANY, ANY, id) > 0;
  }
}

/** Returns the quads of every named graph, packed. */
function namedGraphQuads(quads: QuadSource): Uint32Array {
  const out = new QuadBuffer();
  const cursor = quads.match(ANY, ANY, ANY, ANY);
  while (cursor.next()) {
    if (cursor.g !== DEFAULT_GRAPH_ID) out.push(cursor.s, cursor.p, cursor.o, cursor.g);
  }
  return out.view();
}

/**
 * Turns template quads and solutions into packed quads. Quads with an unbound variable, a
 * literal or blank node where an IRI is required, or (when deleting) a term the store does
 * not have, are skipped, as SPARQL 1.1 Update section 3.1.3 requires.
 */
class Instantiator {
  /** Fresh blank node labels: one prefix per operation, one counter value per solution. */
  private readonly blankPrefix = `_:u${randomBytes(6).toString('hex')}_`;
  private solutionNumber = 0;

  constructor(
    private readonly dictionary: TermDictionary,
    private readonly quads: readonly TemplateQuad[],
    private readonly role: 'insert' | 'delete',
    private readonly defaultGraph: TermId,
  ) {}

  addSolution(solution: Solution, ctx: QueryContext | undefined, out: QuadBuffer): void {
    if (this.quads.length === 0) return;
    const number = this.solutionNumber++;
    for (const quad of this.quads) {
      const s = this.resolve(quad.subject, solution, ctx, number);
      if (s === undefined || !isResource(this.kindOf(s))) continue;
      const p = this.resolve(quad.predicate, solution, ctx, number);
      if (p === undefined || this.kindOf(p) !== TermKind.NamedNode) continue;
      const o = this.resolve(quad.object, solution, ctx, number);
      if (o === undefined) continue;
      let g = this.defaultGraph;
      if (quad.graph !== undefined) {
        const id = this.resolve(quad.graph, solution, ctx, number);
        if (id === undefined || this.kindOf(id) !== TermKind.NamedNode) continue;
        g = id;
      }
      out.push(s, p, o, g);
    }
  }

  /** Returns the store id of a template term, or undefined when the quad must be skipped. */
  private resolve(
    term: TemplateTerm,
    solution: Solution,
    ctx: QueryContext | undefined,
    number: number,
  ): TermId | undefined {
    let key: string;
    if ('slot' in term) {
      const id = solution[term.slot] ?? UNBOUND;
      if (id === UNBOUND) return undefined;
      if (id < LOCAL_ID_BASE) return id;
      key = ctx!.keyOf(id);
    } else if ('key' in term) {
      key = term.key;
    } else {
      key = `${this.blankPrefix}${number}_${term.blank}`;
    }
    return this.role === 'insert' ? this.dictionary.intern(key) : this.dictionary.lookup(key);
  }

  /** Kind of a store id; resolve returns only store ids. */
  private kindOf(id: TermId): TermKind {
    return keyKind(this.dictionary.key(id));
  }
}

function isResource(kind: TermKind): boolean {
  return kind === TermKind.NamedNode || kind === TermKind.BlankNode;
}
