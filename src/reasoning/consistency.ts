/**
 * Consistency checking: the OWL 2 RL rules with head `false` plus dt-not-type, run over asserted
 * and inferred facts together, either over everything or over what a planned write adds. Each
 * inconsistency names its rule and the quads that matched the body.
 */
import { QuadStore } from '../store/quad-store.js';
import { ANY, DEFAULT_GRAPH_ID, type TermDictionary } from '../store/types.js';
import { isValidLexicalForm, typedLiteralParts } from './datatypes.js';
import { LayeredView } from './fact-view.js';
import { RuleEvaluator } from './join.js';
import { slotOf, type CompiledRule } from './rule.js';
import type { ReasoningPlan } from './maintenance.js';
import type { RuleSet } from './rule-set.js';

export interface Inconsistency {
  /** Rule name from the OWL 2 RL tables, such as `cax-dw` or `prp-irp`. */
  rule: string;
  /** Packed s,p,o,g quads (default graph) that matched the rule's body, in body order. */
  quads: Uint32Array;
}

/** Default cap on the inconsistencies one check returns. */
export const DEFAULT_MAX_INCONSISTENCIES = 1000;

/** Collects inconsistencies without repeats, up to a maximum. */
class InconsistencyList {
  readonly found: Inconsistency[] = [];
  private readonly seen = new Set<string>();

  constructor(readonly maxResults: number) {}

  get isFull(): boolean {
    return this.found.length >= this.maxResults;
  }

  /** Adds an inconsistency unless one of the same rule over the same quads is already in. */
  add(rule: string, quads: Uint32Array): void {
    // Symmetric rules (cax-dw, cax-adc, prp-pdw, ...) match each clash twice.
    const key = `${rule} ${sortedTriples(quads).join(' ')}`;
    if (this.isFull || this.seen.has(key)) return;
    this.seen.add(key);
    this.found.push({ rule, quads });
  }
}

/** Returns up to `maxResults` inconsistencies, in rule order. */
export function findInconsistencies(
  dictionary: TermDictionary,
  ruleSet: RuleSet,
  stores: readonly QuadStore[],
  maxResults = DEFAULT_MAX_INCONSISTENCIES,
): Inconsistency[] {
  const view = new LayeredView(stores, undefined, ruleSet.memoTerms);
  const evaluator = new RuleEvaluator(view, dictionary, ruleSet.vocabulary);
  const list = new InconsistencyList(maxResults);
  if (ruleSet.checksDatatypes) {
    for (const store of stores) findIllTypedLiterals(dictionary, store, list);
  }
  for (const rule of ruleSet.consistencyRules) {
    if (list.isFull) break;
    evaluator.enumerate(rule, (binding) => {
      list.add(rule.name, bodyQuads(rule, binding));
      return list.isFull;
    });
  }
  return list.found;
}

/**
 * Returns up to `maxResults` inconsistencies that committing `plan` would introduce: rule
 * instances that use at least one quad the plan adds, over the state after the plan. Deletes
 * cannot introduce one, because every consistency rule is a conjunction of positive atoms.
 * Instances among quads that stay are not reported, so this assumes a state that was
 * consistent (or whose inconsistencies are already known).
 */
export function findPlanInconsistencies(
  dictionary: TermDictionary,
  ruleSet: RuleSet,
  asserted: QuadStore,
  inferred: QuadStore,
  plan: ReasoningPlan,
  maxResults = DEFAULT_MAX_INCONSISTENCIES,
): Inconsistency[] {
  const added = new QuadStore();
  added.addMany(defaultGraphOnly(plan.assertedAdds));
  added.addMany(plan.inferredAdds);
  if (plan.replacesInferred) {
    return findInconsistencies(dictionary, ruleSet, [asserted, added], maxResults);
  }
  const removed = new QuadStore();
  removed.addMany(defaultGraphOnly(plan.assertedDeletes));
  removed.addMany(plan.inferredDeletes);
  // An asserted add that was inferred is in both `added` and the base, so joins may see it
  // twice. That only repeats matches, which the list drops.
  const view = new LayeredView([asserted, inferred], removed, ruleSet.memoTerms, added);
  const evaluator = new RuleEvaluator(view, dictionary, ruleSet.vocabulary);
  const list = new InconsistencyList(maxResults);
  if (ruleSet.checksDatatypes) findIllTypedLiterals(dictionary, added, list);
  const cursor = added.match(ANY, ANY, ANY, DEFAULT_GRAPH_ID);
  while (cursor.next() && !list.isFull) {
    const { s, p, o } = cursor;
    for (const rule of ruleSet.consistencyRules) {
      rule.body.forEach((atom, atomIndex) => {
        if (atom.kind !== 'pattern') return;
        evaluator.matchFrom(rule, atomIndex, s, p, o, (binding) => {
          list.add(rule.name, bodyQuads(rule, binding));
          return list.isFull;
        });
      });
    }
  }
  return list.found;
}

function defaultGraphOnly(quads: Uint32Array): Uint32Array {
  const defaultGraphQuads: number[] = [];
  for (let w = 0; w < quads.length; w += 4) {
    if (quads[w + 3] === DEFAULT_GRAPH_ID)
      defaultGraphQuads.push(quads[w]!, quads[w + 1]!, quads[w + 2]!, quads[w + 3]!);
  }
  return Uint32Array.from(defaultGraphQuads);
}

/**
 * Adds a dt-not-type inconsistency for the first default-graph fact of `store` that uses each
 * ill-typed literal, such as "abc"^^xsd:integer, as its object.
 */
function findIllTypedLiterals(
  dictionary: TermDictionary,
  store: QuadStore,
  list: InconsistencyList,
): void {
  const checked = new Set<number>();
  const cursor = store.match(ANY, ANY, ANY, DEFAULT_GRAPH_ID);
  while (cursor.next() && !list.isFull) {
    const object = cursor.o;
    if (checked.has(object)) continue;
    checked.add(object);
    const literal = typedLiteralParts(dictionary.key(object));
    if (literal === undefined) continue;
    if (isValidLexicalForm(literal.datatype, literal.lexical) !== false) continue;
    list.add('dt-not-type', Uint32Array.of(cursor.s, cursor.p, object, DEFAULT_GRAPH_ID));
  }
}

function bodyQuads(rule: CompiledRule, binding: Int32Array): Uint32Array {
  const quads: number[] = [];
  const value = (term: number): number => (term >= 0 ? term : binding[slotOf(term)]!);
  for (const atom of rule.body) {
    if (atom.kind !== 'pattern') continue;
    quads.push(value(atom.s), value(atom.p), value(atom.o), DEFAULT_GRAPH_ID);
  }
  return Uint32Array.from(quads);
}

function sortedTriples(quads: Uint32Array): string[] {
  const triples: string[] = [];
  for (let w = 0; w < quads.length; w += 4)
    triples.push(`${quads[w]},${quads[w + 1]},${quads[w + 2]}`);
  return triples.sort();
}
