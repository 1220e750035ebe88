/** Other constraint components (SHACL 4.8): sh:closed with sh:ignoredProperties, sh:hasValue and sh:in. */
import { keyKind, TermKind } from '../../rdf/terms.js';
import { isTrueParameter } from '../literals.js';
import type { CompileContext, ConstraintSpec } from '../model.js';
import { sh } from '../vocabulary.js';

const CLOSED = sh('ClosedConstraintComponent');
const HAS_VALUE = sh('HasValueConstraintComponent');
const IN = sh('InConstraintComponent');

export function compileOther(context: CompileContext): ConstraintSpec[] {
  const specs: ConstraintSpec[] = [];
  const closed = context.values('closed').some((key) => isTrueParameter(key));
  if (closed) {
    const allowed = new Set<string>();
    for (const propertyShape of context.graph.objects(context.shapeKey, sh('property'))) {
      for (const path of context.graph.objects(propertyShape, sh('path'))) {
        if (keyKind(path) === TermKind.NamedNode) allowed.add(path);
      }
    }
    for (const listKey of context.values('ignoredProperties')) {
      for (const key of context.graph.list(listKey)) allowed.add(key);
    }
    specs.push({
      component: CLOSED,
      bind(terms) {
        const allowedIds = new Set([...allowed].map((key) => terms.id(key)));
        return (run, shape, focus, values) => {
          for (const value of values) {
            for (const [predicate, object] of run.reader.outgoing(value)) {
              if (allowedIds.has(predicate)) continue;
              run.report(shape, CLOSED, focus, object, {
                kind: 'predicate',
                iri: run.terms.key(predicate),
              });
              if (run.stopped) return;
            }
          }
        };
      },
    });
  }

  for (const key of context.values('hasValue')) {
    specs.push({
      component: HAS_VALUE,
      bind(terms) {
        const expected = terms.id(key);
        return (run, shape, focus, values) => {
          if (!values.includes(expected)) run.report(shape, HAS_VALUE, focus);
        };
      },
    });
  }

  for (const listKey of context.values('in')) {
    const members = context.graph.list(listKey);
    specs.push({
      component: IN,
      bind(terms) {
        const memberIds = new Set(members.map((key) => terms.id(key)));
        return (run, shape, focus, values) => {
          for (const value of values) {
            if (!memberIds.has(value)) {
              run.report(shape, IN, focus, value);
              if (run.stopped) return;
            }
          }
        };
      },
    });
  }
  return specs;
}
