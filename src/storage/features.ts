/**
 * Per-dataset settings that act on every write: a SHACL shapes graph that each write must
 * conform to, and a reasoning rule set whose inferences are kept current.
 *
 * A write is checked and planned before anything is stored: the shapes are validated on the
 * focus nodes the write can affect, in the state the write would produce, and the reasoner
 * plans the inferences to add and retract. Only when both succeed does the engine commit.
 */
import { Parser, Writer } from 'n3';
import type * as RDF from '@rdfjs/types';
import { termFromKey } from '../rdf/terms.js';
import { InvalidArgumentError, ValidationFailedError } from '../errors.js';
import {
  Reasoner,
  RULESETS,
  UnionQuadSource,
  type ReasoningPlan,
  type Ruleset,
} from '../reasoning/index.js';
import {
  affectedFocusNodes,
  compileShapes,
  graphFromQuads,
  reportTurtle,
  validate,
  validateFocusNodes,
  type ShapesProgram,
  type ValidationReport,
} from '../shacl/index.js';
import type { QuadStore } from '../store/quad-store.js';
import type { QuadSource, TermDictionary } from '../store/types.js';

/** Time budget of one materialisation or write's reasoning, in milliseconds. */
export const REASONING_TIMEOUT_MS = 60_000;

/** The settings stored with a dataset; absent fields mean off. */
export interface DatasetSettings {
  reasoning?: Ruleset;
  /** A SHACL shapes graph in Turtle. */
  shapes?: string;
  /** With reasoning: reject a write whose result the rule set finds inconsistent. */
  rejectInconsistent?: boolean;
}

/** Checks settings read from JSON (the admin API, the database). */
export function parseSettings(raw: Record<string, unknown>): DatasetSettings {
  const settings: DatasetSettings = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'reasoning') {
      if (typeof value !== 'string' || !RULESETS.includes(value as Ruleset)) {
        throw new InvalidArgumentError(
          `reasoning must be one of ${RULESETS.join(', ')}, got ${JSON.stringify(value)}`,
        );
      }
      if (value !== 'none') settings.reasoning = value as Ruleset;
    } else if (key === 'shapes') {
      if (value !== null && typeof value !== 'string') {
        throw new InvalidArgumentError('shapes must be a Turtle document as a string, or null');
      }
      if (typeof value === 'string' && value.trim() !== '') settings.shapes = value;
    } else if (key === 'rejectInconsistent') {
      if (typeof value !== 'boolean') {
        throw new InvalidArgumentError('rejectInconsistent must be true or false');
      }
      if (value) settings.rejectInconsistent = true;
    } else {
      throw new InvalidArgumentError(
        `Unknown dataset setting ${JSON.stringify(key)}: expected reasoning, shapes or rejectInconsistent`,
      );
    }
  }
  return settings;
}

/** Compiles a Turtle shapes graph; a syntax or shape error is an InvalidArgumentError. */
export function compileShapesText(text: string): ShapesProgram {
  let quads;
  try {
    quads = new Parser({ format: 'text/turtle' }).parse(text);
  } catch (error) {
    throw new InvalidArgumentError(
      `The shapes graph is not valid Turtle: ${(error as Error).message}`,
    );
  }
  return compileShapes(graphFromQuads(quads));
}

const ntriples = new Writer({ format: 'N-Triples' });

/** Writes packed quads as N-Triples lines (graph names dropped). */
function triplesText(dictionary: TermDictionary, quads: Uint32Array): string {
  const term = (id: number): RDF.Term => termFromKey(dictionary.key(id));
  let text = '';
  for (let w = 0; w < quads.length; w += 4) {
    text += ntriples.quadToString(
      term(quads[w]!) as RDF.Quad_Subject,
      term(quads[w + 1]!) as RDF.Quad_Predicate,
      term(quads[w + 2]!) as RDF.Quad_Object,
    );
  }
  return text;
}

/** Throws ValidationFailedError, carrying the report as Turtle, for a non-conforming report. */
export async function rejectUnlessConforms(report: ValidationReport, what: string): Promise<void> {
  if (report.conforms) return;
  const turtle = await reportTurtle(report);
  throw new ValidationFailedError(
    `${what} does not conform to the dataset's shapes: ${report.results.length} violation(s)`,
    turtle,
  );
}

export class DatasetFeatures {
  private constructor(
    readonly settings: DatasetSettings,
    readonly shapes: ShapesProgram | undefined,
    readonly reasoner: Reasoner | undefined,
  ) {}

  /**
   * Builds the features of a dataset, in steps: compiles its shapes and materialises its
   * inferences. The store must not change until the last step. The reasoner interns its
   * vocabulary into `dictionary`, so the caller must persist new terms.
   */
  static *buildSteps(
    settings: DatasetSettings,
    dictionary: TermDictionary,
    store: QuadStore,
  ): Generator<void, DatasetFeatures> {
    const shapes = settings.shapes === undefined ? undefined : compileShapesText(settings.shapes);
    let reasoner: Reasoner | undefined;
    if (settings.reasoning !== undefined) {
      // Writes wait while the reasoner runs, so its time budget is a minute, not the
      // library's default of ten. It pauses every few milliseconds (the caller drives the
      // steps), so health checks and queries are answered meanwhile.
      reasoner = new Reasoner(dictionary, store, settings.reasoning, {
        timeoutMs: REASONING_TIMEOUT_MS,
      });
      yield* reasoner.materialiseSteps();
    }
    return new DatasetFeatures(settings, shapes, reasoner);
  }

  /** Returns the quads queries read: the asserted snapshot, plus the inferred quads when reasoning. */
  readView(asserted: QuadSource, assertedOnly: boolean): QuadSource {
    if (this.reasoner === undefined || assertedOnly) return asserted;
    return new UnionQuadSource(asserted, this.reasoner.inferred.snapshot());
  }

  /**
   * Validates a write against the shapes, on the nodes it can affect. `after` is the dataset as
   * the write would leave it. Throws ValidationFailedError when the result does not conform.
   */
  async checkShapes(
    dictionary: TermDictionary,
    after: QuadSource,
    adds: Uint32Array,
    deletes: Uint32Array,
  ): Promise<void> {
    if (this.shapes === undefined) return;
    const data = { dictionary, quads: after };
    const affected = affectedFocusNodes(this.shapes, data, { adds, deletes });
    const report = affected.all
      ? validate(this.shapes, data)
      : validateFocusNodes(this.shapes, data, affected.nodes);
    await rejectUnlessConforms(report, 'The write');
  }

  /**
   * Plans the inferences of a write; throws LimitExceededError past a reasoning budget and,
   * with rejectInconsistent, ValidationFailedError naming the contradictions the write adds.
   */
  planReasoning(
    dictionary: TermDictionary,
    adds: Uint32Array,
    deletes: Uint32Array,
  ): ReasoningPlan | undefined {
    const reasoner = this.reasoner;
    if (reasoner === undefined) return undefined;
    const plan = reasoner.planDelta({ adds, deletes });
    if (this.settings.rejectInconsistent === true) {
      const found = reasoner.checkPlanConsistency(plan, 20);
      if (found.length > 0) {
        const lines = found.map(
          ({ rule, quads }) => `# ${rule}\n${triplesText(dictionary, quads)}`,
        );
        throw new ValidationFailedError(
          `The write would make the dataset inconsistent under ${reasoner.ruleset}: ` +
            `${found.length} contradiction(s), first ${found[0]!.rule}`,
          lines.join('\n'),
        );
      }
    }
    return plan;
  }

  /** Applies a plan from planReasoning, after the asserted quads were committed. */
  commitReasoning(plan: ReasoningPlan | undefined): void {
    if (plan !== undefined) this.reasoner!.commit(plan);
  }
}
