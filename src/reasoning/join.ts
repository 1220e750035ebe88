/**
 * Evaluates compiled rules against a FactView: forward from one fact (semi-naive firing),
 * backward for one head (DRed's rederivation check), and over all facts (consistency checks).
 * Joins are nested loops over index lookups in the order the compiler chose.
 */
import { ANY, type TermDictionary, type TermId } from '../store/types.js';
import type { FactView } from './fact-view.js';
import { slotOf, type Atom, type CompiledRule, type PatternAtom } from './rule.js';
import type { VocabularyIds } from './vocabulary.js';

/** Receives a complete binding; returning true stops the join. */
type MatchVisitor = (binding: Int32Array) => boolean | void;

/** Longest RDF list the built-ins walk; a longer or cyclic list counts as malformed. */
export const MAX_LIST_LENGTH = 10_000;

const UNBOUND = -1;

export class RuleEvaluator {
  private readonly first: TermId;
  private readonly rest: TermId;
  private readonly nil: TermId;
  private readonly type: TermId;
  private readonly bindings = new Map<CompiledRule, Int32Array>();

  constructor(
    private readonly view: FactView,
    private readonly dictionary: TermDictionary,
    vocabulary: VocabularyIds,
  ) {
    this.first = vocabulary.first;
    this.rest = vocabulary.rest;
    this.nil = vocabulary.nil;
    this.type = vocabulary.type;
  }

  /**
   * Calls `onHead` for every head that `rule` derives from an instance whose body atom
   * `atomIndex` matches the fact (s, p, o) and whose other atoms match the view.
   */
  fireForward(
    rule: CompiledRule,
    atomIndex: number,
    s: TermId,
    p: TermId,
    o: TermId,
    onHead: (s: TermId, p: TermId, o: TermId) => void,
  ): void {
    const head = rule.head;
    if (head === null) return;
    this.matchFrom(rule, atomIndex, s, p, o, (binding) => {
      onHead(valueOf(head[0], binding), valueOf(head[1], binding), valueOf(head[2], binding));
    });
  }

  /**
   * Calls `visit` with each binding of `rule`'s body whose atom `atomIndex` matches the fact
   * (s, p, o) and whose other atoms match the view.
   */
  matchFrom(
    rule: CompiledRule,
    atomIndex: number,
    s: TermId,
    p: TermId,
    o: TermId,
    visit: MatchVisitor,
  ): void {
    const order = rule.forwardOrders[atomIndex];
    if (order === null || order === undefined) return;
    const atom = rule.body[atomIndex] as PatternAtom;
    // Most triggers fail on a constant, so those are checked before touching the binding.
    if (atom.s >= 0 && atom.s !== s) return;
    if (atom.p >= 0 && atom.p !== p) return;
    if (atom.o >= 0 && atom.o !== o) return;
    const binding = this.scratchBinding(rule);
    if (!unifyPattern(atom, s, p, o, binding)) return;
    this.join(rule.body, order, 0, binding, visit);
  }

  /**
   * Returns the rule's reusable binding, all unbound. Reuse is safe because nothing calls
   * fireForward again while a join runs: heads only go to queues.
   */
  private scratchBinding(rule: CompiledRule): Int32Array {
    let binding = this.bindings.get(rule);
    if (binding === undefined) {
      binding = new Int32Array(rule.slotCount);
      this.bindings.set(rule, binding);
    }
    return binding.fill(UNBOUND);
  }

  /** Returns true when `rule` derives (s, p, o) in one step from facts in the view. */
  derives(rule: CompiledRule, s: TermId, p: TermId, o: TermId): boolean {
    const head = rule.head;
    if (head === null) return false;
    const binding = new Int32Array(rule.slotCount).fill(UNBOUND);
    if (!unifyPattern({ kind: 'pattern', s: head[0], p: head[1], o: head[2] }, s, p, o, binding)) {
      return false;
    }
    return this.join(rule.body, rule.backwardOrder, 0, binding, () => true);
  }

  /** Calls `visit` with each binding that satisfies the whole body of `rule`. */
  enumerate(rule: CompiledRule, visit: MatchVisitor): void {
    for (const guard of rule.guards) if (!this.view.mayMatch(guard.p, guard.o)) return;
    const binding = new Int32Array(rule.slotCount).fill(UNBOUND);
    this.join(rule.body, rule.fullOrder, 0, binding, visit);
  }

  /**
   * Returns the rdf:first values per position of the RDF list starting at `head`, or undefined
   * when it is not a well-formed list: a node without an rdf:first, without exactly one
   * rdf:rest, on a cycle, or past MAX_LIST_LENGTH. A position can have several values because
   * eq-rep-o copies rdf:first to every owl:sameAs alias of a member.
   */
  listPositions(head: TermId): TermId[][] | undefined {
    const positions: TermId[][] = [];
    const seen = new Set<TermId>();
    let node = head;
    while (node !== this.nil) {
      if (seen.has(node) || positions.length >= MAX_LIST_LENGTH) return undefined;
      seen.add(node);
      const items: TermId[] = [];
      this.view.match(node, this.first, ANY, (_s, _p, item) => {
        items.push(item);
      });
      const next = this.singleObject(node, this.rest);
      if (items.length === 0 || next === undefined) return undefined;
      positions.push(items);
      node = next;
    }
    return positions;
  }

  /** Returns every rdf:first value of a well-formed list, or undefined (see listPositions). */
  listMembers(head: TermId): TermId[] | undefined {
    const positions = this.listPositions(head);
    return positions === undefined ? undefined : [...new Set(positions.flat())];
  }

  /** Returns the list's members when each position has one value, or undefined. */
  strictListMembers(head: TermId): TermId[] | undefined {
    const positions = this.listPositions(head);
    if (positions === undefined || positions.some((items) => items.length !== 1)) return undefined;
    return positions.map((items) => items[0]!);
  }

  /** Returns every list node from which `item` is reachable as a member (the suffixes' heads). */
  listNodesContaining(item: TermId): TermId[] {
    const found = new Set<TermId>();
    const pending: TermId[] = [];
    this.view.match(ANY, this.first, item, (node) => {
      pending.push(node);
    });
    while (pending.length > 0 && found.size < MAX_LIST_LENGTH) {
      const node = pending.pop()!;
      if (found.has(node)) continue;
      found.add(node);
      this.view.match(ANY, this.rest, node, (previous) => {
        if (!found.has(previous)) pending.push(previous);
      });
    }
    return [...found];
  }

  private singleObject(s: TermId, p: TermId): TermId | undefined {
    let result: TermId | undefined;
    let count = 0;
    this.view.match(s, p, ANY, (_s, _p, o) => {
      result = o;
      return ++count > 1;
    });
    return count === 1 ? result : undefined;
  }

  private join(
    body: Atom[],
    order: number[],
    step: number,
    binding: Int32Array,
    visit: MatchVisitor,
  ): boolean {
    if (step === order.length) return visit(binding) === true;
    const atom = body[order[step]!]!;
    switch (atom.kind) {
      case 'pattern':
        return this.joinPattern(atom, body, order, step, binding, visit);
      case 'member':
        return this.joinMember(atom.args[0]!, atom.args[1]!, body, order, step, binding, visit);
      case 'allTypes': {
        const node = valueOf(atom.args[0]!, binding);
        const positions = this.listPositions(valueOf(atom.args[1]!, binding));
        if (positions === undefined || positions.length === 0) return false;
        for (const items of positions) {
          if (!items.some((item) => this.view.has(node, this.type, item))) return false;
        }
        return this.join(body, order, step + 1, binding, visit);
      }
      case 'different':
        if (valueOf(atom.args[0]!, binding) === valueOf(atom.args[1]!, binding)) return false;
        return this.join(body, order, step + 1, binding, visit);
      case 'literal':
        if (!this.isLiteral(valueOf(atom.args[0]!, binding))) return false;
        return this.join(body, order, step + 1, binding, visit);
    }
  }

  private joinPattern(
    atom: PatternAtom,
    body: Atom[],
    order: number[],
    step: number,
    binding: Int32Array,
    visit: MatchVisitor,
  ): boolean {
    const s = valueOf(atom.s, binding);
    const p = valueOf(atom.p, binding);
    const o = valueOf(atom.o, binding);
    const sSlot = s === UNBOUND ? slotOf(atom.s) : -1;
    const pSlot = p === UNBOUND ? slotOf(atom.p) : -1;
    const oSlot = o === UNBOUND ? slotOf(atom.o) : -1;
    return this.view.match(s, p, o, (fs, fp, fo) => {
      // A variable repeated inside the atom must take one value in all its positions.
      if (sSlot >= 0 && sSlot === pSlot && fs !== fp) return false;
      if (sSlot >= 0 && sSlot === oSlot && fs !== fo) return false;
      if (pSlot >= 0 && pSlot === oSlot && fp !== fo) return false;
      if (sSlot >= 0) binding[sSlot] = fs;
      if (pSlot >= 0) binding[pSlot] = fp;
      if (oSlot >= 0) binding[oSlot] = fo;
      const stopped = this.join(body, order, step + 1, binding, visit);
      if (sSlot >= 0) binding[sSlot] = UNBOUND;
      if (pSlot >= 0) binding[pSlot] = UNBOUND;
      if (oSlot >= 0) binding[oSlot] = UNBOUND;
      return stopped;
    });
  }

  private joinMember(
    listTerm: number,
    itemTerm: number,
    body: Atom[],
    order: number[],
    step: number,
    binding: Int32Array,
    visit: MatchVisitor,
  ): boolean {
    const list = valueOf(listTerm, binding);
    const item = valueOf(itemTerm, binding);
    if (list !== UNBOUND) {
      const members = this.listMembers(list) ?? [];
      if (item !== UNBOUND) {
        return members.includes(item) && this.join(body, order, step + 1, binding, visit);
      }
      const slot = slotOf(itemTerm);
      for (const member of members) {
        binding[slot] = member;
        const stopped = this.join(body, order, step + 1, binding, visit);
        binding[slot] = UNBOUND;
        if (stopped) return true;
      }
      return false;
    }
    const slot = slotOf(listTerm);
    for (const node of this.listNodesContaining(item)) {
      binding[slot] = node;
      const stopped = this.join(body, order, step + 1, binding, visit);
      binding[slot] = UNBOUND;
      if (stopped) return true;
    }
    return false;
  }

  private isLiteral(id: TermId): boolean {
    return this.dictionary.key(id).charCodeAt(0) === 0x22;
  }
}

function valueOf(term: number, binding: Int32Array): number {
  return term >= 0 ? term : binding[slotOf(term)]!;
}

/** Binds the pattern's variables to the fact; returns false when the fact does not unify. */
function unifyPattern(
  atom: PatternAtom,
  s: TermId,
  p: TermId,
  o: TermId,
  binding: Int32Array,
): boolean {
  return (
    unifyTerm(atom.s, s, binding) && unifyTerm(atom.p, p, binding) && unifyTerm(atom.o, o, binding)
  );
}

function unifyTerm(term: number, value: TermId, binding: Int32Array): boolean {
  if (term >= 0) return term === value;
  const slot = slotOf(term);
  const bound = binding[slot]!;
  if (bound === UNBOUND) {
    binding[slot] = value;
    return true;
  }
  return bound === value;
}
