/**
 * Property pair constraint components (SHACL 4.5): sh:equals, sh:disjoint, sh:lessThan and
 * sh:lessThanOrEquals, which compare the value nodes with the values of another property at
 * the focus node.
 */
import { ExpressionError } from '../../errors.js';
import { compareValues } from '../../sparql/expressions/operators.js';
import type { TermId } from '../../store/types.js';
import type { CompileContext, ConstraintSpec, ValidationRun } from '../model.js';
import { sh } from '../vocabulary.js';

const EQUALS = sh('EqualsConstraintComponent');
const DISJOINT = sh('DisjointConstraintComponent');
const LESS_THAN = sh('LessThanConstraintComponent');
const LESS_THAN_OR_EQUALS = sh('LessThanOrEqualsConstraintComponent');

export function compilePropertyPair(context: CompileContext): ConstraintSpec[] {
  const specs: ConstraintSpec[] = [];
  for (const predicate of context.values('equals')) {
    specs.push({
      component: EQUALS,
      bind(terms) {
        const predicateId = terms.id(predicate);
        return (run, shape, focus, values) => {
          const others = run.reader.objects(focus, predicateId);
          const otherSet = new Set(others);
          const valueSet = new Set(values);
          for (const value of values) {
            if (!otherSet.has(value)) run.report(shape, EQUALS, focus, value);
          }
          for (const other of others) {
            if (!valueSet.has(other)) run.report(shape, EQUALS, focus, other);
          }
        };
      },
    });
  }

  for (const predicate of context.values('disjoint')) {
    specs.push({
      component: DISJOINT,
      bind(terms) {
        const predicateId = terms.id(predicate);
        return (run, shape, focus, values) => {
          for (const value of values) {
            if (run.reader.has(focus, predicateId, value)) {
              run.report(shape, DISJOINT, focus, value);
              if (run.stopped) return;
            }
          }
        };
      },
    });
  }

  // Both apply to property shapes only.
  if (!context.isPropertyShape) return specs;
  const orderings: [string, string, (order: number) => boolean][] = [
    ['lessThan', LESS_THAN, (order) => order < 0],
    ['lessThanOrEquals', LESS_THAN_OR_EQUALS, (order) => order <= 0],
  ];
  for (const [parameter, component, accepts] of orderings) {
    for (const predicate of context.values(parameter)) {
      specs.push({
        component,
        bind(terms) {
          const predicateId = terms.id(predicate);
          return (run, shape, focus, values) => {
            const others = run.reader.objects(focus, predicateId);
            // One result per (value node, other value) pair that is out of order or incomparable.
            for (const value of values) {
              for (const other of others) {
                if (!ordered(run, value, other, accepts)) {
                  run.report(shape, component, focus, value);
                  if (run.stopped) return;
                }
              }
            }
          };
        },
      });
    }
  }
  return specs;
}

function ordered(
  run: ValidationRun,
  left: TermId,
  right: TermId,
  accepts: (order: number) => boolean,
): boolean {
  const a = run.value(left);
  const b = run.value(right);
  if (a.kind !== 'Literal' || b.kind !== 'Literal') return false;
  try {
    return accepts(compareValues(a, b));
  } catch (error) {
    if (error instanceof ExpressionError) return false;
    throw error;
  }
}
