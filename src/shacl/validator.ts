/**
 * The validator: runs bound shapes over the data graph and collects validation results
 * (SHACL 3.4 and 3.6). Conformance of a node to a nested shape (sh:node, sh:not, sh:and,
 * sh:or, sh:xone, sh:qualifiedValueShape) is decided without collecting results, stops at
 * the first violation and is cached per (shape, node) for the run.
 */
import { KgError, QueryTimeoutError } from '../errors.js';
import { RegexCache } from '../sparql/expressions/regex.js';
import { type Value, valueFromKey } from '../sparql/expressions/values.js';
import { ANY, type QuadSource, type TermId } from '../store/types.js';
import { DataReader } from './data-reader.js';
import type { GraphSource } from './graph.js';
import type { BoundShape, ValidationRun } from './model.js';
import { evaluatePath, type PathExpression } from './paths.js';
import type { BoundProgram, ShapesProgram } from './program.js';
import { isTargetNode, targetNodes } from './targets.js';
import type { TermTable } from './term-table.js';

export interface ValidationResult {
  readonly focusNode: TermId;
  readonly resultPath?: PathExpression;
  readonly value?: TermId;
  /** Term key of the shape that reported the result. */
  readonly sourceShape: string;
  readonly sourceConstraintComponent: string;
  /** IRI of the severity: sh:Violation, sh:Warning, sh:Info or a custom one. */
  readonly resultSeverity: string;
  /** Term keys of the source shape's sh:message values. */
  readonly messages: readonly string[];
  /**
   * The target focus node whose validation produced the result. It differs from focusNode for
   * results of nested sh:property shapes, whose focus nodes are value nodes.
   */
  readonly targetNode: TermId;
}

export interface ValidationReport {
  /** True when there are no results of any severity. */
  readonly conforms: boolean;
  readonly results: readonly ValidationResult[];
  /** Resolves the ids in the results, including ids of terms only the shapes graph contains. */
  readonly terms: TermTable;
}

export interface ValidateOptions {
  /** Graph id to validate, or ANY (the default) for the union of all graphs. */
  graph?: TermId;
  signal?: AbortSignal;
  /** Time limit in milliseconds, after which validation throws QueryTimeoutError. */
  timeoutMs?: number;
  /**
   * Maximum nesting of shape validations, where each nested shape (sh:property, sh:node, a
   * logical or qualified shape) adds one level. The default is 64. Past it validation throws
   * ShapeRecursionError.
   */
  maxRecursionDepth?: number;
}

/** Data to validate: a dictionary and its quads, as a dataset view provides them. */
export type DataGraph = GraphSource;

/** A recursive shape reached the same node again, or nesting went past the configured depth. */
export class ShapeRecursionError extends KgError {
  constructor(message: string) {
    super('LIMIT_EXCEEDED', message);
  }
}

const DEFAULT_MAX_RECURSION_DEPTH = 64;
/** Shape validations between two deadline and abort checks. */
const CHECK_INTERVAL = 1024;
/** Milliseconds of work between two pauses of validateAsync. */
const YIELD_INTERVAL_MS = 10;
/** Key of a (shape, node) pair. Node ids, local ones included, are below 2^32. */
const NODE_RANGE = 0x1_0000_0000;

class Run implements ValidationRun {
  readonly reader: DataReader;
  readonly terms: TermTable;
  readonly regex = new RegexCache();
  /** Results of the current scope, or null while only conformance is being decided. */
  private results: ValidationResult[] | null;
  private violations = 0;
  targetNode: TermId = -1;
  private readonly shapes: readonly BoundShape[];
  private readonly memo = new Map<number, boolean>();
  private readonly active = new Set<number>();
  private depth = 0;
  private readonly valueCache = new Map<TermId, Value>();
  private readonly maxDepth: number;
  private readonly signal: AbortSignal | undefined;
  private readonly timeoutMs: number | undefined;
  private readonly deadline: number;
  private untilCheck = CHECK_INTERVAL;

  constructor(
    program: BoundProgram,
    quads: QuadSource,
    options: ValidateOptions,
    results: ValidationResult[],
  ) {
    this.terms = program.terms;
    this.shapes = program.shapes;
    this.reader = new DataReader(program.terms, quads, options.graph ?? ANY);
    this.results = results;
    this.maxDepth = options.maxRecursionDepth ?? DEFAULT_MAX_RECURSION_DEPTH;
    this.signal = options.signal;
    this.timeoutMs = options.timeoutMs;
    this.deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
    this.checkLimits();
  }

  get stopped(): boolean {
    return this.results === null && this.violations > 0;
  }

  report(
    shape: BoundShape,
    component: string,
    focus: TermId,
    value?: TermId,
    path?: PathExpression | null,
  ): void {
    this.violations++;
    if (this.results === null) return;
    const definition = shape.definition;
    const resultPath = path === null ? undefined : (path ?? definition.path);
    this.results.push({
      focusNode: focus,
      resultPath,
      value,
      sourceShape: definition.key,
      sourceConstraintComponent: component,
      resultSeverity: definition.severity,
      messages: definition.messages,
      targetNode: this.targetNode,
    });
  }

  conforms(shapeIndex: number, node: TermId): boolean {
    const shape = this.shapes[shapeIndex]!;
    if (shape.definition.deactivated) return true;
    const key = shapeIndex * NODE_RANGE + node;
    const cached = this.memo.get(key);
    if (cached !== undefined) return cached;

    if (this.active.has(key)) {
      throw new ShapeRecursionError(
        `Validation of shape ${shape.definition.key} reached node ${this.terms.key(node)} again ` +
          'while validating it. SHACL leaves recursive shapes undefined, so validation stopped.',
      );
    }

    // Decide conformance without collecting results, then restore the caller's results.
    const savedResults = this.results;
    const savedViolations = this.violations;
    this.results = null;
    this.violations = 0;
    this.active.add(key);
    let conforming: boolean;
    try {
      this.validateShape(shapeIndex, node);
      conforming = this.violations === 0;
    } finally {
      this.results = savedResults;
      this.violations = savedViolations;
      this.active.delete(key);
    }

    this.memo.set(key, conforming);
    return conforming;
  }

  validateShape(shapeIndex: number, focus: TermId): void {
    if (--this.untilCheck <= 0) this.checkLimits();
    const shape = this.shapes[shapeIndex]!;
    if (shape.definition.deactivated) return;
    // Nested sh:property shapes recurse here without passing through conforms, so a cycle of
    // property shapes over cyclic data is caught by the depth limit alone.
    if (this.depth >= this.maxDepth) {
      throw new ShapeRecursionError(
        `Shape nesting exceeded the maximum depth of ${this.maxDepth} at shape ` +
          `${shape.definition.key}. Raise maxRecursionDepth if the shapes are not recursive.`,
      );
    }
    const values =
      shape.path === undefined ? [focus] : evaluatePath(this.reader, shape.path, focus);
    this.depth++;
    try {
      for (const constraint of shape.constraints) {
        constraint.check(this, shape, focus, values);
        if (this.stopped) return;
      }
    } finally {
      this.depth--;
    }
  }

  value(id: TermId): Value {
    let value = this.valueCache.get(id);
    if (value === undefined) {
      value = valueFromKey(this.terms.key(id));
      this.valueCache.set(id, value);
    }
    return value;
  }

  private checkLimits(): void {
    this.untilCheck = CHECK_INTERVAL;
    this.signal?.throwIfAborted();
    if (Date.now() > this.deadline) throw new QueryTimeoutError(this.timeoutMs!);
  }
}

/** Validates every focus node of every shape with targets. */
export function validate(
  program: ShapesProgram,
  data: DataGraph,
  options: ValidateOptions = {},
): ValidationReport {
  const steps = validationSteps(program, data, options);
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
}

/**
 * Validates like `validate`, but lets the event loop run about every YIELD_INTERVAL_MS
 * milliseconds, so a server stays responsive during a long validation.
 * NOTE: the data must not change until the promise settles (pass a snapshot), because reads
 * before and after a pause would otherwise see different states.
 */
export async function validateAsync(
  program: ShapesProgram,
  data: DataGraph,
  options: ValidateOptions = {},
): Promise<ValidationReport> {
  const steps = validationSteps(program, data, options);
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Runs a full validation, yielding after each YIELD_INTERVAL_MS of work. */
function* validationSteps(
  program: ShapesProgram,
  data: DataGraph,
  options: ValidateOptions,
): Generator<void, ValidationReport> {
  const bound = program.bind(data.dictionary);
  const results: ValidationResult[] = [];
  const run = new Run(
    bound,
    data.quads,
    { ...options, graph: options.graph ?? data.graph },
    results,
  );
  let sliceStart = Date.now();
  for (let index = 0; index < bound.shapes.length; index++) {
    const shape = bound.shapes[index]!;
    if (!shape.targeted || shape.definition.deactivated) continue;
    const focusNodes = targetNodes(run.reader, shape.targets);
    for (let i = 0; i < focusNodes.length; i++) {
      const focus = focusNodes[i]!;
      run.targetNode = focus;
      run.validateShape(index, focus);
      if ((i & 255) === 255 && Date.now() - sliceStart >= YIELD_INTERVAL_MS) {
        yield;
        sliceStart = Date.now();
      }
    }
  }
  return { conforms: results.length === 0, results, terms: bound.terms };
}

/**
 * Validates the given nodes against every shape that targets them, ignoring all other focus
 * nodes. Nodes that no shape targets produce no results.
 */
export function validateFocusNodes(
  program: ShapesProgram,
  data: DataGraph,
  focusNodes: Iterable<TermId>,
  options: ValidateOptions = {},
): ValidationReport {
  const bound = program.bind(data.dictionary);
  const results: ValidationResult[] = [];
  const run = new Run(
    bound,
    data.quads,
    { ...options, graph: options.graph ?? data.graph },
    results,
  );
  for (const focus of new Set(focusNodes)) {
    const types = run.reader.typesOf(focus);
    run.targetNode = focus;
    bound.shapes.forEach((shape, index) => {
      if (!shape.targeted || shape.definition.deactivated) return;
      if (isTargetNode(run.reader, shape.targets, focus, types)) run.validateShape(index, focus);
    });
  }
  return { conforms: results.length === 0, results, terms: bound.terms };
}
