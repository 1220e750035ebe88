/**
 * Blank-node isomorphism of two RDF datasets (quads, blank nodes allowed in subject, object and
 * graph name), for comparing a parser's output with the expected N-Triples or N-Quads file.
 *
 * Blank nodes are first coloured by their neighbourhoods, refined for a few rounds as in the
 * usual colour-refinement approach to graph isomorphism. A backtracking search then maps each
 * blank node to an unused one of the same colour and checks every quad. The search is bounded,
 * which suits the small graphs of the test suites.
 */
import type * as RDF from '@rdfjs/types';
import { termKey } from '../src/rdf/terms.js';

/** Maximum backtracking steps before the check gives up and throws. */
const SEARCH_BUDGET = 1_000_000;
const REFINEMENT_ROUNDS = 4;

type QuadTerms = [RDF.Term, RDF.Term, RDF.Term, RDF.Term];

function termsOf(quad: RDF.Quad): QuadTerms {
  return [quad.subject, quad.predicate, quad.object, quad.graph];
}

function dedupe(quads: RDF.Quad[]): QuadTerms[] {
  const seen = new Map<string, QuadTerms>();
  for (const quad of quads) {
    const terms = termsOf(quad);
    seen.set(terms.map(termKey).join(' '), terms);
  }
  return [...seen.values()];
}

function isBlank(term: RDF.Term): boolean {
  return term.termType === 'BlankNode';
}

/** Returns a colour per blank node label, refined from the quads each blank node occurs in. */
function colour(quads: QuadTerms[]): Map<string, string> {
  let colours = new Map<string, string>();
  for (const terms of quads)
    for (const term of terms) if (isBlank(term)) colours.set(term.value, '');

  for (let round = 0; round < REFINEMENT_ROUNDS; round++) {
    const signatures = new Map<string, string[]>();
    for (const label of colours.keys()) signatures.set(label, []);
    for (const terms of quads) {
      const shape = terms
        .map((term) => (isBlank(term) ? `_:${colours.get(term.value)}` : termKey(term)))
        .join(' ');
      terms.forEach((term, position) => {
        if (isBlank(term)) signatures.get(term.value)!.push(`${position}|${shape}`);
      });
    }
    const next = new Map<string, string>();
    for (const [label, parts] of signatures) next.set(label, parts.sort().join('\n'));
    colours = next;
  }
  return colours;
}

/**
 * Returns true when a bijection of blank nodes maps the actual dataset onto the expected one.
 * Duplicate quads count once. Throws when the search exceeds its budget.
 */
export function isomorphic(actual: RDF.Quad[], expected: RDF.Quad[]): boolean {
  const left = dedupe(actual);
  const right = dedupe(expected);
  if (left.length !== right.length) return false;

  const leftColours = colour(left);
  const rightColours = colour(right);
  if (leftColours.size !== rightColours.size) return false;
  const histogram = (colours: Map<string, string>): string =>
    [...colours.values()].sort().join('\u0000');
  if (histogram(leftColours) !== histogram(rightColours)) return false;

  const expectedKeys = new Set(right.map((terms) => terms.map(termKey).join(' ')));
  const labels = [...leftColours.keys()];
  const mapping = new Map<string, string>();
  const used = new Set<string>();
  let budget = SEARCH_BUDGET;

  const allQuadsMatch = (): boolean =>
    left.every((terms) =>
      expectedKeys.has(
        terms
          .map((term) => (isBlank(term) ? `_:${mapping.get(term.value)}` : termKey(term)))
          .join(' '),
      ),
    );

  const search = (index: number): boolean => {
    if (--budget < 0) throw new Error('Blank node isomorphism check exceeded its search budget');
    if (index === labels.length) return allQuadsMatch();
    const label = labels[index]!;
    const labelColour = leftColours.get(label);
    for (const [candidate, candidateColour] of rightColours) {
      if (candidateColour !== labelColour || used.has(candidate)) continue;
      mapping.set(label, candidate);
      used.add(candidate);
      if (search(index + 1)) return true;
      used.delete(candidate);
      mapping.delete(label);
    }
    return false;
  };
  return search(0);
}
