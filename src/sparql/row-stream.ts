/**
 * The async iterable a query's rows or quads are read from. It pulls from the evaluator's
 * generator, turns each PAUSE into a turn of the event loop, throws LimitExceededError past
 * `maxRows`, and closes the generator on every exit, so nothing keeps running after an error
 * or an early break.
 *
 * It is a hand-written iterator rather than an async generator function, because an async
 * generator awaits every value it yields and queues every request. Here a row the generator
 * has ready is returned in an already-resolved promise, and only a pause waits. With this and
 * the term decoder's cache (forms.ts), LUBM q14 (59,437 rows) went from 54 to 23 ms per run on
 * a busy 2-core machine.
 */
import { LimitExceededError } from '../errors.js';
import { PAUSE, type Pause, type QueryContext } from './context.js';

/** Rows pulled between two checks of the query's deadline and cancellation. */
const CHECK_INTERVAL = 64;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

export class RowStream<T, R> implements AsyncIterableIterator<R> {
  private rows = 0;
  private pulls = 0;
  private closed = false;
  /** The request in progress while it waits for a pause; later requests queue behind it. */
  private pending: Promise<IteratorResult<R, undefined>> | undefined;

  /**
   * @param source the evaluator's generator; it is closed when the stream ends or fails.
   * @param maxRows rows after which the next one throws LimitExceededError.
   * @param limitName the name of the limit in that error.
   * @param map turns each item into what the stream returns.
   */
  constructor(
    private readonly ctx: QueryContext,
    private readonly source: Generator<T | Pause, void, undefined>,
    private readonly maxRows: number,
    private readonly limitName: string,
    private readonly map: (item: T) => R,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<R, undefined>> {
    // After a failed request the stream is closed, so a queued one returns done.
    const waiting = this.pending;
    if (waiting !== undefined)
      return waiting.then(
        () => this.next(),
        () => this.next(),
      );
    let result: IteratorResult<R, undefined> | Promise<IteratorResult<R, undefined>>;
    try {
      result = this.pull();
    } catch (error) {
      this.close();
      return Promise.reject(error);
    }
    if (!(result instanceof Promise)) return Promise.resolve(result);
    const pending = result.then(
      (value) => {
        this.pending = undefined;
        return value;
      },
      (error: unknown) => {
        this.pending = undefined;
        this.close();
        throw error;
      },
    );
    this.pending = pending;
    return pending;
  }

  /** Ends the stream early, as a `break` out of `for await` does, and closes the generator. */
  return(): Promise<IteratorResult<R, undefined>> {
    this.close();
    return Promise.resolve(DONE);
  }

  /** Ends the stream with `error`, after closing the generator. */
  throw(error?: unknown): Promise<IteratorResult<R, undefined>> {
    this.close();
    return Promise.reject(error);
  }

  /**
   * Returns the next result, or a promise of it when the generator pauses. Throws what the
   * generator or the context throws.
   */
  private pull(): IteratorResult<R, undefined> | Promise<IteratorResult<R, undefined>> {
    if (this.closed) return DONE;
    if (this.pulls++ % CHECK_INTERVAL === 0) this.ctx.check();
    const next = this.source.next();
    if (next.done === true) {
      this.close();
      return DONE;
    }
    const item = next.value;
    if (item === PAUSE) {
      return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.ctx.paused();
        return this.pull();
      });
    }
    if (++this.rows > this.maxRows) {
      throw new LimitExceededError(this.limitName, this.maxRows, 'maxResultRows');
    }
    return { done: false, value: this.map(item as T) };
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.source.return();
  }
}
