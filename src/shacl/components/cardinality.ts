/** Cardinality constraint components (SHACL 4.2): sh:minCount and sh:maxCount. */
import { integerParameter } from '../literals.js';
import type { CompileContext, ConstraintSpec } from '../model.js';
import { sh } from '../vocabulary.js';

const MIN_COUNT = sh('MinCountConstraintComponent');
const MAX_COUNT = sh('MaxCountConstraintComponent');

export function compileCardinality(context: CompileContext): ConstraintSpec[] {
  // Both parameters apply to property shapes only, so a node shape ignores them.
  if (!context.isPropertyShape) return [];
  const specs: ConstraintSpec[] = [];
  for (const key of context.values('minCount')) {
    const minimum = integerParameter(key, 'sh:minCount');
    specs.push({
      component: MIN_COUNT,
      bind: () => (run, shape, focus, values) => {
        if (values.length < minimum) run.report(shape, MIN_COUNT, focus);
      },
    });
  }
  for (const key of context.values('maxCount')) {
    const maximum = integerParameter(key, 'sh:maxCount');
    specs.push({
      component: MAX_COUNT,
      bind: () => (run, shape, focus, values) => {
        if (values.length > maximum) run.report(shape, MAX_COUNT, focus);
      },
    });
  }
  return specs;
}
