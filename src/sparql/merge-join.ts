/**
 * Merge join of two BGP steps on one variable, for runs the store returns sorted by it.
 *
 * A step whose only variable is ?x (everything else constant) reads one index range in which
 * ?x is the last key column, so the cursor returns ?x ascending. Two such steps on the same ?x
 * can then be intersected by reading both ranges once, instead of one index lookup per row of
 * the first step.
 */
import type { QuadCursor } from '../store/types.js';
import type { QueryContext } from './context.js';

/**
 * Estimated cost of one index nested-loop lookup (QuadStore.match with every position bound:
 * four binary searches, a cursor allocation and one read), in units of one row read by the
 * merge (a cursor read plus a key comparison).
 * NOTE: measured ratios on LUBM(1) (100k quads, rdf:type runs of 5,916 and 1,874 rows, Node 20
 * on 2 shared, heavily loaded cores) had a median of 28 over 15 rounds, ranging from 6 to 150.
 * The constant sits below the median so that a close call keeps the nested loop. The true
 * ratio grows with log2 of the index size.
 */
export const LOOKUP_COST_IN_READS = 16;

/**
 * Chooses the merge join for the steps left (binds ?x, `leftRows` rows per run) and right
 * (`rightRows` rows with ?x unbound). The nested loop does one lookup per left row, and the
 * merge reads both runs once. So the merge wins when leftRows + rightRows < leftRows × lookup cost.
 *
 * With the planner's order the left run is the smaller one, so a right run more than
 * LOOKUP_COST_IN_READS - 1 times larger keeps the nested loop. Its binary search per left row
 * then plays the part of galloping, because the cursor cannot skip ahead.
 */
export function prefersMergeJoin(leftRows: number, rightRows: number): boolean {
  return leftRows + rightRows < leftRows * LOOKUP_COST_IN_READS;
}

/** Quad position (0 = s, 1 = p, 2 = o, 3 = g) of a cursor's current quad. */
function positionOf(cursor: QuadCursor, position: number): number {
  switch (position) {
    case 0:
      return cursor.s;
    case 1:
      return cursor.p;
    case 2:
      return cursor.o;
    default:
      return cursor.g;
  }
}

/**
 * A cursor over the left run that also finds, for each left row, how many right rows have the
 * same key. It returns every left row, including those without a partner, so that row counts
 * and filters of the left step match the nested loop. `partners` then returns true once per
 * right row with the key of the current left row, so a key repeated on both sides yields every
 * combination.
 *
 * Both runs must be ascending by their key position. A key that goes down throws an Error,
 * because a merge over unsorted input would silently lose matches.
 */
export class MergeJoinCursor implements QuadCursor {
  s = 0;
  p = 0;
  o = 0;
  g = 0;
  /** Right rows with the key of the current left row; `partners` returns that many rows. */
  readonly partners: QuadCursor;
  private matches = 0;
  private remaining = 0;
  private leftKey = -1;
  private rightKey = -1;
  private rightOpen = true;
  private rightStarted = false;
  private pauseDue = false;

  constructor(
    private readonly left: QuadCursor,
    private readonly right: QuadCursor,
    private readonly leftPosition: number,
    private readonly rightPosition: number,
    private readonly ctx: Pick<QueryContext, 'step'>,
  ) {
    const partners: QuadCursor = {
      s: 0,
      p: 0,
      o: 0,
      g: 0,
      next: () => {
        if (this.remaining === 0) return false;
        this.remaining--;
        partners.g = this.g;
        return true;
      },
    };
    this.partners = partners;
  }

  next(): boolean {
    const left = this.left;
    if (!left.next()) return false;
    this.s = left.s;
    this.p = left.p;
    this.o = left.o;
    this.g = left.g;
    const key = positionOf(left, this.leftPosition);
    if (key !== this.leftKey) {
      if (key < this.leftKey) throw unsortedRun('left', this.leftKey, key);
      this.leftKey = key;
      this.matches = this.countRightRows(key);
    }
    this.remaining = this.matches;
    return true;
  }

  /**
   * Returns true once after the merge advanced the right run far enough that the event loop is
   * due a turn; the caller then yields PAUSE. Timeouts and cancellation throw from inside.
   */
  takePause(): boolean {
    const due = this.pauseDue;
    this.pauseDue = false;
    return due;
  }

  /** Skips right rows below `key` and returns how many equal it. Keys arrive ascending. */
  private countRightRows(key: number): number {
    if (!this.rightStarted) {
      this.rightStarted = true;
      this.advanceRight();
    }
    while (this.rightOpen && this.rightKey < key) this.advanceRight();
    let count = 0;
    while (this.rightOpen && this.rightKey === key) {
      count++;
      this.advanceRight();
    }
    return count;
  }

  private advanceRight(): void {
    if (this.ctx.step()) this.pauseDue = true;
    if (!this.right.next()) {
      this.rightOpen = false;
      return;
    }
    const key = positionOf(this.right, this.rightPosition);
    if (key < this.rightKey) throw unsortedRun('right', this.rightKey, key);
    this.rightKey = key;
  }
}

function unsortedRun(side: string, previous: number, key: number): Error {
  return new Error(
    `Merge join failed: the ${side} run is not sorted by its join key (${key} after ` +
      `${previous}). The quad source must return this pattern in index order.`,
  );
}
