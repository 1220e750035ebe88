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

/**
 * Line ends as sparqljs counts them when it reports a line: CR LF, CR or LF. Its Jison lexer
 * counts the line ends of each token it reads, and lexer-dispatch.ts keeps the same counts.
 */
export const LINE_END = /\r\n|\r|\n/g;

/** The rewrites of one text, in the order they ran. */
export class RewriteTrail {
  constructor(
    readonly original: string,
    private readonly maps: SpanMap[] = [],
  ) {}

  /** Returns a trail with one more rewrite, whose map is `map`, after the rewrites of this one. */
  withMap(map: SpanMap): RewriteTrail {
    return new RewriteTrail(this.original, [...this.maps, map]);
  }

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

/** Returns the offset of a location, counting lines as sparqljs does (see LINE_END). */
function offsetOf(text: string, { line, column }: TextLocation): number {
  let lineStart = 0;
  LINE_END.lastIndex = 0;
  for (let current = 1; current < line; current++) {
    const end = LINE_END.exec(text);
    if (end === null) return text.length;
    lineStart = end.index + end[0].length;
  }
  return Math.min(lineStart + column - 1, text.length);
}

function locationOf(text: string, offset: number): TextLocation {
  let line = 1;
  let lineStart = 0;
  LINE_END.lastIndex = 0;
  for (let end = LINE_END.exec(text); end !== null; end = LINE_END.exec(text)) {
    // An offset inside a CR LF pair belongs to the line the pair ends.
    const next = end.index + end[0].length;
    if (next > offset) break;
    line++;
    lineStart = next;
  }
  return { line, column: offset - lineStart + 1 };
}
