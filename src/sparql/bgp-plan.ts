/**
 * The plans of basic graph patterns: the order of the triple patterns, chosen from store
 * counts, how each quad position of a step is looked up or bound, which steps are merge-joined
 * and after which step each FILTER runs. Plans are built per query and per set of slots the
 * input already binds.
 */
import { ANY, DEFAULT_GRAPH_ID, type QuadCursor, type TermId } from '../store/types.js';
import { QuadReader } from '../store/quad-reader.js';
import { expressionSlots, type Bgp, type Expression, type PatternTerm } from './algebra.js';
import { UNBOUND, type QueryContext, type Solution } from './context.js';
import { greedyJoinOrder } from './join-order.js';
import { prefersMergeJoin } from './merge-join.js';

/** Role of a quad position at one step of a plan. */
export const enum Mode {
  /** A constant term id. */
  Constant,
  /** A variable bound before this step: its current value is substituted into the lookup. */
  Bound,
  /** A variable this step binds. */
  Bind,
  /** A variable bound earlier in the same pattern (as in `?x :p ?x`): the values must agree. */
  Check,
}

export interface Position {
  readonly mode: Mode;
  /** Term id for Mode.Constant, slot otherwise. */
  readonly value: number;
}

export interface PlanStep {
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
export interface MergeJoinStep {
  readonly slot: number;
  /** Quad position of the variable in the previous step and in this one. */
  readonly leftPosition: number;
  readonly rightPosition: number;
}

export interface BgpPlan {
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

export class BgpPlanner {
  private readonly plans = new Map<Bgp, Map<string, BgpPlan>>();

  constructor(private readonly ctx: QueryContext) {}

  /** Returns the plan for the slots `input` binds, built at the first call with that set. */
  planFor(bgp: Bgp, input: Solution): BgpPlan {
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

export function lookupValue(position: Position, solution: Solution): number {
  if (position.mode === Mode.Constant) return position.value;
  if (position.mode === Mode.Bound) return solution[position.value]!;
  return ANY;
}

/** Copies the cursor's quad into the slots this step binds; false when a check fails. */
export function bindQuad(step: PlanStep, cursor: QuadCursor, solution: Solution): boolean {
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
