/**
 * Test helpers: validate Turtle data against Turtle shapes and turn the results into sorted
 * strings "component focus value path", with ex: and sh: abbreviations.
 */
import { Parser } from 'n3';
import {
  compileShapes,
  graphFromQuads,
  validate,
  type ValidateOptions,
  type ValidationReport,
} from '../../src/shacl/index.js';

export const EX = 'http://example.org/';
const SH = 'http://www.w3.org/ns/shacl#';

export const PREFIXES = `@prefix ex: <${EX}> .
@prefix sh: <${SH}> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
`;

/** Parses TriG (a superset of Turtle) with the prefixes above. */
export function parseTurtle(text: string) {
  return new Parser({ format: 'application/trig' }).parse(PREFIXES + text);
}

/** Validates `data` against `shapes` (both Turtle without prefixes) and returns the report. */
export function validateTurtle(
  shapes: string,
  data: string,
  options: ValidateOptions = {},
): ValidationReport {
  const program = compileShapes(graphFromQuads(parseTurtle(shapes)));
  return validate(program, graphFromQuads(parseTurtle(data)), options);
}

function abbreviate(key: string): string {
  return key
    .replaceAll(EX, 'ex:')
    .replaceAll(SH, 'sh:')
    .replace(/ConstraintComponent$/, '');
}

/** Returns one sorted string per result: component, focus node, value ('-' when none), path. */
export function resultLines(report: ValidationReport): string[] {
  return report.results
    .map((result) => {
      const value = result.value === undefined ? '-' : report.terms.key(result.value);
      const path = result.resultPath === undefined ? '-' : JSON.stringify(result.resultPath);
      return [
        result.sourceConstraintComponent,
        report.terms.key(result.focusNode),
        value,
        path.replace(/\{"kind":"predicate","iri":"([^"]*)"\}/g, '$1'),
      ]
        .map(abbreviate)
        .join(' ');
    })
    .sort();
}

/** Validates and returns the result lines. */
export function check(shapes: string, data: string): string[] {
  return resultLines(validateTurtle(shapes, data));
}
