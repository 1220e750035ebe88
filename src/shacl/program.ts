/**
 * A compiled shapes graph and its binding to a data dictionary. Binding resolves every term key
 * to an id once. The binding is reused while the dictionary is the same object, and also while
 * it has not grown when some shapes terms were missing from it.
 */
import type { TermDictionary } from '../store/types.js';
import type { GraphSource } from './graph.js';
import type { BoundShape, ShapeDefinition } from './model.js';
import { bindPath } from './paths.js';
import { compileShapeDefinitions } from './shapes.js';
import { TermTable } from './term-table.js';

/** Shapes bound to one data dictionary. */
export interface BoundProgram {
  readonly terms: TermTable;
  readonly shapes: readonly BoundShape[];
}

export class ShapesProgram {
  readonly shapes: readonly ShapeDefinition[];
  private binding: BoundProgram | undefined;

  constructor(shapes: readonly ShapeDefinition[]) {
    this.shapes = shapes;
  }

  /** Returns the shapes bound to `dictionary`, reusing the last binding when it is still valid. */
  bind(dictionary: TermDictionary): BoundProgram {
    const cached = this.binding;
    if (
      cached !== undefined &&
      cached.terms.dictionary === dictionary &&
      (!cached.terms.hasLocalIds || cached.terms.dictionarySize === dictionary.size)
    ) {
      return cached;
    }
    const terms = new TermTable(dictionary);
    const resolve = (key: string) => terms.id(key);
    const shapes = this.shapes.map((definition): BoundShape => {
      const targets = {
        nodes: definition.targets.nodes.map(resolve),
        classes: definition.targets.classes.map(resolve),
        subjectsOf: definition.targets.subjectsOf.map(resolve),
        objectsOf: definition.targets.objectsOf.map(resolve),
      };
      return {
        definition,
        path: definition.path === undefined ? undefined : bindPath(definition.path, resolve),
        constraints: definition.constraints.map((spec) => ({
          component: spec.component,
          check: spec.bind(terms),
        })),
        targets,
        targeted:
          targets.nodes.length +
            targets.classes.length +
            targets.subjectsOf.length +
            targets.objectsOf.length >
          0,
      };
    });
    this.binding = { terms, shapes };
    return this.binding;
  }
}

/**
 * Compiles a shapes graph. Throws InvalidArgumentError for a malformed shapes graph (a bad path,
 * list or parameter value, an invalid sh:pattern).
 */
export function compileShapes(shapes: GraphSource): ShapesProgram {
  return new ShapesProgram(compileShapeDefinitions(shapes));
}
