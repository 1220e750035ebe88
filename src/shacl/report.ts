/** The validation report as RDF (SHACL 3.6): quads of an sh:ValidationReport, and Turtle text. */
import type * as RDF from '@rdfjs/types';
import { factory, keyKind, RDF_NS, termFromKey, TermKind, XSD } from '../rdf/terms.js';
import { serializeQuads } from '../rdf/serialize.js';
import type { TermTable } from './term-table.js';
import { pathToRdf } from './paths.js';
import type { ValidationReport, ValidationResult } from './validator.js';
import {
  RDF_TYPE,
  SH,
  sh,
  SH_VALIDATION_REPORT,
  SH_VALIDATION_RESULT,
  XSD_BOOLEAN,
} from './vocabulary.js';

export interface ReportOptions {
  /**
   * Adds a generated English sh:resultMessage to results whose shape has no sh:message.
   * Off by default, so the report contains only the messages of the shapes graph.
   */
  generatedMessages?: boolean;
}

/** Prefixes for writing reports as Turtle. */
export const REPORT_PREFIXES: Record<string, string> = { sh: SH, xsd: XSD, rdf: RDF_NS };

/** Returns the report as quads in the default graph, with fresh blank nodes for the report and results. */
export function reportQuads(report: ValidationReport, options: ReportOptions = {}): RDF.Quad[] {
  const { namedNode, literal, quad } = factory;
  const newBlankNode = blankNodeFactory(report);
  const out: RDF.Quad[] = [];
  const reportNode = newBlankNode();
  out.push(quad(reportNode, namedNode(RDF_TYPE), namedNode(SH_VALIDATION_REPORT)));
  out.push(
    quad(
      reportNode,
      namedNode(sh('conforms')),
      literal(String(report.conforms), namedNode(XSD_BOOLEAN)),
    ),
  );
  for (const result of report.results) {
    const node = newBlankNode();
    out.push(quad(reportNode, namedNode(sh('result')), node));
    const add = (localName: string, object: RDF.Term): void => {
      out.push(quad(node, namedNode(sh(localName)), object as RDF.Quad_Object));
    };
    out.push(quad(node, namedNode(RDF_TYPE), namedNode(SH_VALIDATION_RESULT)));
    add('focusNode', termOf(report.terms, result.focusNode));
    if (result.resultPath !== undefined)
      add('resultPath', pathToRdf(result.resultPath, out, newBlankNode));
    if (result.value !== undefined) add('value', termOf(report.terms, result.value));
    add('sourceShape', termFromKey(result.sourceShape));
    add('sourceConstraintComponent', namedNode(result.sourceConstraintComponent));
    add('resultSeverity', namedNode(result.resultSeverity));
    for (const message of result.messages) add('resultMessage', termFromKey(message));
    if (result.messages.length === 0 && options.generatedMessages === true) {
      add('resultMessage', literal(describeResult(report.terms, result)));
    }
  }
  return out;
}

/** Writes the report as a Turtle document. */
export async function reportTurtle(
  report: ValidationReport,
  options: ReportOptions = {},
): Promise<string> {
  let text = '';
  for await (const chunk of serializeQuads(reportQuads(report, options), 'turtle', {
    prefixes: REPORT_PREFIXES,
  })) {
    text += chunk;
  }
  return text;
}

/** Returns a one-line English description of a result, naming the component, nodes and value. */
export function describeResult(terms: TermTable, result: ValidationResult): string {
  const component = result.sourceConstraintComponent.startsWith(SH)
    ? `sh:${result.sourceConstraintComponent.slice(SH.length)}`
    : result.sourceConstraintComponent;
  const value =
    result.value === undefined ? '' : ` for value ${formatKey(terms.key(result.value))}`;
  const focus = formatKey(terms.key(result.focusNode));
  return `Focus node ${focus} violates ${component} of shape ${formatKey(result.sourceShape)}${value}`;
}

/**
 * Returns a source of new blank nodes whose labels share a prefix that no blank focus node,
 * value or source shape of the report starts with, so report nodes never merge with them.
 */
function blankNodeFactory(report: ValidationReport): () => RDF.BlankNode {
  const labels: string[] = [];
  for (const result of report.results) {
    const keys = [report.terms.key(result.focusNode), result.sourceShape];
    if (result.value !== undefined) keys.push(report.terms.key(result.value));
    for (const key of keys) if (keyKind(key) === TermKind.BlankNode) labels.push(key.slice(2));
  }
  let prefix = 'report';
  for (let suffix = 1; labels.some((label) => label.startsWith(prefix)); suffix++) {
    prefix = `report${suffix}_`;
  }
  let next = 0;
  return () => factory.blankNode(`${prefix}${next++}`);
}

/** Formats a term key as in Turtle: IRIs in angle brackets, literals with their datatype IRI. */
function formatKey(key: string): string {
  const kind = keyKind(key);
  if (kind === TermKind.NamedNode) return `<${key}>`;
  if (kind !== TermKind.Literal) return key;
  const end = key.lastIndexOf('"');
  const suffix = key.slice(end + 1);
  return suffix.startsWith('^^') ? `${key.slice(0, end + 1)}^^<${suffix.slice(2)}>` : key;
}

function termOf(terms: TermTable, id: number): RDF.Term {
  return termFromKey(terms.key(id));
}
