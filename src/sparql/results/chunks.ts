/** Output text collected into chunks of a useful size for a socket or file write. */

/** Target chunk size in UTF-16 code units; a chunk ends after the row that crosses it. */
export const CHUNK_SIZE = 16 * 1024;

/** A text buffer that a serialiser appends to and drains once it contains a chunk. */
export class ChunkBuffer {
  private parts: string[] = [];
  private length = 0;

  append(text: string): void {
    this.parts.push(text);
    this.length += text.length;
  }

  get full(): boolean {
    return this.length >= CHUNK_SIZE;
  }

  /** Returns the buffered text and empties the buffer. */
  take(): string {
    const text = this.parts.join('');
    this.parts = [];
    this.length = 0;
    return text;
  }
}
