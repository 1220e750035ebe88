/**
 * Plans for the inferred store: a full materialisation, and incremental maintenance of a write
 * with Delete/Rederive (DRed). Planning reads the stores and never writes them. A plan lists the
 * quads to add to and delete from each store, and `applyPlan` writes them.
 *
 * DRed for deleted asserted facts D:
 * 1. Overdelete: every inferred fact with a rule instance that uses a fact of D, or a fact
 *    overdeleted before it, is overdeleted (set O), reading the state before the write.
 * 2. Rederive: each fact of O that some rule still derives in one step from the remaining
 *    facts is put back.
 * 3. Insert: forward chaining from the rederived facts and the newly asserted ones restores
 *    everything else that still follows.
 */
import { QuadStore } from '../store/quad-store.js';
import { DEFAULT_GRAPH_ID, type TermDictionary, type TermId } from '../store/types.js';
import {
  ForwardChainer,
  RuleFiring,
  RunBudget,
  TripleQueue,
  type ReasoningLimits,
} from './engine.js';
import { LayeredView, packDefaultGraph, type MemoTerms } from './fact-view.js';
import { RuleEvaluator } from './join.js';
import type { RuleSet } from './rule-set.js';

const G = DEFAULT_GRAPH_ID;

/** Packed s,p,o,g quads to write to each store. */
export interface ReasoningPlan {
  assertedAdds: Uint32Array;
  assertedDeletes: Uint32Array;
  inferredAdds: Uint32Array;
  inferredDeletes: Uint32Array;
  /** True when the plan replaces the whole inferred store (a full materialisation). */
  replacesInferred: boolean;
}

export interface PlanContext {
  dictionary: TermDictionary;
  ruleSet: RuleSet;
  asserted: QuadStore;
  inferred: QuadStore;
  limits: ReasoningLimits;
}

/**
 * Plans a materialisation from scratch of the asserted default graph, pausing after about
 * `sliceMs` milliseconds of work (see ForwardChainer.runSteps). The stores must not change
 * until it ends.
 */
export function* planMaterialisationSteps(
  context: PlanContext,
  sliceMs: number,
): Generator<void, ReasoningPlan> {
  const { asserted } = context;
  const budget = new RunBudget(context.limits);
  const view = new LayeredView([asserted], undefined, memoTerms(context));
  const chainer = chainerFor(context, view, budget);
  addAxioms(context, chainer);
  const cursor = asserted.match(-1, -1, -1, G);
  while (cursor.next()) {
    budget.step();
    chainer.seed(cursor.s, cursor.p, cursor.o);
  }
  yield* chainer.runSteps(sliceMs);
  return {
    assertedAdds: new Uint32Array(0),
    assertedDeletes: new Uint32Array(0),
    inferredAdds: packDefaultGraph(view.added),
    inferredDeletes: new Uint32Array(0),
    replacesInferred: true,
  };
}

/**
 * Plans a write of packed quads. A quad both added and deleted counts as added (SPARQL Update
 * applies DELETE before INSERT). Quads in named graphs are only written to the asserted store,
 * because reasoning covers the default graph.
 *
 * With `assertedApplied` false the asserted store must still have its state before the write,
 * and quads already present (or absent, for deletes) are dropped from the plan. With it true
 * the caller has already written the asserted quads, so the state before the write is rebuilt
 * as the store plus `deletes`. Every given quad then counts as changed, which costs some
 * repeated work but gives the same inferred store.
 */
export function planDelta(
  context: PlanContext,
  adds: Uint32Array,
  deletes: Uint32Array,
  assertedApplied: boolean,
): ReasoningPlan {
  const { asserted, inferred } = context;
  const added = new QuadStore();
  added.addMany(adds);
  const assertedAdds = new QuadStore();
  forEachQuad(adds, (s, p, o, g) => {
    if (assertedApplied || !asserted.has(s, p, o, g)) assertedAdds.add(s, p, o, g);
  });
  const assertedDeletes = new QuadStore();
  forEachQuad(deletes, (s, p, o, g) => {
    if (added.has(s, p, o, g)) return;
    if (assertedApplied || asserted.has(s, p, o, g)) assertedDeletes.add(s, p, o, g);
  });

  const budget = new RunBudget(context.limits);
  const oldState = assertedApplied ? [asserted, inferred, assertedDeletes] : [asserted, inferred];
  const overdeleted = overdelete(context, oldState, assertedDeletes, assertedAdds, budget);

  // Rederive and insert read the state without the overdeleted facts.
  const view = new LayeredView([asserted, inferred], overdeleted, memoTerms(context));
  const evaluator = new RuleEvaluator(view, context.dictionary, context.ruleSet.vocabulary);
  const firing = new RuleFiring(context.ruleSet, evaluator, view);
  const chainer = new ForwardChainer(view, firing, context.dictionary, budget);
  const candidates = packDefaultGraph(overdeleted);
  for (let w = 0; w < candidates.length; w += 4) {
    budget.step();
    const s = candidates[w]!;
    const p = candidates[w + 1]!;
    const o = candidates[w + 2]!;
    if (assertedAdds.has(s, p, o, G)) continue;
    if (firing.derives(s, p, o)) chainer.derive(s, p, o);
  }
  const cursor = assertedAdds.match(-1, -1, -1, G);
  while (cursor.next()) {
    const { s, p, o } = cursor;
    if (assertedApplied) {
      // The store already has the quad, so the view does too: fire it without adding it.
      chainer.seed(s, p, o);
    } else if (!view.has(s, p, o)) {
      view.add(s, p, o);
      chainer.seed(s, p, o);
    }
  }
  chainer.run();

  return {
    assertedAdds: packAll(assertedAdds),
    assertedDeletes: packAll(assertedDeletes),
    ...inferredChanges(inferred, overdeleted, view.added, assertedAdds),
    replacesInferred: false,
  };
}

/** Writes a plan to the stores. */
export function applyPlan(plan: ReasoningPlan, asserted: QuadStore, inferred: QuadStore): void {
  if (plan.assertedDeletes.length > 0) asserted.deleteMany(plan.assertedDeletes);
  if (plan.assertedAdds.length > 0) asserted.addMany(plan.assertedAdds);
  if (plan.replacesInferred) inferred.clear();
  if (plan.inferredDeletes.length > 0) inferred.deleteMany(plan.inferredDeletes);
  if (plan.inferredAdds.length > 0) inferred.addMany(plan.inferredAdds);
}

function memoTerms(context: PlanContext): MemoTerms {
  return context.ruleSet.memoTerms;
}

function chainerFor(context: PlanContext, view: LayeredView, budget: RunBudget): ForwardChainer {
  const evaluator = new RuleEvaluator(view, context.dictionary, context.ruleSet.vocabulary);
  const firing = new RuleFiring(context.ruleSet, evaluator, view);
  return new ForwardChainer(view, firing, context.dictionary, budget);
}

function addAxioms(context: PlanContext, chainer: ForwardChainer): void {
  for (const axiom of context.ruleSet.axioms) {
    const [s, p, o] = axiom.head!;
    chainer.derive(s, p, o);
    // An asserted axiom triple is not derived again but must still fire the rules.
    if (context.asserted.has(s, p, o, G)) chainer.seed(s, p, o);
  }
}

/**
 * Returns the overdeleted set: the deleted default-graph facts plus every inferred fact that a
 * rule instance using an overdeleted fact derives over `oldState`, the stores before the write.
 * Facts that stay asserted (kept, or newly added) are never overdeleted.
 */
function overdelete(
  context: PlanContext,
  oldState: QuadStore[],
  assertedDeletes: QuadStore,
  assertedAdds: QuadStore,
  budget: RunBudget,
): QuadStore {
  const { inferred, dictionary } = context;
  const overdeleted = new QuadStore();
  const oldView = new LayeredView(oldState, undefined, memoTerms(context));
  const evaluator = new RuleEvaluator(oldView, dictionary, context.ruleSet.vocabulary);
  const firing = new RuleFiring(context.ruleSet, evaluator, oldView);
  const queue = new TripleQueue();
  const cursor = assertedDeletes.match(-1, -1, -1, G);
  while (cursor.next()) {
    overdeleted.add(cursor.s, cursor.p, cursor.o, G);
    queue.push(cursor.s, cursor.p, cursor.o);
  }
  const onHead = (s: TermId, p: TermId, o: TermId): void => {
    if (!inferred.has(s, p, o, G) || overdeleted.has(s, p, o, G)) return;
    if (assertedAdds.has(s, p, o, G)) return;
    overdeleted.add(s, p, o, G);
    budget.checkSize(overdeleted.size);
    queue.push(s, p, o);
  };
  const fact = new Uint32Array(3);
  while (!queue.isEmpty) {
    budget.step();
    queue.shift(fact);
    firing.fire(fact[0]!, fact[1]!, fact[2]!, onHead);
  }
  return overdeleted;
}

/**
 * Returns the inferred store's changes: overdeleted inferred facts that were not derived again,
 * inferred facts that became asserted (they move), and derived facts the store lacks.
 */
function inferredChanges(
  inferred: QuadStore,
  overdeleted: QuadStore,
  derived: QuadStore,
  assertedAdds: QuadStore,
): { inferredAdds: Uint32Array; inferredDeletes: Uint32Array } {
  const deletes: number[] = [];
  const overdeletedCursor = overdeleted.match(-1, -1, -1, G);
  while (overdeletedCursor.next()) {
    const { s, p, o } = overdeletedCursor;
    if (inferred.has(s, p, o, G) && !derived.has(s, p, o, G)) deletes.push(s, p, o, G);
  }
  const movedCursor = assertedAdds.match(-1, -1, -1, G);
  while (movedCursor.next()) {
    const { s, p, o } = movedCursor;
    if (inferred.has(s, p, o, G)) deletes.push(s, p, o, G);
  }
  const adds: number[] = [];
  const derivedCursor = derived.match(-1, -1, -1, G);
  while (derivedCursor.next()) {
    const { s, p, o } = derivedCursor;
    if (!inferred.has(s, p, o, G) && !assertedAdds.has(s, p, o, G)) adds.push(s, p, o, G);
  }
  return { inferredAdds: Uint32Array.from(adds), inferredDeletes: Uint32Array.from(deletes) };
}

function forEachQuad(
  quads: Uint32Array,
  visit: (s: TermId, p: TermId, o: TermId, g: TermId) => void,
): void {
  if (quads.length % 4 !== 0) {
    throw new RangeError(
      `Invalid packed quads: length ${quads.length} is not a multiple of 4 (s, p, o, g per quad)`,
    );
  }
  for (let w = 0; w < quads.length; w += 4) {
    visit(quads[w]!, quads[w + 1]!, quads[w + 2]!, quads[w + 3]!);
  }
}

function packAll(store: QuadStore): Uint32Array {
  const packed = new Uint32Array(store.size * 4);
  const cursor = store.match(-1, -1, -1, -1);
  let w = 0;
  while (cursor.next()) {
    packed[w++] = cursor.s;
    packed[w++] = cursor.p;
    packed[w++] = cursor.o;
    packed[w++] = cursor.g;
  }
  return packed;
}
