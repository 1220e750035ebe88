/**
 * Maps positions in rewritten query text back to the text the client sent, so that a syntax
 * error points at what the client wrote. Before sparqljs reads a query, three rewrites replace
 * whole spans of it: codepoint escapes, relative IRIs and signed literals. Each records its
 * replacements in a SpanMap, and a RewriteTrail chains the maps of one text.
 */

export class SpanMap {
  /** Per replacement, in text order: result start, result end, source start, source end. */
  private readonly spans: number[] = [];

  /**
   * Records that source characters [sourceStart, sourceEnd) became result characters
   * [resultStart, resultEnd). Replacements must be recorded in text order.
   */
  replaced(resultStart: number, resultEnd: number, sourceStart: number, sourceEnd: number): void {
    this.spans.push(resultStart, resultEnd, sourceStart, sourceEnd);
  }

  /**
   * Returns the source position of a result position. A position inside a replacement maps to
   * the start of the span it replaced; a position after one moves by the change in length.
   */
  toSource(position: number): number {
    const spans = this.spans;
    let shift = 0;
    for (let i = 0; i < spans.length; i += 4) {
      if (position < spans[i]!) break;
      if (position < spans[i + 1]!) return spans[i + 2]!;
      shift = spans[i + 3]! - spans[i + 1]!;
    }
    return position + shift;
  }
}

/** A line and a column, both 1-based, as SparqlSyntaxError reports them. */
export interface TextLocation {
  line: number;
  column: number;
}

/** The rewrites of one text, in the order they ran. */
export class RewriteTrail {
  private readonly maps: SpanMap[] = [];

  constructor(readonly original: string) {}

  /** Returns the map for the next rewrite, which reads the result of the previous ones. */
  next(): SpanMap {
    const map = new SpanMap();
    this.maps.push(map);
    return map;
  }

  /** Returns the location in the original text of a location in `rewritten`, the last result. */
  locate(rewritten: string, location: TextLocation): TextLocation {
    let position = offsetOf(rewritten, location);
    for (let i = this.maps.length - 1; i >= 0; i--) position = this.maps[i]!.toSource(position);
    return locationOf(this.original, position);
  }
}

/**
 * Returns the offset of a location. Lines end at a line feed, as syntaxErrorOf in index.ts
 * counts them.
 */
function offsetOf(text: string, { line, column }: TextLocation): number {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const end = text.indexOf('\n', offset);
    if (end < 0) return text.length;
    offset = end + 1;
  }
  return Math.min(offset + column - 1, text.length);
}

function locationOf(text: string, offset: number): TextLocation {
  let line = 1;
  let lineStart = 0;
  for (let end = text.indexOf('\n'); end >= 0 && end < offset; end = text.indexOf('\n', end + 1)) {
    line++;
    lineStart = end + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
