/**
 * A compiled rule set with the indexes the engine looks rules up by: which body atoms a fact
 * with predicate p can match (forward firing) and which rules can derive a fact with
 * predicate p (rederivation).
 */
import type { TermDictionary, TermId } from '../store/types.js';
import { compileRule, type CompiledRule } from './rule.js';
import { OWL2_RL_RULES } from './rules/owl2-rl.js';
import { RDFS_RULES } from './rules/rdfs.js';
import type { MemoTerms } from './fact-view.js';
import { internVocabulary, type VocabularyIds } from './vocabulary.js';

/** Name of the entailment rule set a dataset materialises. */
export type Ruleset = 'none' | 'rdfs' | 'owl2-rl';

export const RULESETS: readonly Ruleset[] = ['none', 'rdfs', 'owl2-rl'];

export type SpecialRuleName = 'prp-spo2' | 'prp-key';

/** One body atom of one rule that a new fact may match. */
export interface Trigger {
  rule: CompiledRule;
  atomIndex: number;
}

export class RuleSet {
  /** Rules with a body and a head. */
  readonly derivationRules: CompiledRule[] = [];
  /** Rules with an empty body: their heads always hold. */
  readonly axioms: CompiledRule[] = [];
  /** Rules with head `false`. */
  readonly consistencyRules: CompiledRule[] = [];
  /** Rules written as code (special-rules.ts) that this set includes. */
  readonly specialRules: readonly SpecialRuleName[];
  readonly vocabulary: VocabularyIds;
  /** Schema terms whose lookups views memoise. */
  readonly memoTerms: MemoTerms;
  /** Whether consistency checks include dt-not-type (ill-typed literals). */
  readonly checksDatatypes: boolean;

  private readonly triggersByPredicate = new Map<TermId, Trigger[]>();
  private readonly variablePredicateTriggers: Trigger[] = [];
  private readonly triggerCache = new Map<TermId, Trigger[]>();
  private readonly derivingByPredicate = new Map<TermId, CompiledRule[]>();
  private readonly variablePredicateHeads: CompiledRule[] = [];
  private readonly derivingCache = new Map<TermId, CompiledRule[]>();

  constructor(
    readonly name: Ruleset,
    texts: readonly string[],
    dictionary: TermDictionary,
    specialRules: readonly SpecialRuleName[] = [],
    checksDatatypes = false,
  ) {
    this.specialRules = specialRules;
    this.checksDatatypes = checksDatatypes;
    this.vocabulary = internVocabulary(dictionary);
    const rules = texts.map((text) => compileRule(text, dictionary));
    for (const rule of rules) {
      if (rule.head === null) this.consistencyRules.push(rule);
      else if (rule.body.length === 0) this.axioms.push(rule);
      else this.addDerivationRule(rule);
    }
    this.memoTerms = schemaTerms(rules, this.vocabulary);
  }

  get isEmpty(): boolean {
    return (
      this.derivationRules.length === 0 &&
      this.axioms.length === 0 &&
      this.specialRules.length === 0
    );
  }

  /** Returns the body atoms a fact with predicate `p` may match. */
  triggersFor(p: TermId): Trigger[] {
    let triggers = this.triggerCache.get(p);
    if (triggers === undefined) {
      triggers = [...(this.triggersByPredicate.get(p) ?? []), ...this.variablePredicateTriggers];
      this.triggerCache.set(p, triggers);
    }
    return triggers;
  }

  /** Returns the rules whose head may be a fact with predicate `p`. */
  rulesDeriving(p: TermId): CompiledRule[] {
    let rules = this.derivingCache.get(p);
    if (rules === undefined) {
      rules = [...(this.derivingByPredicate.get(p) ?? []), ...this.variablePredicateHeads];
      this.derivingCache.set(p, rules);
    }
    return rules;
  }

  private addDerivationRule(rule: CompiledRule): void {
    this.derivationRules.push(rule);
    rule.body.forEach((atom, atomIndex) => {
      if (atom.kind !== 'pattern') return;
      if (atom.p < 0) this.variablePredicateTriggers.push({ rule, atomIndex });
      else pushTo(this.triggersByPredicate, atom.p, { rule, atomIndex });
    });
    const headPredicate = rule.head![1];
    if (headPredicate < 0) this.variablePredicateHeads.push(rule);
    else pushTo(this.derivingByPredicate, headPredicate, rule);
  }
}

/**
 * Returns the schema terms of a rule set: constant predicates of body patterns, plus the list
 * and key vocabulary, but not owl:sameAs and owl:differentFrom, whose subjects are data. For
 * rdf:type, the constant objects of body patterns.
 */
function schemaTerms(rules: CompiledRule[], vocabulary: VocabularyIds): MemoTerms {
  const predicates = new Set<TermId>([
    vocabulary.first,
    vocabulary.rest,
    vocabulary.propertyChainAxiom,
    vocabulary.hasKey,
  ]);
  const typeObjects = new Set<TermId>();
  for (const rule of rules) {
    for (const atom of rule.body) {
      if (atom.kind !== 'pattern' || atom.p < 0) continue;
      if (atom.p === vocabulary.type) {
        if (atom.o >= 0) typeObjects.add(atom.o);
      } else if (atom.p !== vocabulary.sameAs && atom.p !== vocabulary.differentFrom) {
        predicates.add(atom.p);
      }
    }
  }
  return { type: vocabulary.type, predicates, typeObjects };
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** Compiles a named rule set, interning the terms its rules mention. */
export function buildRuleSet(name: Ruleset, dictionary: TermDictionary): RuleSet {
  switch (name) {
    case 'none':
      return new RuleSet(name, [], dictionary);
    case 'rdfs':
      return new RuleSet(name, RDFS_RULES, dictionary);
    case 'owl2-rl':
      return new RuleSet(name, OWL2_RL_RULES, dictionary, ['prp-spo2', 'prp-key'], true);
  }
}
