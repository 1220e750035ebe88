/**
 * Shape-based constraint components (SHACL 4.7): sh:node, sh:property and
 * sh:qualifiedValueShape with sh:qualifiedMinCount, sh:qualifiedMaxCount and
 * sh:qualifiedValueShapesDisjoint.
 */
import { isTrueParameter, integerParameter } from '../literals.js';
import type { CompileContext, ConstraintSpec, ValidationRun } from '../model.js';
import { sh } from '../vocabulary.js';
import type { TermId } from '../../store/types.js';

const NODE = sh('NodeConstraintComponent');
const PROPERTY = sh('PropertyConstraintComponent');
const QUALIFIED_MIN_COUNT = sh('QualifiedMinCountConstraintComponent');
const QUALIFIED_MAX_COUNT = sh('QualifiedMaxCountConstraintComponent');

export function compileShapeBased(context: CompileContext): ConstraintSpec[] {
  const specs: ConstraintSpec[] = [];
  for (const key of context.values('node')) {
    const shapeIndex = context.shapeIndex(key);
    specs.push({
      component: NODE,
      bind: () => (run, shape, focus, values) => {
        for (const value of values) {
          if (!run.conforms(shapeIndex, value)) {
            run.report(shape, NODE, focus, value);
            if (run.stopped) return;
          }
        }
      },
    });
  }

  // sh:property adds no result of its own: the property shape's results are the results.
  for (const key of context.values('property')) {
    const shapeIndex = context.shapeIndex(key);
    specs.push({
      component: PROPERTY,
      bind: () => (run, _shape, _focus, values) => {
        for (const value of values) {
          run.validateShape(shapeIndex, value);
          if (run.stopped) return;
        }
      },
    });
  }

  if (context.isPropertyShape) specs.push(...compileQualified(context));
  return specs;
}

function compileQualified(context: CompileContext): ConstraintSpec[] {
  const specs: ConstraintSpec[] = [];
  const disjoint = context
    .values('qualifiedValueShapesDisjoint')
    .some((key) => isTrueParameter(key));
  for (const key of context.values('qualifiedValueShape')) {
    const shapeIndex = context.shapeIndex(key);
    const siblings = disjoint ? siblingShapes(context, key) : [];
    const limits: [string, string, (count: number, limit: number) => boolean][] = [
      ['qualifiedMinCount', QUALIFIED_MIN_COUNT, (count, limit) => count >= limit],
      ['qualifiedMaxCount', QUALIFIED_MAX_COUNT, (count, limit) => count <= limit],
    ];
    for (const [parameter, component, accepts] of limits) {
      for (const limitKey of context.values(parameter)) {
        const limit = integerParameter(limitKey, `sh:${parameter}`);
        specs.push({
          component,
          bind: () => (run, shape, focus, values) => {
            const count = countQualified(run, values, shapeIndex, siblings);
            if (!accepts(count, limit)) run.report(shape, component, focus);
          },
        });
      }
    }
  }
  return specs;
}

/**
 * Sibling shapes for sh:qualifiedValueShapesDisjoint: the qualified value shapes of every
 * property shape of every shape that has this property shape as sh:property, except its own.
 */
function siblingShapes(context: CompileContext, ownKey: string): number[] {
  const siblings = new Set<number>();
  for (const parent of context.graph.subjects(sh('property'), context.shapeKey)) {
    for (const propertyShape of context.graph.objects(parent, sh('property'))) {
      for (const qualified of context.graph.objects(propertyShape, sh('qualifiedValueShape'))) {
        if (qualified !== ownKey) siblings.add(context.shapeIndex(qualified));
      }
    }
  }
  return [...siblings];
}

function countQualified(
  run: ValidationRun,
  values: readonly TermId[],
  shapeIndex: number,
  siblings: readonly number[],
): number {
  let count = 0;
  for (const value of values) {
    if (!run.conforms(shapeIndex, value)) continue;
    if (siblings.some((sibling) => run.conforms(sibling, value))) continue;
    count++;
  }
  return count;
}
