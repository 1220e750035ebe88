/**
 * Pull-based evaluation of the algebra over term ids. Every operator is a synchronous
 * generator of solutions that forwards the PAUSE sentinel, and every loop counts steps on the
 * query context, which enforces the deadline and the abort signal.
 */
import type { TermId } from '../store/types.js';
import {
  type Bgp,
  type LeftJoin,
  type Minus,
  type GraphVariable,
  type Operator,
  SEED_ISOLATED,
  type Values,
} from './algebra.js';
import { evaluateGroup } from './aggregates.js';
import { BgpEvaluator } from './bgp.js';
import { PathEvaluator } from './paths.js';
import {
  PAUSE,
  UNBOUND,
  type QueryContext,
  type Solution,
  type SolutionStream,
} from './context.js';
import { filterAccepts, type ExpressionEnvironment } from './expressions/evaluate.js';
import { RegexCache } from './expressions/strings.js';
import {
  arrayBytes,
  keyBytes,
  mapEntryBytes,
  MemoryReservation,
  POINTER_BYTES,
  solutionBytes,
  stringBytes,
} from './memory.js';
import { valueFromKey, type Value } from './expressions/values.js';
import { distinctRows, orderRows } from './kept-rows.js';
import { hashKey, merge, sharedCertainSlots, sharesBoundSlot } from './solution-join.js';
import {
  concatRows,
  extendRows,
  filterRows,
  graphRows,
  projectRows,
  sliceRows,
} from './row-operators.js';
import type { QueryProfile } from './profile.js';

/** Maximum number of decoded term values kept per query. */
const VALUE_CACHE_SIZE = 65_536;

/** Solutions of one operand, materialised and indexed by the slots both join operands bind. */
interface HashTable {
  readonly keySlots: readonly number[];
  readonly buckets: Map<number | string, Solution[]>;
}

export class Evaluator implements ExpressionEnvironment {
  readonly regexCache = new RegexCache();
  private readonly valueCache = new Map<TermId, Value>();
  /** VALUES operators whose rows are already charged to the query's memory budget. */
  private readonly chargedValues = new WeakSet<Values>();
  private readonly bgps: BgpEvaluator;
  private readonly paths: PathEvaluator;

  constructor(readonly ctx: QueryContext) {
    this.bgps = new BgpEvaluator(ctx, this);
    this.paths = new PathEvaluator(ctx);
  }

  valueOf(id: TermId): Value {
    let value = this.valueCache.get(id);
    if (value === undefined) {
      value = valueFromKey(this.ctx.keyOf(id));
      if (this.valueCache.size >= VALUE_CACHE_SIZE) this.valueCache.clear();
      this.valueCache.set(id, value);
    }
    return value;
  }

  exists(pattern: Operator, solution: Solution): boolean {
    // PAUSE is skipped here: an expression cannot yield, but step() still enforces the deadline.
    for (const found of this.run(pattern, solution)) if (found !== PAUSE) return true;
    return false;
  }

  /**
   * Evaluates an operator. Every solution extends `seed`, which is the empty solution except
   * inside EXISTS, where it carries the outer solution's values.
   */
  run(op: Operator, seed: Solution = this.ctx.emptySolution()): SolutionStream {
    const keptSlots = SEED_ISOLATED.get(op);
    if (keptSlots !== undefined && seed.some((id) => id !== UNBOUND)) {
      return this.joinSeed(op, seed, keptSlots);
    }
    return this.runOperatorProfiled(op, seed);
  }

  private runOperatorProfiled(op: Operator, seed: Solution): SolutionStream {
    const profile = this.ctx.profile;
    if (profile === undefined) return this.runOperator(op, seed);
    return this.countRows(op, seed, profile);
  }

  private *countRows(op: Operator, seed: Solution, profile: QueryProfile): SolutionStream {
    for (const item of this.runOperator(op, seed)) {
      if (item !== PAUSE) profile.countRow(op);
      yield item;
    }
  }

  /**
   * Runs `op` seeded only with the `keptSlots` of `seed`, and yields each of its solutions
   * that is compatible with the whole seed.
   */
  private *joinSeed(op: Operator, seed: Solution, keptSlots: readonly number[]): SolutionStream {
    const inner = this.ctx.emptySolution();
    for (const slot of keptSlots) inner[slot] = seed[slot]!;
    for (const solution of this.runOperatorProfiled(op, inner)) {
      if (solution === PAUSE) {
        yield PAUSE;
        continue;
      }
      const merged = merge(seed, solution);
      if (merged !== undefined) yield merged;
      else if (this.ctx.step()) yield PAUSE;
    }
  }

  /** GRAPH ?var over an input that must run within one named graph at a time. */
  private *graphByGraph(op: GraphVariable, seed: Solution): SolutionStream {
    const bound = seed[op.slot]!;
    for (const graph of yield* this.bgps.namedGraphs()) {
      if (bound !== UNBOUND && bound !== graph) continue;
      const graphSeed = seed.slice();
      graphSeed[op.hiddenSlot] = graph;
      for (const solution of this.run(op.input, graphSeed)) {
        if (solution !== PAUSE) solution[op.slot] = graph;
        yield solution;
      }
    }
  }

  /**
   * Returns the generator of the operator itself, not one that delegates to it, so each
   * solution passes one generator per operator on its way up.
   */
  private runOperator(op: Operator, seed: Solution): SolutionStream {
    switch (op.type) {
      case 'bgp':
        return this.bgps.run(op, seed);
      case 'path':
        return this.paths.run(op, seed);
      case 'values':
        return this.inlineData(op, seed);
      case 'join':
        return this.join(op.left, op.right, seed);
      case 'leftjoin':
        return this.leftJoin(op, seed);
      case 'minus':
        return this.minus(op, seed);
      case 'filter':
        return filterRows(this.run(op.input, seed), op.expression, this, this.ctx);
      case 'union':
        return concatRows(this.run(op.left, seed), () => this.run(op.right, seed));
      case 'graph':
        if (op.perGraph === true) return this.graphByGraph(op, seed);
        return graphRows(this.run(op.input, seed), op);
      case 'extend':
        return extendRows(this.run(op.input, seed), op, this, this.ctx);
      case 'orderby':
        return orderRows(this.run(op.input, seed), op.conditions, this.ctx, this);
      case 'group':
        return evaluateGroup(op, this.run(op.input, seed), this.ctx, this);
      case 'project':
        return projectRows(this.run(op.input, seed), op.slots);
      case 'distinct':
        return distinctRows(this.run(op.input, seed), op.slots, this.ctx);
      case 'slice':
        return sliceRows(this.run(op.input, seed), op, this.ctx);
    }
  }

  /** Join: an index nested-loop join into a BGP or Path operand, otherwise a hash join. */
  private *join(left: Operator, right: Operator, seed: Solution): SolutionStream {
    if (right.type === 'bgp') {
      yield* this.bindJoin(left, right, seed);
      return;
    }
    if (right.type === 'path') {
      // Evaluates the path from the ends each left solution binds.
      for (const solution of this.run(left, seed)) {
        if (solution === PAUSE) yield PAUSE;
        else yield* this.paths.run(right, solution);
      }
      return;
    }
    if (left.type === 'bgp') {
      yield* this.bindJoin(right, left, seed);
      return;
    }
    const memory = new MemoryReservation(this.ctx);
    try {
      const keySlots = sharedCertainSlots(left, right);
      const table = yield* this.buildHashTable(right, keySlots, seed, memory);
      for (const outer of this.run(left, seed)) {
        if (outer === PAUSE) {
          yield PAUSE;
          continue;
        }
        for (const inner of this.probe(table, outer)) {
          if (this.ctx.step()) yield PAUSE;
          const merged = merge(outer, inner);
          if (merged !== undefined) yield merged;
        }
      }
    } finally {
      memory.release();
    }
  }

  /** Runs `bgp` once per solution of `outer`, with that solution's values substituted. */
  private *bindJoin(outer: Operator, bgp: Bgp, seed: Solution): SolutionStream {
    for (const solution of this.run(outer, seed)) {
      if (solution === PAUSE) yield PAUSE;
      else yield* this.bgps.run(bgp, solution);
    }
  }

  /**
   * LeftJoin: each left solution with every compatible right solution that passes the
   * OPTIONAL's filter, or alone when there is none.
   */
  private *leftJoin(op: LeftJoin, seed: Solution): SolutionStream {
    const expression = op.expression;
    if (op.right.type === 'bgp') {
      const bgp = op.right;
      for (const outer of this.run(op.left, seed)) {
        if (outer === PAUSE) {
          yield PAUSE;
          continue;
        }
        let matched = false;
        for (const merged of this.bgps.run(bgp, outer)) {
          if (merged === PAUSE) yield PAUSE;
          else if (expression === undefined || filterAccepts(expression, merged, this)) {
            matched = true;
            yield merged;
          }
        }
        if (!matched) yield outer;
      }
      return;
    }
    const memory = new MemoryReservation(this.ctx);
    try {
      const keySlots = sharedCertainSlots(op.left, op.right);
      const table = yield* this.buildHashTable(op.right, keySlots, seed, memory);
      for (const outer of this.run(op.left, seed)) {
        if (outer === PAUSE) {
          yield PAUSE;
          continue;
        }
        let matched = false;
        for (const inner of this.probe(table, outer)) {
          if (this.ctx.step()) yield PAUSE;
          const merged = merge(outer, inner);
          if (merged === undefined) continue;
          if (expression === undefined || filterAccepts(expression, merged, this)) {
            matched = true;
            yield merged;
          }
        }
        if (!matched) yield outer;
      }
    } finally {
      memory.release();
    }
  }

  /** Materialises `op` into a hash table, charging each kept solution to `memory`. */
  private *buildHashTable(
    op: Operator,
    keySlots: readonly number[],
    seed: Solution,
    memory: MemoryReservation,
  ): Generator<typeof PAUSE, HashTable, undefined> {
    const buckets = new Map<number | string, Solution[]>();
    for (const solution of this.run(op, seed)) {
      if (solution === PAUSE) {
        yield PAUSE;
        continue;
      }
      if (this.ctx.step()) yield PAUSE;
      const key = hashKey(solution, keySlots);
      const bucket = buckets.get(key);
      let bytes = solutionBytes(solution.length) + POINTER_BYTES;
      if (bucket === undefined) bytes += mapEntryBytes(keyBytes(key), arrayBytes(0));
      memory.charge(bytes);
      if (bucket === undefined) buckets.set(key, [solution]);
      else bucket.push(solution);
    }
    return { keySlots, buckets };
  }

  /**
   * VALUES: each row merged into the seed, skipping rows that conflict with it. The rows stay
   * in the algebra for the whole query, so they are charged once per query and never released.
   */
  private *inlineData(op: Values, seed: Solution): SolutionStream {
    if (!this.chargedValues.has(op)) {
      this.chargedValues.add(op);
      for (const row of op.rows) {
        let bytes = arrayBytes(row.length);
        for (const key of row) if (key !== undefined) bytes += stringBytes(key);
        this.ctx.chargeMemory(bytes);
      }
    }
    for (const row of op.rows) {
      if (this.ctx.step()) yield PAUSE;
      const solution = seed.slice();
      let compatible = true;
      for (let i = 0; i < op.slots.length; i++) {
        const key = row[i];
        if (key === undefined) continue;
        const id = this.ctx.idOf(key);
        const slot = op.slots[i]!;
        if (solution[slot] !== UNBOUND && solution[slot] !== id) compatible = false;
        solution[slot] = id;
      }
      if (compatible) yield solution;
    }
  }

  /**
   * MINUS: removes each left solution that has a compatible right solution sharing at least
   * one bound variable (SPARQL 1.1 section 18.5), so right solutions with disjoint variables
   * remove nothing.
   */
  private *minus(op: Minus, seed: Solution): SolutionStream {
    const memory = new MemoryReservation(this.ctx);
    try {
      const keySlots = sharedCertainSlots(op.left, op.right);
      const table = yield* this.buildHashTable(op.right, keySlots, seed, memory);
      for (const outer of this.run(op.left, seed)) {
        if (outer === PAUSE) {
          yield PAUSE;
          continue;
        }
        let removed = false;
        for (const inner of this.probe(table, outer)) {
          if (this.ctx.step()) yield PAUSE;
          if (
            sharesBoundSlot(outer, inner, op.variableSlots) &&
            merge(outer, inner) !== undefined
          ) {
            removed = true;
            break;
          }
        }
        if (!removed) yield outer;
      }
    } finally {
      memory.release();
    }
  }

  private probe(table: HashTable, outer: Solution): readonly Solution[] {
    return table.buckets.get(hashKey(outer, table.keySlots)) ?? [];
  }
}
