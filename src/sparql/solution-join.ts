/**
 * Solutions combined by the joins: merging two solutions, and the keys by which a hash join
 * stores and looks up solutions.
 */
import { certainSlots, type Operator } from './algebra.js';
import { UNBOUND, type Solution } from './context.js';

/** Slots both operands bind in every solution: safe hash keys for their join. */
export function sharedCertainSlots(left: Operator, right: Operator): number[] {
  const rightSlots = certainSlots(right);
  return [...certainSlots(left)].filter((slot) => rightSlots.has(slot));
}

/** Returns the join key: the term id itself for one slot, else the ids joined in a string. */
export function hashKey(solution: Solution, slots: readonly number[]): number | string {
  if (slots.length === 1) return solution[slots[0]!]!;
  let key = '';
  for (const slot of slots) key += `${solution[slot]},`;
  return key;
}

/** True when one of `slots` is bound in both solutions. */
export function sharesBoundSlot(a: Solution, b: Solution, slots: readonly number[]): boolean {
  for (const slot of slots) {
    if (a[slot] !== UNBOUND && b[slot] !== UNBOUND) return true;
  }
  return false;
}

/** Merges two solutions, or returns undefined when a slot bound in both differs. */
export function merge(a: Solution, b: Solution): Solution | undefined {
  const out = a.slice();
  for (let slot = 0; slot < b.length; slot++) {
    const value = b[slot]!;
    if (value === UNBOUND) continue;
    const current = out[slot]!;
    if (current === UNBOUND) out[slot] = value;
    else if (current !== value) return undefined;
  }
  return out;
}
