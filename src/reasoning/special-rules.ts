/**
 * The two OWL 2 RL rules whose body length depends on a list of properties, written as code:
 *   prp-spo2  ?p owl:propertyChainAxiom (p1 ... pn), ?u0 p1 ?u1, ..., ?un-1 pn ?un
 *             -> ?u0 ?p ?un
 *   prp-key   ?c owl:hasKey (p1 ... pn), ?x rdf:type ?c, ?y rdf:type ?c, and for each i
 *             ?x pi ?zi, ?y pi ?zi  -> ?x owl:sameAs ?y
 * Both fire forward from any fact that can take part in an instance and check one head backward,
 * like the compiled rules in join.ts.
 */
import { ANY, type TermId } from '../store/types.js';
import type { FactView } from './fact-view.js';
import type { RuleEvaluator } from './join.js';
import type { VocabularyIds } from './vocabulary.js';

export type HeadVisitor = (s: TermId, p: TermId, o: TermId) => void;

export interface SpecialRule {
  readonly name: string;
  /** Reports the heads of instances that use the fact (s, p, o). */
  fire(s: TermId, p: TermId, o: TermId, onHead: HeadVisitor): void;
  /** Returns true when an instance derives (s, p, o) from facts in the view. */
  derives(s: TermId, p: TermId, o: TermId): boolean;
}

/** Upper bound on the path nodes one chain evaluation visits; past it the rest is not explored. */
// NOTE: a chain over a dense graph can have more paths than this; they are then not all derived.
const MAX_CHAIN_NODES = 1_000_000;

/** Returns the axioms `?owner <predicate> list` whose list has `property` as a member. */
function axiomsMentioning(
  view: FactView,
  evaluator: RuleEvaluator,
  predicate: TermId,
  property: TermId,
): { owner: TermId; members: TermId[] }[] {
  const axioms: { owner: TermId; members: TermId[] }[] = [];
  for (const node of evaluator.listNodesContaining(property)) {
    view.match(ANY, predicate, node, (owner) => {
      const members = evaluator.strictListMembers(node);
      if (members !== undefined && members.length > 0) axioms.push({ owner, members });
    });
  }
  return axioms;
}

export class PropertyChainRule implements SpecialRule {
  readonly name = 'prp-spo2';
  private readonly chainAxiom: TermId;

  constructor(
    private readonly view: FactView,
    private readonly evaluator: RuleEvaluator,
    vocabulary: VocabularyIds,
  ) {
    this.chainAxiom = vocabulary.propertyChainAxiom;
  }

  fire(s: TermId, p: TermId, o: TermId, onHead: HeadVisitor): void {
    if (p === this.chainAxiom) {
      const members = this.evaluator.strictListMembers(o);
      if (members === undefined || members.length === 0) return;
      this.view.match(ANY, members[0]!, ANY, (start, _p, next) => {
        for (const end of this.walk(next, members, 1)) onHead(start, s, end);
      });
      return;
    }
    for (const { owner, members } of axiomsMentioning(
      this.view,
      this.evaluator,
      this.chainAxiom,
      p,
    )) {
      members.forEach((member, position) => {
        if (member !== p) return;
        const starts = this.walkBack(s, members, position - 1);
        const ends = this.walk(o, members, position + 1);
        for (const start of starts) for (const end of ends) onHead(start, owner, end);
      });
    }
  }

  derives(s: TermId, p: TermId, o: TermId): boolean {
    let found = false;
    this.view.match(p, this.chainAxiom, ANY, (_s, _p, list) => {
      const members = this.evaluator.strictListMembers(list);
      if (members === undefined || members.length === 0) return false;
      this.view.match(s, members[0]!, ANY, (_s2, _p2, next) => {
        found = this.walk(next, members, 1).has(o);
        return found;
      });
      return found;
    });
    return found;
  }

  /** Returns the nodes reached from `node` by following members[from], ..., the last member. */
  private walk(node: TermId, members: TermId[], from: number): Set<TermId> {
    let frontier = new Set<TermId>([node]);
    let visited = 0;
    for (let i = from; i < members.length && frontier.size > 0; i++) {
      const next = new Set<TermId>();
      for (const current of frontier) {
        this.view.match(current, members[i]!, ANY, (_s, _p, target) => {
          next.add(target);
          return ++visited > MAX_CHAIN_NODES;
        });
      }
      frontier = next;
    }
    return frontier;
  }

  /** Returns the nodes from which following members[0], ..., members[to] reaches `node`. */
  private walkBack(node: TermId, members: TermId[], to: number): Set<TermId> {
    let frontier = new Set<TermId>([node]);
    let visited = 0;
    for (let i = to; i >= 0 && frontier.size > 0; i--) {
      const next = new Set<TermId>();
      for (const current of frontier) {
        this.view.match(ANY, members[i]!, current, (source) => {
          next.add(source);
          return ++visited > MAX_CHAIN_NODES;
        });
      }
      frontier = next;
    }
    return frontier;
  }
}

export class HasKeyRule implements SpecialRule {
  readonly name = 'prp-key';
  private readonly hasKey: TermId;
  private readonly type: TermId;
  private readonly sameAs: TermId;

  constructor(
    private readonly view: FactView,
    private readonly evaluator: RuleEvaluator,
    vocabulary: VocabularyIds,
  ) {
    this.hasKey = vocabulary.hasKey;
    this.type = vocabulary.type;
    this.sameAs = vocabulary.sameAs;
  }

  fire(s: TermId, p: TermId, o: TermId, onHead: HeadVisitor): void {
    if (p === this.hasKey) {
      const members = this.evaluator.strictListMembers(o);
      if (members === undefined || members.length === 0) return;
      this.view.match(ANY, this.type, s, (x) => this.matchKey(x, s, members, onHead));
      return;
    }
    if (p === this.type) {
      this.view.match(o, this.hasKey, ANY, (_c, _p, list) => {
        const members = this.evaluator.strictListMembers(list);
        if (members !== undefined && members.length > 0) this.matchKey(s, o, members, onHead);
      });
    }
    for (const { owner, members } of axiomsMentioning(this.view, this.evaluator, this.hasKey, p)) {
      if (this.view.has(s, this.type, owner)) this.matchKey(s, owner, members, onHead);
    }
  }

  derives(s: TermId, p: TermId, o: TermId): boolean {
    if (p !== this.sameAs || s === o) return false;
    let found = false;
    this.view.match(ANY, this.hasKey, ANY, (c, _p, list) => {
      const members = this.evaluator.strictListMembers(list);
      found =
        members !== undefined &&
        members.length > 0 &&
        this.view.has(s, this.type, c) &&
        this.view.has(o, this.type, c) &&
        members.every((key) => this.shareValue(s, o, key));
      return found;
    });
    return found;
  }

  /** Reports x owl:sameAs y (and y owl:sameAs x) for each other instance y of `c` with x's key. */
  private matchKey(x: TermId, c: TermId, keys: TermId[], onHead: HeadVisitor): void {
    const candidates = new Set<TermId>();
    this.view.match(x, keys[0]!, ANY, (_x, _p, value) => {
      this.view.match(ANY, keys[0]!, value, (y) => {
        if (y !== x) candidates.add(y);
      });
    });
    for (const y of candidates) {
      if (!this.view.has(y, this.type, c)) continue;
      if (!keys.every((key) => this.shareValue(x, y, key))) continue;
      onHead(x, this.sameAs, y);
      onHead(y, this.sameAs, x);
    }
  }

  private shareValue(x: TermId, y: TermId, key: TermId): boolean {
    return this.view.match(x, key, ANY, (_x, _p, value) => this.view.has(y, key, value));
  }
}
