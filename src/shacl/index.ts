/**
 * SHACL Core validation over term ids (W3C Recommendation "Shapes Constraint Language",
 * 20 July 2017). Compile a shapes graph once with `compileShapes`, then validate data with
 * `validate`, or validate only the focus nodes a write can affect with `affectedFocusNodes`
 * and `validateFocusNodes`.
 */
export { graphFromQuads, type GraphSource } from './graph.js';
export {
  affectedFocusNodes,
  type AffectedFocusNodes,
  type AffectedOptions,
  type QuadDelta,
} from './incremental.js';
export type { PathExpression } from './paths.js';
export { compileShapes, ShapesProgram } from './program.js';
export {
  describeResult,
  REPORT_PREFIXES,
  reportQuads,
  reportTurtle,
  type ReportOptions,
} from './report.js';
export {
  type DataGraph,
  ShapeRecursionError,
  validate,
  validateAsync,
  validateFocusNodes,
  type ValidateOptions,
  type ValidationReport,
  type ValidationResult,
} from './validator.js';
