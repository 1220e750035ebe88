/**
 * The compiled form of a shapes graph and the contracts between the compiler, the constraint
 * components and the validator. A ShapesProgram refers to terms by key, so it can be compiled
 * once and bound to any data dictionary. Binding turns every constraint into a check over ids.
 */
import type { Value } from '../sparql/expressions/values.js';
import type { RegexCache } from '../sparql/expressions/regex.js';
import type { TermId } from '../store/types.js';
import type { DataReader } from './data-reader.js';
import type { KeyedGraph } from './graph.js';
import type { BoundPath, PathExpression } from './paths.js';
import type { TermTable } from './term-table.js';

/** Term keys of a shape's targets (SHACL 2.1.3). */
export interface ShapeTargets {
  readonly nodes: readonly string[];
  /** sh:targetClass values, plus the shape itself when it is also an rdfs:Class. */
  readonly classes: readonly string[];
  readonly subjectsOf: readonly string[];
  readonly objectsOf: readonly string[];
}

export interface ShapeDefinition {
  /** Position in ShapesProgram.shapes. */
  readonly index: number;
  /** Term key of the shape node in the shapes graph. */
  readonly key: string;
  /** sh:path of a property shape, undefined for a node shape. */
  readonly path?: PathExpression;
  readonly deactivated: boolean;
  /** IRI of sh:severity, sh:Violation by default. */
  readonly severity: string;
  /** Term keys of the sh:message values. */
  readonly messages: readonly string[];
  readonly targets: ShapeTargets;
  readonly constraints: readonly ConstraintSpec[];
  /** Indexes of the shapes this shape's constraints refer to (sh:node, sh:property, ...). */
  readonly references: readonly number[];
  /**
   * IRIs of predicates read at each value node without following them further: the
   * parameters of sh:equals, sh:disjoint, sh:lessThan and sh:lessThanOrEquals.
   */
  readonly comparedPredicates: readonly string[];
  /** True when sh:closed is true, so every triple of each value node is read. */
  readonly closed: boolean;
}

/** One constraint of a shape, still in keys. `bind` resolves it to a check over data ids. */
export interface ConstraintSpec {
  /** IRI of the constraint component, reported as sh:sourceConstraintComponent. */
  readonly component: string;
  bind(terms: TermTable): Check;
}

/**
 * Validates the value nodes of one focus node against one constraint, reporting each violation
 * through `run.report`. A check may stop early once `run.stopped` is true.
 */
export type Check = (
  run: ValidationRun,
  shape: BoundShape,
  focus: TermId,
  values: readonly TermId[],
) => void;

export interface BoundConstraint {
  readonly component: string;
  readonly check: Check;
}

export interface BoundTargets {
  readonly nodes: readonly TermId[];
  readonly classes: readonly TermId[];
  readonly subjectsOf: readonly TermId[];
  readonly objectsOf: readonly TermId[];
}

export interface BoundShape {
  readonly definition: ShapeDefinition;
  readonly path?: BoundPath;
  readonly constraints: readonly BoundConstraint[];
  readonly targets: BoundTargets;
  /** True when the shape has at least one target. */
  readonly targeted: boolean;
}

/** The validation run as constraint checks see it. */
export interface ValidationRun {
  readonly reader: DataReader;
  readonly terms: TermTable;
  readonly regex: RegexCache;
  /** True when only conformance is being decided and a violation has been found already. */
  readonly stopped: boolean;
  /**
   * Records a validation result. `path` replaces the shape's path, as sh:closed does with the
   * predicate, and null omits sh:resultPath.
   */
  report(
    shape: BoundShape,
    component: string,
    focus: TermId,
    value?: TermId,
    path?: PathExpression | null,
  ): void;
  /** Returns true when `node` conforms to the shape (SHACL 2.3: no validation results). */
  conforms(shapeIndex: number, node: TermId): boolean;
  /** Validates `focus` against a shape, adding its results to the current results. */
  validateShape(shapeIndex: number, focus: TermId): void;
  /** Returns the parsed term of an id, cached for the run. */
  value(id: TermId): Value;
}

/** The shape being compiled, as a constraint component's compiler reads it. */
export interface CompileContext {
  readonly graph: KeyedGraph;
  readonly shapeKey: string;
  readonly isPropertyShape: boolean;
  /** Returns the term keys of the shape's values for sh:<localName>. */
  values(localName: string): string[];
  /** Returns the index of the shape whose node is `key`, compiling it when new. */
  shapeIndex(key: string): number;
}

/** Compiles the constraints of one component family from a shape's parameters. */
export type ComponentCompiler = (context: CompileContext) => ConstraintSpec[];
