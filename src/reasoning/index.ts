/**
 * RDFS and OWL 2 RL reasoning over term ids: materialisation into a separate inferred store,
 * incremental maintenance of writes (DRed), consistency checks and budgets.
 *
 * Scope: rules read and write the default graph only. Quads in named graphs are stored as
 * asserted but take no part in reasoning, and inferred quads all go to the default graph.
 *
 * Writes are planned, then applied. `planDelta` reads the stores and returns the changes. When
 * a budget runs out it throws LimitExceededError, and every store stays as it was. `commit`
 * writes the plan. Rule sets intern the vocabulary terms they mention (rdf:type, owl:sameAs, the
 * cardinality literals "0" and "1", ...) in the dictionary once, at construction.
 */
import { InvalidArgumentError } from '../errors.js';
import { QuadStore } from '../store/quad-store.js';
import type { QuadSource, TermDictionary } from '../store/types.js';
import { findInconsistencies, findPlanInconsistencies, type Inconsistency } from './consistency.js';
import { drainSteps, type ReasoningLimits } from './engine.js';
import {
  applyPlan,
  planDelta,
  planMaterialisationSteps,
  type PlanContext,
  type ReasoningPlan,
} from './maintenance.js';
import { buildRuleSet, RULESETS, type Ruleset, type RuleSet } from './rule-set.js';
import { UnionQuadSource } from './union-source.js';

export type { Inconsistency } from './consistency.js';
export type { ReasoningLimits } from './engine.js';
export { drainSteps, runSteps } from './engine.js';
export type { ReasoningPlan } from './maintenance.js';
export { RULESETS, type Ruleset } from './rule-set.js';
export { UnionQuadSource } from './union-source.js';

export interface ReasonerOptions extends Partial<ReasoningLimits> {
  /**
   * Store for inferred quads, for example one restored from disk, which must then be the
   * closure of the asserted store under the same rule set. Default: a new empty QuadStore,
   * which `materialise` must fill before the first `planDelta`.
   */
  inferred?: QuadStore;
}

/** Packed s,p,o,g quads a write adds and deletes. */
export interface AssertedDelta {
  adds?: Uint32Array;
  deletes?: Uint32Array;
  /**
   * True when the caller has already written `adds` and `deletes` to the asserted store. Then
   * they must be the net change: quads that were absent before and are added, and quads that
   * were present before and are deleted. The earlier state is rebuilt from them, so a no-op
   * delete of an absent quad would make it look present before.
   * Default false: the asserted store still has its state before the write, which lets the plan
   * skip quads that change nothing.
   */
  assertedApplied?: boolean;
}

export interface InferredDelta {
  inferredAdds: Uint32Array;
  inferredDeletes: Uint32Array;
}

/**
 * Default for ReasoningLimits.maxInferredQuads. The store keeps six orderings of 16-byte
 * records, so 20 million inferred quads take roughly 2 GB (an estimate without index overhead).
 */
export const DEFAULT_MAX_INFERRED_QUADS = 20_000_000;
/** Default for ReasoningLimits.timeoutMs: 10 minutes, long enough for a bulk load. */
export const DEFAULT_REASONING_TIMEOUT_MS = 600_000;

export class Reasoner {
  readonly inferred: QuadStore;
  readonly limits: ReasoningLimits;
  private readonly ruleSet: RuleSet;
  /** Increases with every commit, so a plan made before another commit is rejected. */
  private version = 0;
  private readonly planVersions = new WeakMap<ReasoningPlan, number>();
  /** True once the inferred store is the closure of the asserted one. */
  private materialised: boolean;

  constructor(
    private readonly dictionary: TermDictionary,
    readonly asserted: QuadStore,
    readonly ruleset: Ruleset,
    options: ReasonerOptions = {},
  ) {
    if (!RULESETS.includes(ruleset)) {
      throw new InvalidArgumentError(
        `Unknown reasoning ruleset ${JSON.stringify(ruleset)}: expected one of ${RULESETS.join(', ')}`,
      );
    }
    this.limits = {
      maxInferredQuads: positive(
        options.maxInferredQuads,
        DEFAULT_MAX_INFERRED_QUADS,
        'maxInferredQuads',
      ),
      timeoutMs: positive(options.timeoutMs, DEFAULT_REASONING_TIMEOUT_MS, 'timeoutMs'),
    };
    this.inferred = options.inferred ?? new QuadStore();
    this.materialised = options.inferred !== undefined;
    this.ruleSet = buildRuleSet(ruleset, dictionary);
  }

  /** Returns the quads queries read: asserted ∪ inferred. */
  union(): QuadSource {
    return new UnionQuadSource(this.asserted, this.inferred);
  }

  /** Recomputes the inferred store from the asserted default graph; returns its new size. */
  materialise(): number {
    return drainSteps(this.materialiseSteps(Infinity));
  }

  /**
   * `materialise` in slices of about `sliceMs` milliseconds (default 20): drive it with
   * `runSteps` to keep the event loop serving. The stores must not change until it ends; the
   * inferred store changes only at the end, at once.
   */
  *materialiseSteps(sliceMs = 20): Generator<void, number> {
    const plan = yield* this.planMaterialisationSteps(sliceMs);
    this.commit(plan);
    return this.inferred.size;
  }

  /** Plans a from-scratch materialisation without writing anything. */
  planMaterialisation(): ReasoningPlan {
    return drainSteps(this.planMaterialisationSteps(Infinity));
  }

  private *planMaterialisationSteps(sliceMs: number): Generator<void, ReasoningPlan> {
    const plan = this.ruleSet.isEmpty
      ? emptyPlan(true)
      : yield* planMaterialisationSteps(this.planContext(), sliceMs);
    this.planVersions.set(plan, this.version);
    return plan;
  }

  /**
   * Plans a write without writing anything; call `materialise` once before the first write.
   * Until the plan is committed, the asserted store must change only by the write itself (see
   * AssertedDelta.assertedApplied). Throws LimitExceededError when the write's inferences
   * exceed a budget.
   */
  planDelta(delta: AssertedDelta): ReasoningPlan {
    if (!this.materialised && !this.ruleSet.isEmpty) {
      throw new InvalidArgumentError(
        'Reasoner has no materialisation to maintain: call materialise() before planning writes',
      );
    }
    const adds = delta.adds ?? new Uint32Array(0);
    const deletes = delta.deletes ?? new Uint32Array(0);
    const plan = planDelta(this.planContext(), adds, deletes, delta.assertedApplied === true);
    this.planVersions.set(plan, this.version);
    return plan;
  }

  /**
   * Writes a plan to the asserted and inferred stores. Writing asserted quads that the caller
   * already wrote is harmless, because the stores skip duplicates and absent quads. Throws
   * InvalidArgumentError for a plan made before the last commit.
   */
  commit(plan: ReasoningPlan): void {
    if (this.planVersions.get(plan) !== this.version) {
      throw new InvalidArgumentError(
        'Reasoning plan is stale or from another reasoner: plan the write again and commit that plan',
      );
    }
    applyPlan(plan, this.asserted, this.inferred);
    if (plan.replacesInferred) this.materialised = true;
    this.version++;
  }

  /** Plans and commits a write; returns the inferred store's changes. */
  applyDelta(delta: AssertedDelta): InferredDelta {
    const plan = this.planDelta(delta);
    this.commit(plan);
    return { inferredAdds: plan.inferredAdds, inferredDeletes: plan.inferredDeletes };
  }

  /** Returns up to `maxResults` inconsistencies of asserted ∪ inferred (none for `rdfs`). */
  checkConsistency(maxResults?: number): Inconsistency[] {
    return findInconsistencies(
      this.dictionary,
      this.ruleSet,
      [this.asserted, this.inferred],
      maxResults,
    );
  }

  /**
   * Returns up to `maxResults` inconsistencies that committing `plan` would add, without
   * writing anything, so a write path can reject the write first. Only rule instances that use
   * a quad the plan adds are checked, so an inconsistency already present is not repeated.
   */
  checkPlanConsistency(plan: ReasoningPlan, maxResults?: number): Inconsistency[] {
    return findPlanInconsistencies(
      this.dictionary,
      this.ruleSet,
      this.asserted,
      this.inferred,
      plan,
      maxResults,
    );
  }

  private planContext(): PlanContext {
    return {
      dictionary: this.dictionary,
      ruleSet: this.ruleSet,
      asserted: this.asserted,
      inferred: this.inferred,
      limits: this.limits,
    };
  }
}

function emptyPlan(replacesInferred: boolean): ReasoningPlan {
  return {
    assertedAdds: new Uint32Array(0),
    assertedDeletes: new Uint32Array(0),
    inferredAdds: new Uint32Array(0),
    inferredDeletes: new Uint32Array(0),
    replacesInferred,
  };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(
      `Invalid reasoning ${name} ${value}: expected a positive number`,
    );
  }
  return value;
}
