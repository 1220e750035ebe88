/**
 * The six orderings of the quad indexes and which one serves each bound/unbound pattern (see
 * the table in quad-store.ts), shared by the live store and its snapshots.
 */
import { ANY } from './types.js';
import { RECORD_WORDS } from './radix-sort.js';

const MAX_ID = 0xffff_ffff;

export const SPOG = 0;
export const POSG = 1;
export const OSPG = 2;
export const GSPO = 3;
export const GPOS = 4;
export const GOSP = 5;

/** Record columns of each ordering, as quad positions (0 = s, 1 = p, 2 = o, 3 = g). */
export const ORDERING_COLUMNS: readonly (readonly number[])[] = [
  [0, 1, 2, 3],
  [1, 2, 0, 3],
  [2, 0, 1, 3],
  [3, 0, 1, 2],
  [3, 1, 2, 0],
  [3, 2, 0, 1],
];

/** Ordering per bound mask (bit 1 = s, 2 = p, 4 = o, 8 = g), as in the table above. */
// prettier-ignore
export const ORDERING_BY_MASK = [
  SPOG, SPOG, POSG, SPOG, OSPG, OSPG, POSG, SPOG,
  GSPO, GSPO, GPOS, GSPO, GOSP, GOSP, GPOS, SPOG,
];

/** Number of bound positions per bound mask: the length of the key prefix. */
export const BOUND_COUNT = [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4];

/** Bit mask of the bound positions: 1 = s, 2 = p, 4 = o, 8 = g. */
export function boundMask(s: number, p: number, o: number, g: number): number {
  return (s !== ANY ? 1 : 0) | (p !== ANY ? 2 : 0) | (o !== ANY ? 4 : 0) | (g !== ANY ? 8 : 0);
}

function isId(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= MAX_ID;
}

export function checkQuad(s: number, p: number, o: number, g: number): void {
  if (!isId(s) || !isId(p) || !isId(o) || !isId(g)) {
    throw new RangeError(
      `Invalid quad (${s}, ${p}, ${o}, ${g}): every position must be a uint32 term id`,
    );
  }
}

function isIdOrAny(value: number): boolean {
  return value === ANY || isId(value);
}

export function checkPattern(s: number, p: number, o: number, g: number): void {
  if (!isIdOrAny(s) || !isIdOrAny(p) || !isIdOrAny(o) || !isIdOrAny(g)) {
    throw new RangeError(
      `Invalid quad pattern (${s}, ${p}, ${o}, ${g}): each position must be a uint32 term ` +
        `id or ANY (-1)`,
    );
  }
}

export function checkPacked(quads: Uint32Array): void {
  if (quads.length % RECORD_WORDS !== 0) {
    throw new RangeError(
      `Invalid packed quads: length ${quads.length} is not a multiple of 4 (s, p, o, g per quad)`,
    );
  }
}
