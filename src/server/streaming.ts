/** Helpers that turn lazily evaluated results into an HTTP response body. */
import type { FastifyReply } from 'fastify';
import type { ServerContext } from './app.js';

/**
 * Returns a controller that aborts when the client goes away before the response is complete.
 * It is listed in the server's active requests until the connection closes, so shutdown can
 * cancel the work too.
 */
export function abortOnDisconnect(context: ServerContext, reply: FastifyReply): AbortController {
  const controller = new AbortController();
  context.state.activeQueries.add(controller);
  reply.raw.on('close', () => {
    context.state.activeQueries.delete(controller);
    if (!reply.raw.writableFinished) controller.abort(new Error('client disconnected'));
  });
  return controller;
}

/** The items prefetch pulled, replayed before the rest of the source. */
export interface Prefetched<T> extends AsyncIterable<T> {
  /** True when the source ended within the pulled items, so iterating waits for nothing. */
  readonly complete: boolean;
}

/**
 * Pulls up to `count` items of an async iterable now and returns an iterable that replays them
 * and then continues. Errors raised among the first items (a timeout inside a join, a row cap
 * below `count`) surface here, before headers are sent, so they get a proper status. An error
 * after that can only cut the response short, which the client sees as a failed transfer.
 */
export async function prefetch<T>(source: AsyncIterable<T>, count = 1000): Promise<Prefetched<T>> {
  const iterator = source[Symbol.asyncIterator]();
  const buffered: T[] = [];
  let done = false;
  try {
    while (buffered.length < count) {
      const next = await iterator.next();
      if (next.done) {
        done = true;
        break;
      }
      buffered.push(next.value);
    }
  } catch (error) {
    await iterator.return?.();
    throw error;
  }
  return { complete: done, [Symbol.asyncIterator]: () => replay(buffered, done, iterator) };
}

/**
 * Returns the buffered items, then the rest of `iterator`, whose own results pass through. It
 * is written out rather than as an async generator, because an async generator awaits each
 * value it yields. With one row per item, that await and its promises cost more than
 * serialising the row. In the server the sources are RowStreams, which close their generator
 * when they end or fail, so only an early return has to be passed on.
 */
function replay<T>(buffered: T[], done: boolean, iterator: AsyncIterator<T>): AsyncIterator<T> {
  let index = 0;
  let ended = done;
  return {
    next: () => {
      if (index < buffered.length)
        return Promise.resolve({ done: false, value: buffered[index++]! });
      if (ended) return Promise.resolve({ done: true, value: undefined });
      return iterator.next();
    },
    // Stops the evaluation when the response is abandoned half-way.
    return: async () => {
      index = buffered.length;
      ended = true;
      await iterator.return?.();
      return { done: true, value: undefined };
    },
  };
}

/**
 * Serialises a body whose items are all in memory into one Buffer. It goes out with a
 * Content-Length in one write, and an error while serialising happens before the status line.
 */
export async function collectBytes(chunks: AsyncIterable<string>): Promise<Buffer> {
  const buffers: Buffer[] = [];
  for await (const buffer of toByteStream(chunks)) buffers.push(buffer);
  return buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers);
}

/** Batches small string chunks into Buffers of about `size` bytes, to cut write calls. */
export async function* toByteStream(
  chunks: AsyncIterable<string>,
  size = 64 * 1024,
): AsyncGenerator<Buffer> {
  let pending: string[] = [];
  let pendingLength = 0;
  for await (const chunk of chunks) {
    pending.push(chunk);
    pendingLength += chunk.length;
    if (pendingLength >= size) {
      yield Buffer.from(pending.join(''), 'utf8');
      pending = [];
      pendingLength = 0;
    }
  }
  if (pendingLength > 0) yield Buffer.from(pending.join(''), 'utf8');
}
