/** Returns every item of an async iterable, in order, after it ends. */
export async function collectAll<T>(items: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const item of items) values.push(item);
  return values;
}
