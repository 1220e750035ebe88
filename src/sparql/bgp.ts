/**
 * Basic graph pattern evaluation: orders the triple patterns from store counts, places each
 * FILTER right after the pattern that binds its last variable, and walks the index cursors
 * depth-first over term ids.
 */
import {
  ANY,
  DEFAULT_GRAPH_ID,
  LOCAL_ID_BASE,
  type QuadCursor,
  type TermId,
} from '../store/types.js';
import { QuadReader } from '../store/quad-reader.js';
import { EMPTY_CURSOR, SingleQuadCursor } from '../store/cursors.js';
import { expressionSlots, type Bgp, type Expression, type PatternTerm } from './algebra.js';
import {
  PAUSE,
  UNBOUND,
  type QueryContext,
  type Solution,
  type SolutionStream,
} from './context.js';
import { filterAccepts, type ExpressionEnvironment } from './expressions/evaluate.js';
import { greedyJoinOrder } from './join-order.js';
import { MergeJoinCursor, prefersMergeJoin } from './merge-join.js';

/** Role of a quad position at one step of a plan. */
const enum Mode {
  /** A constant term id. */
  Constant,
  /** A variable bound before this step: its current value is substituted into the lookup. */
  Bound,
  /** A variable this step binds. */
  Bind,
  /** A variable bound earlier in the same pattern (as in `?x :p ?x`): the values must agree. */
  Check,
}

interface Position {
  readonly mode: Mode;
  /** Term id for Mode.Constant, slot otherwise. */
  readonly value: number;
}

interface PlanStep {
  /** Subject, predicate, object, graph. */
  readonly positions: readonly [Position, Position, Position, Position];
  /** True when the graph position is a GRAPH ?var slot, which must not take the default graph. */
  readonly namedGraphsOnly: boolean;
  readonly filters: readonly Expression[];
  /** Index of the triple pattern in the BGP, and the planner's estimate when it chose it. */
  readonly pattern: number;
  readonly estimate: number;
  /** Set when this step is merge-joined with the step before it instead of looked up per row. */
  readonly merge: MergeJoinStep | undefined;
  /**
   * True when every position is a constant or a slot bound before this step, so the step binds
   * nothing and tests one quad's presence.
   */
  readonly exact: boolean;
}

/**
 * A step joined to the previous step by a merge on one variable. Both steps have that variable
 * as their only variable, so each reads one index range sorted by it.
 */
interface MergeJoinStep {
  readonly slot: number;
  /** Quad position of the variable in the previous step and in this one. */
  readonly leftPosition: number;
  readonly rightPosition: number;
}

interface BgpPlan {
  /** False when a constant is missing from the store, so nothing can match. */
  readonly satisfiable: boolean;
  /** Filters that depend only on already-bound slots, tested before the first lookup. */
  readonly preFilters: readonly Expression[];
  readonly steps: readonly PlanStep[];
}

/** A PlanStep while buildPlan is still filling it in. */
interface MutablePlanStep {
  positions: Position[];
  namedGraphsOnly: boolean;
  filters: Expression[];
  pattern: number;
  estimate: number;
  merge: MergeJoinStep | undefined;
  exact: boolean;
}

export class BgpEvaluator {
  private readonly plans = new Map<Bgp, Map<string, BgpPlan>>();
  private namedGraphIds: TermId[] | undefined;

  constructor(
    private readonly ctx: QueryContext,
    private readonly env: ExpressionEnvironment,
  ) {}

  /** Yields every extension of `input` that matches the BGP and passes its filters. */
  *run(bgp: Bgp, input: Solution): SolutionStream {
    const plan = this.planFor(bgp, input);
    if (!plan.satisfiable) return;
    const solution = input.slice();
    for (const filter of plan.preFilters) {
      if (!filterAccepts(filter, solution, this.env)) return;
    }
    if (plan.steps.length === 0) {
      yield* this.matchEmptyPattern(bgp, solution);
      return;
    }
    const counts = this.ctx.profile?.bgpRows(bgp, () =>
      plan.steps.map((step) => ({
        pattern: step.pattern,
        estimate: step.estimate,
        mergeSlot: step.merge?.slot,
      })),
    );
    // Depth-first walk over the plan steps with one open cursor per level. It runs here, not in
    // a generator of its own, so that each solution resumes one generator fewer.
    const steps = plan.steps;
    const ctx = this.ctx;
    const last = steps.length - 1;
    const cursors: QuadCursor[] = new Array<QuadCursor>(steps.length);
    // The merge cursor opened at a level whose next step is merge-joined with it.
    const merges = new Array<MergeJoinCursor | undefined>(steps.length);
    cursors[0] = this.openLevel(steps, 0, solution, merges);
    let level = 0;
    while (level >= 0) {
      if (ctx.step()) yield PAUSE;
      const cursor = cursors[level]!;
      const found = cursor.next();
      if (merges[level]?.takePause() === true) yield PAUSE;
      if (!found) {
        level--;
        continue;
      }
      const step = steps[level]!;
      if (!bindQuad(step, cursor, solution)) continue;
      if (!this.passes(step.filters, solution)) continue;
      if (counts !== undefined) counts[level]!++;
      if (level === last) {
        yield solution.slice();
      } else {
        level++;
        cursors[level] = this.openLevel(steps, level, solution, merges);
      }
    }
  }

  /** Matches the empty BGP: one solution, or inside GRAPH one per graph of the target. */
  private *matchEmptyPattern(bgp: Bgp, solution: Solution): SolutionStream {
    const graph = bgp.graph;
    if (graph.type === 'default') {
      yield solution;
      return;
    }
    if (graph.type === 'named') {
      const id = this.ctx.storeIdOf(graph.key);
      if (
        id !== undefined &&
        id !== DEFAULT_GRAPH_ID &&
        this.ctx.quads.count(ANY, ANY, ANY, id) > 0
      )
        yield solution;
      return;
    }
    const bound = solution[graph.slot]!;
    if (bound !== UNBOUND) {
      if (
        bound < LOCAL_ID_BASE &&
        bound !== DEFAULT_GRAPH_ID &&
        this.ctx.quads.count(ANY, ANY, ANY, bound) > 0
      ) {
        yield solution;
      }
      return;
    }
    for (const id of yield* this.listNamedGraphs()) {
      const out = solution.slice();
      out[graph.slot] = id;
      yield out;
    }
  }

  /** The distinct non-default graph ids of the query's dataset, ascending. */
  *namedGraphs(): Generator<typeof PAUSE, readonly TermId[], undefined> {
    return yield* this.listNamedGraphs();
  }

  /** Collects the distinct non-default graph ids with a full scan, once per query. */
  private *listNamedGraphs(): Generator<typeof PAUSE, TermId[], undefined> {
    if (this.namedGraphIds !== undefined) return this.namedGraphIds;
    const ids = new Set<TermId>();
    const cursor = this.ctx.quads.match(ANY, ANY, ANY, ANY);
    while (cursor.next()) {
      if (cursor.g !== DEFAULT_GRAPH_ID) ids.add(cursor.g);
      if (this.ctx.step()) yield PAUSE;
    }
    this.namedGraphIds = [...ids].sort((a, b) => a - b);
    return this.namedGraphIds;
  }

  /**
   * Opens the cursor of one level: an index lookup, a merge cursor when the next step is
   * merge-joined with this one, or the partner rows of the previous level's merge cursor.
   */
  private openLevel(
    steps: readonly PlanStep[],
    level: number,
    solution: Solution,
    merges: (MergeJoinCursor | undefined)[],
  ): QuadCursor {
    const step = steps[level]!;
    merges[level] = undefined;
    if (step.merge !== undefined) return merges[level - 1]!.partners;
    const merge = steps[level + 1]?.merge;
    if (merge === undefined) return this.open(step, solution);
    const right = steps[level + 1]!;
    const cursor = new MergeJoinCursor(
      this.open(step, solution),
      this.openRun(right, merge.rightPosition),
      merge.leftPosition,
      merge.rightPosition,
      this.ctx,
    );
    merges[level] = cursor;
    return cursor;
  }

  /** Opens the right run of a merge join: the step with its join variable unbound. */
  private openRun(step: PlanStep, keyPosition: number): QuadCursor {
    const ids = step.positions.map((position, index) =>
      index === keyPosition ? ANY : position.value,
    );
    return this.ctx.quads.match(ids[0]!, ids[1]!, ids[2]!, ids[3]!);
  }

  private passes(filters: readonly Expression[], solution: Solution): boolean {
    for (const filter of filters) {
      if (!filterAccepts(filter, solution, this.env)) return false;
    }
    return true;
  }

  private open(step: PlanStep, solution: Solution): QuadCursor {
    const [s, p, o, g] = step.positions;
    const sid = lookupValue(s, solution);
    const pid = lookupValue(p, solution);
    const oid = lookupValue(o, solution);
    const gid = lookupValue(g, solution);
    // A query-local id names a computed term that no stored quad contains.
    if (
      sid >= LOCAL_ID_BASE ||
      pid >= LOCAL_ID_BASE ||
      oid >= LOCAL_ID_BASE ||
      gid >= LOCAL_ID_BASE
    ) {
      return EMPTY_CURSOR;
    }
    if (step.namedGraphsOnly && gid === DEFAULT_GRAPH_ID) return EMPTY_CURSOR;
    // A presence test costs one lookup through the start table instead of two binary searches
    // and a cursor over the range.
    if (step.exact) {
      const present = this.ctx.quads.has(sid, pid, oid, gid);
      return present ? new SingleQuadCursor(sid, pid, oid, gid) : EMPTY_CURSOR;
    }
    return this.ctx.quads.match(sid, pid, oid, gid);
  }

  private planFor(bgp: Bgp, input: Solution): BgpPlan {
    let byBinding = this.plans.get(bgp);
    if (byBinding === undefined) {
      byBinding = new Map();
      this.plans.set(bgp, byBinding);
    }
    const slots = bgpSlots(bgp);
    let signature = '';
    for (const slot of slots) signature += input[slot] === UNBOUND ? '0' : '1';
    let plan = byBinding.get(signature);
    if (plan === undefined) {
      const bound = new Set(slots.filter((slot) => input[slot] !== UNBOUND));
      plan = this.buildPlan(bgp, bound);
      byBinding.set(signature, plan);
    }
    return plan;
  }

  private buildPlan(bgp: Bgp, initiallyBound: Set<number>): BgpPlan {
    const graphPosition = this.graphPosition(bgp);
    if (graphPosition === undefined) return { satisfiable: false, preFilters: [], steps: [] };
    const resolved: (PatternTerm | number)[][] = [];
    for (const pattern of bgp.patterns) {
      const terms: (PatternTerm | number)[] = [];
      for (const term of [pattern.subject, pattern.predicate, pattern.object]) {
        if ('slot' in term) {
          terms.push(term);
          continue;
        }
        const id = this.ctx.storeIdOf(term.key);
        if (id === undefined) return { satisfiable: false, preFilters: [], steps: [] };
        terms.push(id);
      }
      terms.push(graphPosition);
      resolved.push(terms);
    }

    const { order, estimates } = greedyJoinOrder(
      resolved,
      initiallyBound,
      (terms) => {
        const ids = terms.map((term) => (typeof term === 'number' ? term : ANY));
        return this.ctx.quads.count(ids[0]!, ids[1]!, ids[2]!, ids[3]!);
      },
      () => this.ctx.check(),
    );

    const steps: MutablePlanStep[] = [];
    const boundSoFar = new Set(initiallyBound);
    for (const [stepIndex, index] of order.entries()) {
      const positions: Position[] = [];
      const boundHere = new Set<number>();
      for (const term of resolved[index]!) {
        if (typeof term === 'number' || !('slot' in term))
          positions.push({ mode: Mode.Constant, value: term as number });
        else if (boundSoFar.has(term.slot)) positions.push({ mode: Mode.Bound, value: term.slot });
        else if (boundHere.has(term.slot)) positions.push({ mode: Mode.Check, value: term.slot });
        else {
          boundHere.add(term.slot);
          positions.push({ mode: Mode.Bind, value: term.slot });
        }
      }
      for (const slot of boundHere) boundSoFar.add(slot);
      steps.push({
        positions,
        namedGraphsOnly: bgp.graph.type === 'variable',
        filters: [],
        pattern: index,
        estimate: estimates[stepIndex]!,
        merge: undefined,
        exact: positions.every(
          (position) => position.mode === Mode.Constant || position.mode === Mode.Bound,
        ),
      });
    }
    this.chooseMergeJoins(steps);

    const preFilters: Expression[] = [];
    for (const filter of bgp.filters) {
      const needed = [...expressionSlots(filter)];
      const placed = new Set(initiallyBound);
      if (needed.every((slot) => placed.has(slot))) {
        preFilters.push(filter);
        continue;
      }
      // A filter reading a slot the BGP never binds runs after the last step, where the slot
      // is still unbound. Without steps it runs before the empty match.
      let target = steps.length - 1;
      for (let i = 0; i < steps.length; i++) {
        for (const position of steps[i]!.positions)
          if (position.mode === Mode.Bind) placed.add(position.value);
        if (needed.every((slot) => placed.has(slot))) {
          target = i;
          break;
        }
      }
      if (target < 0) preFilters.push(filter);
      else steps[target]!.filters.push(filter);
    }
    return { satisfiable: true, preFilters, steps: steps as unknown as PlanStep[] };
  }

  /**
   * Marks each step that reads better as a merge join with the step before it: the previous
   * step binds one variable ?x, this step has ?x already bound, every other position of both is
   * a constant, and prefersMergeJoin picks the merge from the exact store counts.
   *
   * Only the store and its snapshots (QuadReader) guarantee the order: with the three other positions bound, its match uses
   * an ordering whose last key column is ?x (for (? p o g) GPOS, for (s p ? g) GSPO, for
   * (s ? o g) GOSP), so ?x comes out ascending. Dataset views and filtered sources concatenate
   * per-graph cursors, so their output is not sorted and they keep the nested loop.
   * TODO: GRAPH ?g patterns are sorted by (?x, ?g) in the store and could merge on both.
   */
  private chooseMergeJoins(steps: MutablePlanStep[]): void {
    if (!(this.ctx.quads instanceof QuadReader)) return;
    for (let i = 0; i + 1 < steps.length; i++) {
      const left = steps[i]!;
      const right = steps[i + 1]!;
      const leftPosition = left.positions.findIndex((position) => position.mode === Mode.Bind);
      if (leftPosition < 0) continue;
      const slot = left.positions[leftPosition]!.value;
      const rightPosition = right.positions.findIndex(
        (position) => position.mode === Mode.Bound && position.value === slot,
      );
      if (rightPosition < 0) continue;
      const othersConstant = (positions: readonly Position[], keyPosition: number) =>
        positions.every(
          (position, index) => index === keyPosition || position.mode === Mode.Constant,
        );
      if (!othersConstant(left.positions, leftPosition)) continue;
      if (!othersConstant(right.positions, rightPosition)) continue;
      const leftRows = this.countRun(left.positions, leftPosition);
      const rightRows = this.countRun(right.positions, rightPosition);
      if (!prefersMergeJoin(leftRows, rightRows)) continue;
      right.merge = { slot, leftPosition, rightPosition };
      // The right step binds nothing, so it cannot start another merge.
      i++;
    }
  }

  /** Counts the quads of a step whose positions are constants except `keyPosition`. */
  private countRun(positions: readonly Position[], keyPosition: number): number {
    const ids = positions.map((position, index) => (index === keyPosition ? ANY : position.value));
    return this.ctx.quads.count(ids[0]!, ids[1]!, ids[2]!, ids[3]!);
  }

  /** Returns the graph position of the BGP's patterns, or undefined when it cannot match. */
  private graphPosition(bgp: Bgp): PatternTerm | number | undefined {
    const graph = bgp.graph;
    if (graph.type === 'default') return DEFAULT_GRAPH_ID;
    if (graph.type === 'variable') return { slot: graph.slot };
    const id = this.ctx.storeIdOf(graph.key);
    return id === undefined || id === DEFAULT_GRAPH_ID ? undefined : id;
  }
}

function lookupValue(position: Position, solution: Solution): number {
  if (position.mode === Mode.Constant) return position.value;
  if (position.mode === Mode.Bound) return solution[position.value]!;
  return ANY;
}

/** Copies the cursor's quad into the slots this step binds; false when a check fails. */
function bindQuad(step: PlanStep, cursor: QuadCursor, solution: Solution): boolean {
  if (step.namedGraphsOnly && cursor.g === DEFAULT_GRAPH_ID) return false;
  const positions = step.positions;
  return (
    bindTerm(positions[0], cursor.s, solution) &&
    bindTerm(positions[1], cursor.p, solution) &&
    bindTerm(positions[2], cursor.o, solution) &&
    bindTerm(positions[3], cursor.g, solution)
  );
}

/** Binds or checks one position of a step against a term of the matched quad. */
function bindTerm(position: Position, value: TermId, solution: Solution): boolean {
  if (position.mode === Mode.Bind) solution[position.value] = value;
  else if (position.mode === Mode.Check) return solution[position.value] === value;
  return true;
}

const slotCache = new WeakMap<Bgp, number[]>();

/** Returns the distinct slots of a BGP's patterns and graph. */
function bgpSlots(bgp: Bgp): number[] {
  let slots = slotCache.get(bgp);
  if (slots === undefined) {
    const set = new Set<number>();
    for (const pattern of bgp.patterns) {
      for (const term of [pattern.subject, pattern.predicate, pattern.object])
        if ('slot' in term) set.add(term.slot);
    }
    if (bgp.graph.type === 'variable') set.add(bgp.graph.slot);
    for (const filter of bgp.filters) for (const slot of expressionSlots(filter)) set.add(slot);
    slots = [...set];
    slotCache.set(bgp, slots);
  }
  return slots;
}
