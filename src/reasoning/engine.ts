/**
 * The semi-naive engine. Every new fact is fired once through the rule bodies it can match,
 * joining the other body atoms against the whole current state, so each rule instance is found
 * when its newest fact is processed. Derived facts go into the view's `added` store, never into
 * the base stores, which is what lets a failed budget leave the stores untouched.
 */
import { LimitExceededError } from '../errors.js';
import { keyKind, TermKind } from '../rdf/terms.js';
import { ANY, type TermDictionary, type TermId } from '../store/types.js';
import type { LayeredView } from './fact-view.js';
import { MAX_LIST_LENGTH, type RuleEvaluator } from './join.js';
import type { RuleSet, Trigger } from './rule-set.js';
import {
  HasKeyRule,
  PropertyChainRule,
  type HeadVisitor,
  type SpecialRule,
} from './special-rules.js';

export interface ReasoningLimits {
  /**
   * Maximum quads one materialisation or write may derive, and separately the maximum it may
   * overdelete (DRed's first phase, which can exceed the final change).
   */
  maxInferredQuads: number;
  /** Maximum milliseconds one materialisation or one write may spend in the engine. */
  timeoutMs: number;
}

/** Tracks one run's budget; the checks throw LimitExceededError. */
export class RunBudget {
  private readonly deadline: number;
  private steps = 0;

  constructor(readonly limits: ReasoningLimits) {
    this.deadline = Date.now() + limits.timeoutMs;
  }

  /** Counts one unit of work and checks the clock every 256 units. */
  // NOTE: one unit is a whole fact's firing, so a rule with a huge join overruns the deadline.
  step(): void {
    if ((++this.steps & 0xff) === 0 && Date.now() > this.deadline) {
      throw new LimitExceededError(
        'Reasoning time in milliseconds',
        this.limits.timeoutMs,
        'reasoning timeoutMs',
      );
    }
  }

  checkSize(quads: number): void {
    if (quads > this.limits.maxInferredQuads) {
      throw new LimitExceededError(
        'Inferred quads per materialisation or write',
        this.limits.maxInferredQuads,
        'reasoning maxInferredQuads',
      );
    }
  }
}

/** A FIFO of s,p,o triples in a growable typed array. */
export class TripleQueue {
  private data = new Uint32Array(3 * 1024);
  private head = 0;
  private tail = 0;

  get isEmpty(): boolean {
    return this.head === this.tail;
  }

  push(s: TermId, p: TermId, o: TermId): void {
    if (this.tail + 3 > this.data.length) {
      const live = this.tail - this.head;
      const grown = new Uint32Array(Math.max(this.data.length, live * 2 + 3));
      grown.set(this.data.subarray(this.head, this.tail));
      this.data = grown;
      this.head = 0;
      this.tail = live;
    }
    this.data[this.tail++] = s;
    this.data[this.tail++] = p;
    this.data[this.tail++] = o;
  }

  /** Removes the oldest triple into `out` (s, p, o); the queue must not be empty. */
  shift(out: Uint32Array): void {
    out[0] = this.data[this.head++]!;
    out[1] = this.data[this.head++]!;
    out[2] = this.data[this.head++]!;
  }
}

/**
 * Fires a rule set over one fact: every rule instance that uses the fact and whose other atoms
 * hold in the evaluator's view reports its head.
 */
export class RuleFiring {
  private readonly first: TermId;
  private readonly rest: TermId;
  private readonly specialRules: SpecialRule[];
  /** Triggers per predicate whose rules can fire, valid for one view schema generation. */
  private readonly enabledTriggers = new Map<TermId, Trigger[]>();
  private enabledGeneration = -1;

  constructor(
    private readonly ruleSet: RuleSet,
    private readonly evaluator: RuleEvaluator,
    private readonly view: LayeredView,
  ) {
    const vocabulary = ruleSet.vocabulary;
    this.first = vocabulary.first;
    this.rest = vocabulary.rest;
    this.specialRules = ruleSet.specialRules.map((name) =>
      name === 'prp-spo2'
        ? new PropertyChainRule(view, evaluator, vocabulary)
        : new HasKeyRule(view, evaluator, vocabulary),
    );
  }

  fire(s: TermId, p: TermId, o: TermId, onHead: HeadVisitor): void {
    this.fireRules(s, p, o, onHead);
    if (p === this.first || p === this.rest) this.fireListOwners(s, onHead);
  }

  /** Returns true when an axiom or one rule instance over the view derives (s, p, o). */
  derives(s: TermId, p: TermId, o: TermId): boolean {
    for (const axiom of this.ruleSet.axioms) {
      const head = axiom.head!;
      if (head[0] === s && head[1] === p && head[2] === o) return true;
    }
    for (const rule of this.ruleSet.rulesDeriving(p)) {
      if (this.evaluator.derives(rule, s, p, o)) return true;
    }
    return this.specialRules.some((rule) => rule.derives(s, p, o));
  }

  private fireRules(s: TermId, p: TermId, o: TermId, onHead: HeadVisitor): void {
    for (const trigger of this.triggersFor(p)) {
      this.evaluator.fireForward(trigger.rule, trigger.atomIndex, s, p, o, onHead);
    }
    for (const rule of this.specialRules) rule.fire(s, p, o, onHead);
  }

  /**
   * Returns the triggers for predicate `p` minus those of rules with a schema pattern that no
   * fact matches. Most OWL 2 RL rules need vocabulary a given dataset never uses (owl:sameAs,
   * owl:maxCardinality, ...), so this drops most of the work per fact.
   */
  private triggersFor(p: TermId): Trigger[] {
    if (this.view.schemaGeneration !== this.enabledGeneration) {
      this.enabledTriggers.clear();
      this.enabledGeneration = this.view.schemaGeneration;
    }
    let triggers = this.enabledTriggers.get(p);
    if (triggers === undefined) {
      triggers = this.ruleSet
        .triggersFor(p)
        .filter(({ rule }) => rule.guards.every(({ p, o }) => this.view.mayMatch(p, o)));
      this.enabledTriggers.set(p, triggers);
    }
    return triggers;
  }

  /**
   * Fires again every fact whose object is a list through `node` (owl:intersectionOf,
   * owl:members, ...). A changed rdf:first or rdf:rest changes what the member and allTypes
   * built-ins read, and no trigger covers that.
   */
  private fireListOwners(node: TermId, onHead: HeadVisitor): void {
    for (const head of this.listHeadsThrough(node)) {
      const owners: TermId[] = [];
      this.view.match(ANY, ANY, head, (s, p) => {
        if (p !== this.first && p !== this.rest) owners.push(s, p);
      });
      for (let i = 0; i < owners.length; i += 2) {
        this.fireRules(owners[i]!, owners[i + 1]!, head, onHead);
      }
    }
  }

  /** Returns `node` and every list node whose rdf:rest chain reaches it. */
  private listHeadsThrough(node: TermId): TermId[] {
    const found = new Set<TermId>([node]);
    const pending = [node];
    while (pending.length > 0 && found.size < MAX_LIST_LENGTH) {
      const current = pending.pop()!;
      this.view.match(ANY, this.rest, current, (previous) => {
        if (!found.has(previous)) {
          found.add(previous);
          pending.push(previous);
        }
      });
    }
    return [...found];
  }
}

/**
 * Runs rules forward to a fixpoint. `derive` adds a fact the view lacks to `view.added` and
 * queues it. `seed` only queues, for a fact already in the view.
 */
export class ForwardChainer {
  private readonly queue = new TripleQueue();
  private readonly current = new Uint32Array(3);
  /**
   * Derives a head unless it is the fact being fired. Reflexive schema triples (c
   * rdfs:subClassOf c from scm-cls, p owl:equivalentProperty p from scm-op) make many rules
   * return their own trigger, which this skips before the store lookup.
   */
  private readonly onHead: HeadVisitor = (s, p, o) => {
    const fact = this.current;
    if (s === fact[0] && p === fact[1] && o === fact[2]) return;
    this.derive(s, p, o);
  };

  constructor(
    private readonly view: LayeredView,
    private readonly firing: RuleFiring,
    private readonly dictionary: TermDictionary,
    private readonly budget: RunBudget,
  ) {}

  seed(s: TermId, p: TermId, o: TermId): void {
    this.queue.push(s, p, o);
  }

  /** Adds a derived fact unless the view has it or RDF cannot state it (literal subject). */
  derive(s: TermId, p: TermId, o: TermId): void {
    if (!isStatable(this.dictionary, s, p) || this.view.has(s, p, o)) return;
    this.view.add(s, p, o);
    this.budget.checkSize(this.view.added.size);
    this.queue.push(s, p, o);
  }

  run(): void {
    drainSteps(this.runSteps(Infinity));
  }

  /**
   * Runs to the fixpoint like `run`, pausing (yielding) after about `sliceMs` milliseconds of
   * work, so a caller can let the event loop serve other requests between slices. The stores
   * must not change between slices.
   */
  *runSteps(sliceMs: number): Generator<void, void> {
    const fact = this.current;
    let sliceEnd = Date.now() + sliceMs;
    let sinceCheck = 0;
    while (!this.queue.isEmpty) {
      this.budget.step();
      this.queue.shift(fact);
      this.firing.fire(fact[0]!, fact[1]!, fact[2]!, this.onHead);
      if (++sinceCheck === 256) {
        sinceCheck = 0;
        if (Date.now() >= sliceEnd) {
          yield;
          sliceEnd = Date.now() + sliceMs;
        }
      }
    }
  }
}

/** Runs a stepped computation to its end without pausing, and returns its result. */
export function drainSteps<T>(steps: Generator<void, T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done === true) return next.value;
  }
}

/**
 * Runs a stepped computation, letting the event loop run between steps: pending I/O and
 * timers go first, so health checks and queries are served while it works.
 */
export async function runSteps<T>(steps: Generator<void, T>): Promise<T> {
  for (;;) {
    const next = steps.next();
    if (next.done === true) return next.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Returns true when (s, p, _) is an RDF triple: the subject is an IRI or blank node, and the
 * predicate an IRI. Rules can derive generalised triples (a literal subject from prp-rng over a
 * literal value, say), which the store does not keep.
 */
export function isStatable(dictionary: TermDictionary, s: TermId, p: TermId): boolean {
  return (
    keyKind(dictionary.key(s)) !== TermKind.Literal &&
    keyKind(dictionary.key(p)) === TermKind.NamedNode
  );
}
