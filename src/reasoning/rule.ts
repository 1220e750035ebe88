/**
 * Rules as Datalog over triples of term ids, parsed from a small text form and compiled into
 * join orders.
 *
 * Rule text: `name: body -> head`. The body is a list of atoms separated by ` . `, and the head
 * is one triple pattern, or `false` for a rule that detects an inconsistency. A rule with an
 * empty body (`name: -> head`) is an axiom. An atom is a triple pattern `?x rdf:type ?c` or
 * one of these built-ins:
 * - member(?list, ?item): ?item is a member of the RDF list ?list. Either may be unbound.
 * - allTypes(?node, ?list): ?node has rdf:type every member of ?list. Both must be bound.
 * - different(?a, ?b): ?a and ?b are different ids. Both must be bound.
 * - literal(?a): ?a is a literal. It must be bound.
 *
 * Compiled terms are numbers: a constant is its term id (≥ 0) and variable slot k is -(k + 1).
 */
import type { TermDictionary } from '../store/types.js';
import { expandConstant } from './vocabulary.js';

export type BuiltinName = 'member' | 'allTypes' | 'different' | 'literal';

export interface PatternAtom {
  kind: 'pattern';
  s: number;
  p: number;
  o: number;
}

export interface BuiltinAtom {
  kind: BuiltinName;
  args: number[];
}

export type Atom = PatternAtom | BuiltinAtom;

export interface CompiledRule {
  name: string;
  body: Atom[];
  /** Head triple pattern; null for an inconsistency rule. */
  head: [number, number, number] | null;
  slotCount: number;
  /** Per body atom index: the order of the other atoms when a fact matched that atom. */
  forwardOrders: (number[] | null)[];
  /** Order of all body atoms once the head's variables are bound. */
  backwardOrder: number[];
  /** Order of all body atoms with nothing bound. */
  fullOrder: number[];
  /**
   * Constant predicates of the body's patterns (with the object when constant, else ANY =
   * -1): when the facts have none of one of them, the rule cannot fire.
   */
  guards: { p: number; o: number }[];
}

const BUILTIN_ARITY: Record<BuiltinName, number> = {
  member: 2,
  allTypes: 2,
  different: 2,
  literal: 1,
};

/** Encodes variable slot k as a negative term. */
export function variableTerm(slot: number): number {
  return -(slot + 1);
}

/** Returns the slot of a variable term. */
export function slotOf(term: number): number {
  return -term - 1;
}

/**
 * Parses and compiles one rule text, interning its constants. Throws SyntaxError for malformed
 * text, and for a built-in whose inputs no order of the body can bind.
 */
export function compileRule(text: string, dictionary: TermDictionary): CompiledRule {
  const match = /^([\w-]+):\s*(.*?)\s*->\s*(.+)$/.exec(text.trim());
  if (match === null) throw new SyntaxError(`Invalid rule text: ${text}`);
  const [, name, bodyText, headText] = match as unknown as [string, string, string, string];
  const slots = new Map<string, number>();
  const term = (token: string): number => {
    if (token.startsWith('?')) {
      let slot = slots.get(token);
      if (slot === undefined) {
        slot = slots.size;
        slots.set(token, slot);
      }
      return variableTerm(slot);
    }
    return dictionary.intern(expandConstant(token));
  };

  const body: Atom[] = [];
  for (const atomText of bodyText === '' ? [] : bodyText.split(/\s+\.\s+/)) {
    body.push(parseAtom(atomText, term, name));
  }

  let head: [number, number, number] | null = null;
  if (headText.trim() !== 'false') {
    const parts = headText.trim().split(/\s+/);
    if (parts.length !== 3) throw new SyntaxError(`Invalid head in rule ${name}: ${headText}`);
    head = [term(parts[0]!), term(parts[1]!), term(parts[2]!)];
  }

  const headSlots = new Set<number>();
  if (head !== null) for (const t of head) if (t < 0) headSlots.add(slotOf(t));
  const bodySlots = new Set(body.flatMap((atom) => [...slotsOfAtom(atom)]));
  for (const slot of headSlots) {
    if (!bodySlots.has(slot))
      throw new SyntaxError(`Rule ${name} has a head variable not in its body`);
  }
  const forwardOrders = body.map((atom, index) => {
    if (atom.kind !== 'pattern') return null;
    return orderAtoms(body, slotsOfAtom(atom), [index], name);
  });

  return {
    name,
    body,
    head,
    slotCount: slots.size,
    forwardOrders,
    backwardOrder: orderAtoms(body, headSlots, [], name),
    fullOrder: orderAtoms(body, new Set(), [], name),
    guards: body.flatMap((atom) =>
      atom.kind === 'pattern' && atom.p >= 0 ? [{ p: atom.p, o: atom.o >= 0 ? atom.o : -1 }] : [],
    ),
  };
}

function parseAtom(text: string, term: (token: string) => number, rule: string): Atom {
  const builtin = /^(\w+)\(([^)]*)\)$/.exec(text.trim());
  if (builtin !== null) {
    const kind = builtin[1] as BuiltinName;
    const args = builtin[2]!.split(',').map((arg) => arg.trim());
    if (!(kind in BUILTIN_ARITY) || args.length !== BUILTIN_ARITY[kind]) {
      throw new SyntaxError(`Invalid built-in in rule ${rule}: ${text}`);
    }
    return { kind, args: args.map(term) };
  }
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 3) throw new SyntaxError(`Invalid atom in rule ${rule}: ${text}`);
  return { kind: 'pattern', s: term(parts[0]!), p: term(parts[1]!), o: term(parts[2]!) };
}

function termsOf(atom: Atom): number[] {
  return atom.kind === 'pattern' ? [atom.s, atom.p, atom.o] : atom.args;
}

function slotsOfAtom(atom: Atom): Set<number> {
  const slots = new Set<number>();
  for (const t of termsOf(atom)) if (t < 0) slots.add(slotOf(t));
  return slots;
}

/**
 * Returns how selective an atom is once `bound` slots are bound, higher first, or -1 when it
 * cannot run yet. Filters rank first because they only discard, then patterns by bound positions.
 */
function atomScore(atom: Atom, bound: Set<number>): number {
  const isBound = (t: number): boolean => t >= 0 || bound.has(slotOf(t));
  if (atom.kind === 'pattern') {
    return (isBound(atom.s) ? 1 : 0) + (isBound(atom.p) ? 1.1 : 0) + (isBound(atom.o) ? 1 : 0);
  }
  if (atom.kind === 'member') {
    if (isBound(atom.args[0]!)) return 2;
    return isBound(atom.args[1]!) ? 1.5 : -1;
  }
  return atom.args.every(isBound) ? 10 : -1;
}

/** Orders the body atoms not in `done` greedily by `atomScore`, starting from `bound` slots. */
function orderAtoms(body: Atom[], bound: Set<number>, done: number[], rule: string): number[] {
  const boundNow = new Set(bound);
  const used = new Set(done);
  const order: number[] = [];
  while (used.size < body.length) {
    let best = -1;
    let bestScore = -1;
    body.forEach((atom, index) => {
      if (used.has(index)) return;
      const score = atomScore(atom, boundNow);
      if (score > bestScore) {
        best = index;
        bestScore = score;
      }
    });
    if (best < 0) throw new SyntaxError(`Rule ${rule} has a built-in whose inputs stay unbound`);
    used.add(best);
    order.push(best);
    for (const slot of slotsOfAtom(body[best]!)) boundNow.add(slot);
  }
  return order;
}
