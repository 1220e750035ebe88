/**
 * Test helpers that run the stock sparqljs lexer and the dispatching lexer on the same text
 * and record everything the parser can observe: each token with its text and position, the
 * lexer's final state, and the parse result or error.
 */
import sparqljs from 'sparqljs';
import { createDispatchLexer, type JisonLexer } from '../../src/sparql/lexer-dispatch.js';

/** The parser members these helpers use beyond the public `parse`. */
interface JisonParser {
  lexer: JisonLexer;
  parse(text: string): unknown;
  _resetBlanks(): void;
}

export const stockLexer = (new sparqljs.Parser() as unknown as JisonParser).lexer;

const built = createDispatchLexer(stockLexer);
if (built === undefined) throw new Error('The dispatching lexer declined the installed sparqljs');
export const dispatchLexer: JisonLexer = built;

/** Lexer state fields compared after every token. */
interface LexerState {
  yytext: string;
  yyleng: number;
  yylineno: number;
  yylloc: object;
  match: string;
  offset: number;
}

/**
 * Returns the tokens of `text` with the lexer state after each, ending with the end-of-input
 * token or the error message, then the final `matched`, `_input` and `done` fields.
 */
export function tokenStream(lexer: JisonLexer, text: string): unknown[] {
  const instance = Object.create(lexer) as JisonLexer & LexerState & { matched: string };
  instance.setInput(text, {});
  const stream: unknown[] = [];
  // Each token consumes at least one character, except the end-of-input tokens.
  for (let count = 0; count <= text.length + 2; count++) {
    let token: number | string;
    try {
      token = instance.lex();
    } catch (error) {
      stream.push({ error: (error as Error).message });
      return stream;
    }
    const { yytext, yyleng, yylineno, yylloc, match, offset } = instance;
    stream.push([token, yytext, yyleng, yylineno, { ...yylloc }, match, offset]);
    if (token === instance.EOF) {
      stream.push(instance.matched, instance._input, instance.done);
      return stream;
    }
  }
  throw new Error(`The lexer returned more tokens than ${text.length + 2} without ending`);
}

/** Returns the JSON of what `parser` returns for `text`, or of the error's name, message and Jison details. */
export function outcomeOf(
  parser: Pick<JisonParser, 'parse' | '_resetBlanks'>,
  text: string,
): string {
  // Blank node labels come from a counter shared by all parsers.
  parser._resetBlanks();
  try {
    return JSON.stringify({ result: parser.parse(text) });
  } catch (error) {
    const { name, message, hash } = error as Error & { hash?: unknown };
    return JSON.stringify({ error: { name, message, hash } });
  }
}

/**
 * Parses `text` with a new sparqljs parser on `lexer` and returns the JSON of the result, or
 * of the error's name, message and Jison details.
 */
export function parseOutcome(lexer: JisonLexer, text: string, baseIRI?: string): string {
  const parser = new sparqljs.Parser(baseIRI === undefined ? {} : { baseIRI });
  const jison = parser as unknown as JisonParser;
  jison.lexer = lexer;
  return outcomeOf(jison, text);
}
