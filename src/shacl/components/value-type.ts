/** Value type constraint components (SHACL 4.1): sh:class, sh:datatype and sh:nodeKind. */
import { InvalidArgumentError } from '../../errors.js';
import { keyKind, TermKind } from '../../rdf/terms.js';
import { isWellFormed } from '../literals.js';
import type { CompileContext, ConstraintSpec } from '../model.js';
import { sh } from '../vocabulary.js';

const CLASS = sh('ClassConstraintComponent');
const DATATYPE = sh('DatatypeConstraintComponent');
const NODE_KIND = sh('NodeKindConstraintComponent');

/** sh:nodeKind values and the term kinds each accepts. */
const NODE_KINDS = new Map<string, readonly TermKind[]>([
  [sh('IRI'), [TermKind.NamedNode]],
  [sh('BlankNode'), [TermKind.BlankNode]],
  [sh('Literal'), [TermKind.Literal]],
  [sh('BlankNodeOrIRI'), [TermKind.BlankNode, TermKind.NamedNode]],
  [sh('BlankNodeOrLiteral'), [TermKind.BlankNode, TermKind.Literal]],
  [sh('IRIOrLiteral'), [TermKind.NamedNode, TermKind.Literal]],
]);

export function compileValueType(context: CompileContext): ConstraintSpec[] {
  const specs: ConstraintSpec[] = [];
  for (const classKey of context.values('class')) {
    specs.push({
      component: CLASS,
      bind(terms) {
        const classId = terms.id(classKey);
        return (run, shape, focus, values) => {
          for (const value of values) {
            // A literal is never a SHACL instance, and the type lookup ignores literals anyway.
            if (!run.reader.isInstanceOf(value, classId)) {
              run.report(shape, CLASS, focus, value);
              if (run.stopped) return;
            }
          }
        };
      },
    });
  }

  for (const datatype of context.values('datatype')) {
    specs.push({
      component: DATATYPE,
      bind() {
        return (run, shape, focus, values) => {
          for (const value of values) {
            const term = run.value(value);
            if (term.kind !== 'Literal' || term.datatype !== datatype || !isWellFormed(term)) {
              run.report(shape, DATATYPE, focus, value);
              if (run.stopped) return;
            }
          }
        };
      },
    });
  }

  for (const kindKey of context.values('nodeKind')) {
    const accepted = NODE_KINDS.get(kindKey);
    if (accepted === undefined) {
      throw new InvalidArgumentError(
        `Invalid shapes graph: unknown sh:nodeKind ${kindKey} on ${context.shapeKey}`,
      );
    }
    specs.push({
      component: NODE_KIND,
      bind() {
        return (run, shape, focus, values) => {
          for (const value of values) {
            if (!accepted.includes(keyKind(run.terms.key(value)))) {
              run.report(shape, NODE_KIND, focus, value);
              if (run.stopped) return;
            }
          }
        };
      },
    });
  }
  return specs;
}
