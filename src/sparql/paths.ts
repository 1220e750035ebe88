/**
 * Evaluation of the Path operator (SPARQL 1.1 sections 9.3 and 18.5) over term ids with
 * index lookups. Links, sequences, alternatives and negated property sets have bag semantics:
 * one result per way through the graph. The closures `*` and `+` and the optional step `?`
 * have set semantics: each node is reached at most once per start node, which also stops
 * cycles. `*` and `?` include the zero-length path. It relates a constant of the query to
 * itself, in the graph or not, and a variable only to the subjects and objects of the graph.
 * Visited sets, frontiers and start-node lists are charged to the query's memory budget.
 */
import { LimitExceededError } from '../errors.js';
import { ANY, DEFAULT_GRAPH_ID, LOCAL_ID_BASE, type TermId } from '../store/types.js';
import type { Path, PathExpression, PatternTerm } from './algebra.js';
import { mapEntryBytes, MemoryReservation, NUMBER_BYTES } from './memory.js';
import {
  hasSetSemantics,
  matchesZeroLength,
  resolvePath,
  type ResolvedPath,
} from './path-resolve.js';
import {
  PAUSE,
  UNBOUND,
  type Pause,
  type QueryContext,
  type Solution,
  type SolutionStream,
} from './context.js';

/** Estimated size of one node kept in a Set and in a list. */
const NODE_BYTES = mapEntryBytes(NUMBER_BYTES) + NUMBER_BYTES;

/** Term ids reached by a path, with PAUSE passed up when the event loop is due a turn. */
type NodeStream = Generator<TermId | Pause, void, undefined>;

export class PathEvaluator {
  private readonly resolved = new Map<PathExpression, ResolvedPath>();
  private readonly graphNodes = new Map<TermId, TermId[]>();
  private namedGraphIds: TermId[] | undefined;
  private visitedNodes = 0;

  constructor(private readonly ctx: QueryContext) {}

  /** Yields every extension of `input` that matches the Path operator. */
  *run(op: Path, input: Solution): SolutionStream {
    const path = this.resolve(op.path);
    const graph = op.graph;
    if (graph.type === 'default') {
      yield* this.runInGraph(op, path, input, DEFAULT_GRAPH_ID);
      return;
    }
    if (graph.type === 'named') {
      const id = this.ctx.storeIdOf(graph.key);
      if (id !== undefined && this.isNamedGraph(id)) yield* this.runInGraph(op, path, input, id);
      return;
    }
    const bound = input[graph.slot]!;
    if (bound !== UNBOUND) {
      if (this.isNamedGraph(bound)) yield* this.runInGraph(op, path, input, bound);
      return;
    }
    for (const id of yield* this.listNamedGraphs()) {
      const seed = input.slice();
      seed[graph.slot] = id;
      yield* this.runInGraph(op, path, seed, id);
    }
  }

  private isNamedGraph(id: TermId): boolean {
    return (
      id < LOCAL_ID_BASE && id !== DEFAULT_GRAPH_ID && this.ctx.quads.count(ANY, ANY, ANY, id) > 0
    );
  }

  /** Evaluates the path in one graph, from whichever end is bound, or from every start node. */
  private *runInGraph(
    op: Path,
    path: ResolvedPath,
    input: Solution,
    graph: TermId,
  ): SolutionStream {
    const subject = this.endValue(op.subject, input);
    const object = this.endValue(op.object, input);
    // The zero-length path relates a variable only to nodes of the graph, and a constant to
    // itself. So with no constant end, a value bound by an earlier pattern (VALUES ?v { 1 })
    // that no quad of the graph mentions matches nothing, not even itself.
    if (!('key' in op.subject) && !('key' in op.object)) {
      if (subject !== UNBOUND && !this.isGraphNode(subject, graph)) return;
      if (object !== UNBOUND && !this.isGraphNode(object, graph)) return;
    }
    if (subject !== UNBOUND && object !== UNBOUND) {
      const count = yield* this.countPaths(path, subject, object, graph);
      for (let i = 0; i < count; i++) yield input.slice();
      return;
    }
    if (subject !== UNBOUND) {
      yield* this.bindEach(this.step(path, subject, graph, true), input, op.object);
      return;
    }
    if (object !== UNBOUND) {
      yield* this.bindEach(this.step(path, object, graph, false), input, op.subject);
      return;
    }
    const subjectSlot = (op.subject as { slot: number }).slot;
    const objectSlot = (op.object as { slot: number }).slot;
    const memory = new MemoryReservation(this.ctx);
    try {
      const starts = yield* this.startNodes(path, graph, memory);
      for (const start of starts) {
        const seed = input.slice();
        seed[subjectSlot] = start;
        if (subjectSlot === objectSlot) {
          // ?x path ?x: the paths from a node back to itself.
          const count = yield* this.countPaths(path, start, start, graph);
          for (let i = 0; i < count; i++) yield seed.slice();
          continue;
        }
        yield* this.bindEach(this.step(path, start, graph, true), seed, op.object);
      }
    } finally {
      memory.release();
    }
  }

  /** True when a quad of the graph has the node as its subject or object. */
  private isGraphNode(node: TermId, graph: TermId): boolean {
    if (node >= LOCAL_ID_BASE) return false;
    const quads = this.ctx.quads;
    return quads.count(node, ANY, ANY, graph) > 0 || quads.count(ANY, ANY, node, graph) > 0;
  }

  private endValue(term: PatternTerm, input: Solution): TermId {
    return 'key' in term ? this.ctx.idOf(term.key) : input[term.slot]!;
  }

  private *bindEach(nodes: NodeStream, input: Solution, end: PatternTerm): SolutionStream {
    const slot = (end as { slot: number }).slot;
    for (const node of nodes) {
      if (node === PAUSE) {
        yield PAUSE;
        continue;
      }
      const out = input.slice();
      out[slot] = node;
      yield out;
    }
  }

  /**
   * Counts the paths from `subject` to `object`: 0 or 1 for set semantics. It walks from the
   * end whose first step the store counts as cheaper.
   */
  private *countPaths(
    path: ResolvedPath,
    subject: TermId,
    object: TermId,
    graph: TermId,
  ): Generator<Pause, number, undefined> {
    const forward =
      this.fanOut(path, subject, graph, true) <= this.fanOut(path, object, graph, false);
    const start = forward ? subject : object;
    const target = forward ? object : subject;
    const once = hasSetSemantics(path);
    let count = 0;
    for (const node of this.step(path, start, graph, forward)) {
      if (node === PAUSE) yield PAUSE;
      else if (node === target) {
        count++;
        if (once) break;
      }
    }
    return count;
  }

  /** Estimates the matches of the first step from `node`, from store counts. */
  private fanOut(path: ResolvedPath, node: TermId, graph: TermId, forward: boolean): number {
    if (node >= LOCAL_ID_BASE) return 0;
    switch (path.type) {
      case 'link':
        if (path.id === undefined) return 0;
        return forward
          ? this.ctx.quads.count(node, path.id, ANY, graph)
          : this.ctx.quads.count(ANY, path.id, node, graph);
      case 'negatedSet':
        return forward
          ? this.ctx.quads.count(node, ANY, ANY, graph)
          : this.ctx.quads.count(ANY, ANY, node, graph);
      case 'inverse':
        return this.fanOut(path.path, node, graph, !forward);
      case 'sequence':
        return this.fanOut(forward ? path.left : path.right, node, graph, forward);
      case 'alternative':
        return (
          this.fanOut(path.left, node, graph, forward) +
          this.fanOut(path.right, node, graph, forward)
        );
      case 'zeroOrMore':
      case 'oneOrMore':
      case 'zeroOrOne':
        return 1 + this.fanOut(path.path, node, graph, forward);
    }
  }

  /**
   * Yields the nodes reached from `node` along the path (forward) or against it (backward),
   * once per way for bag operators and once per node for closures.
   */
  private *step(path: ResolvedPath, node: TermId, graph: TermId, forward: boolean): NodeStream {
    switch (path.type) {
      case 'link':
        if (path.id !== undefined) yield* this.neighbours(node, path.id, undefined, graph, forward);
        return;
      case 'negatedSet':
        // NOTE: one result per matching quad, so two predicates outside the set between the
        // same nodes give two solutions. This follows the bag reading of the spec's NPS.
        yield* this.neighbours(node, ANY, path.ids, graph, forward);
        return;
      case 'inverse':
        yield* this.step(path.path, node, graph, !forward);
        return;
      case 'sequence': {
        const first = forward ? path.left : path.right;
        const second = forward ? path.right : path.left;
        for (const middle of this.step(first, node, graph, forward)) {
          if (middle === PAUSE) yield PAUSE;
          else yield* this.step(second, middle, graph, forward);
        }
        return;
      }
      case 'alternative':
        yield* this.step(path.left, node, graph, forward);
        yield* this.step(path.right, node, graph, forward);
        return;
      case 'zeroOrOne':
        yield* this.closure(path.path, node, graph, forward, true, 1);
        return;
      case 'zeroOrMore':
        yield* this.closure(path.path, node, graph, forward, true, Infinity);
        return;
      case 'oneOrMore':
        yield* this.closure(path.path, node, graph, forward, false, Infinity);
        return;
    }
  }

  /**
   * Searches breadth-first from `start`, up to `maxDepth` steps of `path`, and yields each
   * node once. It yields `start` itself only when `includeStart` is set or a cycle returns to it.
   */
  private *closure(
    path: ResolvedPath,
    start: TermId,
    graph: TermId,
    forward: boolean,
    includeStart: boolean,
    maxDepth: number,
  ): NodeStream {
    const visited = new Set<TermId>();
    // Each visited node costs NODE_BYTES: its Set entry and its place in one frontier.
    const memory = new MemoryReservation(this.ctx);
    try {
      if (includeStart) {
        this.countVisit();
        memory.charge(NODE_BYTES);
        visited.add(start);
        yield start;
      }
      let frontier = [start];
      for (let depth = 0; depth < maxDepth && frontier.length > 0; depth++) {
        const next: TermId[] = [];
        for (const node of frontier) {
          for (const reached of this.step(path, node, graph, forward)) {
            if (reached === PAUSE) {
              yield PAUSE;
              continue;
            }
            if (visited.has(reached)) continue;
            this.countVisit();
            memory.charge(NODE_BYTES);
            visited.add(reached);
            next.push(reached);
            yield reached;
          }
        }
        frontier = next;
      }
    } finally {
      memory.release();
    }
  }

  private countVisit(): void {
    const max = this.ctx.maxPathNodes;
    if (++this.visitedNodes > max)
      throw new LimitExceededError('Property path nodes visited', max, 'maxPathNodes');
  }

  /** Yields the other end of each quad through `node`, skipping predicates in `excluded`. */
  private *neighbours(
    node: TermId,
    predicate: TermId,
    excluded: ReadonlySet<TermId> | undefined,
    graph: TermId,
    forward: boolean,
  ): NodeStream {
    // A query-local id names a term no stored quad contains.
    if (node >= LOCAL_ID_BASE) return;
    const ctx = this.ctx;
    const cursor = forward
      ? ctx.quads.match(node, predicate, ANY, graph)
      : ctx.quads.match(ANY, predicate, node, graph);
    while (cursor.next()) {
      if (ctx.step()) yield PAUSE;
      if (excluded !== undefined && excluded.has(cursor.p)) continue;
      yield forward ? cursor.o : cursor.s;
    }
  }

  /**
   * Returns the nodes a path can start from when both ends are unbound: every subject and
   * object of the graph when the path can have length zero, else the nodes with a first step.
   */
  private *startNodes(
    path: ResolvedPath,
    graph: TermId,
    memory: MemoryReservation,
  ): Generator<Pause, TermId[], undefined> {
    if (matchesZeroLength(path)) return yield* this.nodesOf(graph);
    const starts = new Set<TermId>();
    yield* this.collectStarts(path, graph, true, starts, memory);
    return [...starts];
  }

  /** Adds the nodes that have a first step of `path` in the given direction. */
  private *collectStarts(
    path: ResolvedPath,
    graph: TermId,
    forward: boolean,
    into: Set<TermId>,
    memory: MemoryReservation,
  ): Generator<Pause, void, undefined> {
    const add = (node: TermId): void => {
      if (into.has(node)) return;
      memory.charge(NODE_BYTES);
      into.add(node);
    };
    switch (path.type) {
      case 'link':
      case 'negatedSet': {
        if (path.type === 'link' && path.id === undefined) return;
        const predicate = path.type === 'link' ? path.id! : ANY;
        const cursor = this.ctx.quads.match(ANY, predicate, ANY, graph);
        while (cursor.next()) {
          if (this.ctx.step()) yield PAUSE;
          if (path.type === 'negatedSet' && path.ids.has(cursor.p)) continue;
          add(forward ? cursor.s : cursor.o);
        }
        return;
      }
      case 'inverse':
        yield* this.collectStarts(path.path, graph, !forward, into, memory);
        return;
      case 'sequence':
        if (matchesZeroLength(forward ? path.left : path.right)) {
          for (const node of yield* this.nodesOf(graph)) add(node);
          return;
        }
        yield* this.collectStarts(forward ? path.left : path.right, graph, forward, into, memory);
        return;
      case 'alternative':
        yield* this.collectStarts(path.left, graph, forward, into, memory);
        yield* this.collectStarts(path.right, graph, forward, into, memory);
        return;
      case 'zeroOrMore':
      case 'zeroOrOne':
        for (const node of yield* this.nodesOf(graph)) add(node);
        return;
      case 'oneOrMore':
        yield* this.collectStarts(path.path, graph, forward, into, memory);
        return;
    }
  }

  /**
   * Returns every subject and object of a graph, scanned once per query and graph. The list
   * is cached until the query ends, so its memory is charged and never released.
   */
  private *nodesOf(graph: TermId): Generator<Pause, TermId[], undefined> {
    const cached = this.graphNodes.get(graph);
    if (cached !== undefined) return cached;
    const nodes = new Set<TermId>();
    const cursor = this.ctx.quads.match(ANY, ANY, ANY, graph);
    while (cursor.next()) {
      if (this.ctx.step()) yield PAUSE;
      for (const node of [cursor.s, cursor.o]) {
        if (nodes.has(node)) continue;
        this.countVisit();
        this.ctx.chargeMemory(NODE_BYTES);
        nodes.add(node);
      }
    }
    const list = [...nodes];
    this.graphNodes.set(graph, list);
    return list;
  }

  /** Collects the distinct non-default graph ids with a full scan, once per query. */
  private *listNamedGraphs(): Generator<Pause, TermId[], undefined> {
    if (this.namedGraphIds !== undefined) return this.namedGraphIds;
    const ids = new Set<TermId>();
    const cursor = this.ctx.quads.match(ANY, ANY, ANY, ANY);
    while (cursor.next()) {
      if (cursor.g !== DEFAULT_GRAPH_ID && !ids.has(cursor.g)) {
        this.ctx.chargeMemory(NODE_BYTES);
        ids.add(cursor.g);
      }
      if (this.ctx.step()) yield PAUSE;
    }
    // The cached list lives until the query ends, so its charge is never released.
    this.namedGraphIds = [...ids].sort((a, b) => a - b);
    return this.namedGraphIds;
  }

  private resolve(path: PathExpression): ResolvedPath {
    let resolved = this.resolved.get(path);
    if (resolved === undefined) {
      resolved = resolvePath(path, (key) => this.ctx.storeIdOf(key));
      this.resolved.set(path, resolved);
    }
    return resolved;
  }
}
