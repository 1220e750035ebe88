/**
 * Value range constraint components (SHACL 4.3): sh:minExclusive, sh:minInclusive,
 * sh:maxExclusive and sh:maxInclusive, compared with SPARQL's `<` and `<=` semantics. A value
 * that SPARQL cannot compare with the bound (an IRI, a string against a number) is a violation.
 */
import { ExpressionError } from '../../errors.js';
import { compareValues } from '../../sparql/expressions/operators.js';
import { type Value, valueFromKey } from '../../sparql/expressions/values.js';
import type { CompileContext, ConstraintSpec } from '../model.js';
import { sh } from '../vocabulary.js';

/** Parameter, component and the test on compare(value, bound) that a conforming value passes. */
const RANGES: readonly [string, string, (order: number) => boolean][] = [
  ['minExclusive', sh('MinExclusiveConstraintComponent'), (order) => order > 0],
  ['minInclusive', sh('MinInclusiveConstraintComponent'), (order) => order >= 0],
  ['maxExclusive', sh('MaxExclusiveConstraintComponent'), (order) => order < 0],
  ['maxInclusive', sh('MaxInclusiveConstraintComponent'), (order) => order <= 0],
];

export function compileValueRange(context: CompileContext): ConstraintSpec[] {
  const specs: ConstraintSpec[] = [];
  for (const [parameter, component, accepts] of RANGES) {
    for (const boundKey of context.values(parameter)) {
      const bound = valueFromKey(boundKey);
      specs.push({
        component,
        bind: () => (run, shape, focus, values) => {
          for (const value of values) {
            if (!inRange(run.value(value), bound, accepts)) {
              run.report(shape, component, focus, value);
              if (run.stopped) return;
            }
          }
        },
      });
    }
  }
  return specs;
}

function inRange(value: Value, bound: Value, accepts: (order: number) => boolean): boolean {
  if (value.kind !== 'Literal') return false;
  try {
    return accepts(compareValues(value, bound));
  } catch (error) {
    if (error instanceof ExpressionError) return false;
    throw error;
  }
}
