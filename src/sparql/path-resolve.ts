/**
 * Property path expressions with their IRIs resolved to store ids, and the structural tests
 * the path evaluator needs: set semantics and zero-length matches.
 */
import type { TermId } from '../store/types.js';
import type { PathExpression } from './algebra.js';

/** A path expression with its IRIs resolved to store ids (undefined: absent from the store). */
export type ResolvedPath =
  | { readonly type: 'link'; readonly id: TermId | undefined }
  | { readonly type: 'inverse'; readonly path: ResolvedPath }
  | {
      readonly type: 'sequence' | 'alternative';
      readonly left: ResolvedPath;
      readonly right: ResolvedPath;
    }
  | { readonly type: 'zeroOrMore' | 'oneOrMore' | 'zeroOrOne'; readonly path: ResolvedPath }
  | { readonly type: 'negatedSet'; readonly ids: ReadonlySet<TermId> };

/** Resolves the IRIs of a path. IRIs absent from the store drop out of negated sets. */
export function resolvePath(
  path: PathExpression,
  idOf: (key: string) => TermId | undefined,
): ResolvedPath {
  switch (path.type) {
    case 'link':
      return { type: 'link', id: idOf(path.key) };
    case 'negatedSet': {
      const ids = new Set<TermId>();
      for (const key of path.keys) {
        const id = idOf(key);
        if (id !== undefined) ids.add(id);
      }
      return { type: 'negatedSet', ids };
    }
    case 'inverse':
    case 'zeroOrMore':
    case 'oneOrMore':
    case 'zeroOrOne':
      return { type: path.type, path: resolvePath(path.path, idOf) } as ResolvedPath;
    case 'sequence':
    case 'alternative':
      return {
        type: path.type,
        left: resolvePath(path.left, idOf),
        right: resolvePath(path.right, idOf),
      };
  }
}

/** True when the path reaches each node at most once per start node (a closure or `?`). */
export function hasSetSemantics(path: ResolvedPath): boolean {
  return path.type === 'zeroOrMore' || path.type === 'oneOrMore' || path.type === 'zeroOrOne';
}

/** True when the path matches the zero-length path, so it relates every node to itself. */
export function matchesZeroLength(path: ResolvedPath): boolean {
  switch (path.type) {
    case 'link':
    case 'negatedSet':
      return false;
    case 'zeroOrMore':
    case 'zeroOrOne':
      return true;
    case 'inverse':
    case 'oneOrMore':
      return matchesZeroLength(path.path);
    case 'sequence':
      return matchesZeroLength(path.left) && matchesZeroLength(path.right);
    case 'alternative':
      return matchesZeroLength(path.left) || matchesZeroLength(path.right);
  }
}
