/**
 * Row counts collected while a query runs, for EXPLAIN: solutions each operator produced,
 * and for each BGP the planner's order with its estimates and the solutions after each step.
 * Evaluation fills it only when a profile is attached to the query context.
 */
import type { Bgp, Operator } from './algebra.js';

export interface BgpStepProfile {
  /** Index of the triple pattern in the BGP. */
  readonly pattern: number;
  /** The planner's estimate of matches per input solution when it chose this step. */
  readonly estimate: number;
  /** Slot of the join variable when the step is merge-joined with the previous one. */
  readonly mergeSlot?: number | undefined;
}

export interface BgpProfile {
  /** Steps in the order the planner chose for the first input solution. */
  readonly steps: readonly BgpStepProfile[];
  /** Solutions that passed each step, summed over all input solutions. */
  readonly rows: Float64Array;
  /** Times the BGP was started (once per input solution of an enclosing join). */
  runs: number;
}

export class QueryProfile {
  private readonly operatorRows = new Map<Operator, number>();
  private readonly bgps = new Map<Bgp, BgpProfile>();

  countRow(op: Operator): void {
    this.operatorRows.set(op, (this.operatorRows.get(op) ?? 0) + 1);
  }

  rowsOf(op: Operator): number {
    return this.operatorRows.get(op) ?? 0;
  }

  /** Returns the BGP's step counters, registering its plan the first time it runs. */
  bgpRows(bgp: Bgp, steps: () => BgpStepProfile[]): Float64Array {
    let profile = this.bgps.get(bgp);
    if (profile === undefined) {
      const planned = steps();
      profile = { steps: planned, rows: new Float64Array(planned.length), runs: 0 };
      this.bgps.set(bgp, profile);
    }
    profile.runs++;
    return profile.rows;
  }

  bgpOf(bgp: Bgp): BgpProfile | undefined {
    return this.bgps.get(bgp);
  }
}
