/**
 * Logical constraint components (SHACL 4.6): sh:not, sh:and, sh:or and sh:xone. Each reports
 * the value nodes whose conformance to the listed shapes breaks the rule.
 */
import type { CompileContext, ConstraintSpec } from '../model.js';
import { sh } from '../vocabulary.js';

const NOT = sh('NotConstraintComponent');

/** List-taking components and whether a value node with `conforming` of `total` shapes passes. */
const LIST_COMPONENTS: readonly [string, string, (conforming: number, total: number) => boolean][] =
  [
    ['and', sh('AndConstraintComponent'), (conforming, total) => conforming === total],
    ['or', sh('OrConstraintComponent'), (conforming) => conforming > 0],
    ['xone', sh('XoneConstraintComponent'), (conforming) => conforming === 1],
  ];

export function compileLogical(context: CompileContext): ConstraintSpec[] {
  const specs: ConstraintSpec[] = [];
  for (const key of context.values('not')) {
    const shapeIndex = context.shapeIndex(key);
    specs.push({
      component: NOT,
      bind: () => (run, shape, focus, values) => {
        for (const value of values) {
          if (run.conforms(shapeIndex, value)) {
            run.report(shape, NOT, focus, value);
            if (run.stopped) return;
          }
        }
      },
    });
  }

  for (const [parameter, component, passes] of LIST_COMPONENTS) {
    for (const listKey of context.values(parameter)) {
      const members = context.graph.list(listKey).map((key) => context.shapeIndex(key));
      specs.push({
        component,
        bind: () => (run, shape, focus, values) => {
          for (const value of values) {
            let conforming = 0;
            for (const member of members) if (run.conforms(member, value)) conforming++;
            if (!passes(conforming, members.length)) {
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
