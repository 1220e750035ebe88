/** Focus nodes of a shape's targets (SHACL 2.1.3), enumerated or tested one node at a time. */
import { ANY, type TermId } from '../store/types.js';
import type { DataReader } from './data-reader.js';
import { distinct } from './data-reader.js';
import type { BoundTargets } from './model.js';

/** Returns the distinct focus nodes of the targets. */
export function targetNodes(reader: DataReader, targets: BoundTargets): TermId[] {
  const nodes: TermId[] = [...targets.nodes];
  for (const classId of targets.classes) nodes.push(...reader.instancesOf(classId));
  for (const predicate of targets.subjectsOf) {
    if (predicate < 0) continue;
    const cursor = reader.quads.match(ANY, predicate, ANY, reader.graph);
    while (cursor.next()) nodes.push(cursor.s);
  }
  for (const predicate of targets.objectsOf) {
    if (predicate < 0) continue;
    const cursor = reader.quads.match(ANY, predicate, ANY, reader.graph);
    while (cursor.next()) nodes.push(cursor.o);
  }
  return distinct(nodes);
}

/**
 * Returns true when `node` is a focus node of the targets. `types` are the node's rdf:type
 * values, read once by the caller when it tests the node against several shapes.
 */
export function isTargetNode(
  reader: DataReader,
  targets: BoundTargets,
  node: TermId,
  types: readonly TermId[] = reader.typesOf(node),
): boolean {
  if (targets.nodes.includes(node)) return true;
  for (const classId of targets.classes) if (reader.hasInstanceType(types, classId)) return true;
  for (const predicate of targets.subjectsOf) if (reader.hasOut(node, predicate)) return true;
  for (const predicate of targets.objectsOf) if (reader.hasIn(predicate, node)) return true;
  return false;
}
