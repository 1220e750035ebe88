/**
 * Basic graph pattern evaluation: walks the index cursors depth-first over term ids, one level
 * per step of the plan that bgp-plan.ts builds, and runs each FILTER after the step the plan
 * places it on.
 */
import {
  ANY,
  DEFAULT_GRAPH_ID,
  LOCAL_ID_BASE,
  type QuadCursor,
  type TermId,
} from '../store/types.js';
import { EMPTY_CURSOR, SingleQuadCursor } from '../store/cursors.js';
import type { Bgp, Expression } from './algebra.js';
import { bindQuad, BgpPlanner, lookupValue, type PlanStep } from './bgp-plan.js';
import {
  PAUSE,
  UNBOUND,
  type QueryContext,
  type Solution,
  type SolutionStream,
} from './context.js';
import { filterAccepts, type ExpressionEnvironment } from './expressions/evaluate.js';
import { MergeJoinCursor } from './merge-join.js';

export class BgpEvaluator {
  private readonly planner: BgpPlanner;
  private namedGraphIds: TermId[] | undefined;

  constructor(
    private readonly ctx: QueryContext,
    private readonly env: ExpressionEnvironment,
  ) {
    this.planner = new BgpPlanner(ctx);
  }

  /** Yields every extension of `input` that matches the BGP and passes its filters. */
  *run(bgp: Bgp, input: Solution): SolutionStream {
    const plan = this.planner.planFor(bgp, input);
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
}
