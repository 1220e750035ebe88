/**
 * String-based constraint components (SHACL 4.4): sh:minLength, sh:maxLength, sh:pattern with
 * sh:flags, sh:languageIn and sh:uniqueLang. Patterns run on RE2 through the SPARQL REGEX
 * cache, so a hostile pattern takes linear time.
 */
import { ExpressionError, InvalidArgumentError } from '../../errors.js';
import { RegexCache } from '../../sparql/expressions/regex.js';
import { codePointLength, langMatches } from '../../sparql/expressions/strings.js';
import { stringValue, type Value, valueFromKey } from '../../sparql/expressions/values.js';
import { isTrueParameter, integerParameter } from '../literals.js';
import type { CompileContext, ConstraintSpec } from '../model.js';
import { sh } from '../vocabulary.js';

const MIN_LENGTH = sh('MinLengthConstraintComponent');
const MAX_LENGTH = sh('MaxLengthConstraintComponent');
const PATTERN = sh('PatternConstraintComponent');
const LANGUAGE_IN = sh('LanguageInConstraintComponent');
const UNIQUE_LANG = sh('UniqueLangConstraintComponent');

/** Returns the string form of an IRI or literal (SPARQL str), or undefined for a blank node. */
function stringForm(value: Value): string | undefined {
  return value.kind === 'BlankNode' ? undefined : value.value;
}

export function compileStringBased(context: CompileContext): ConstraintSpec[] {
  const specs: ConstraintSpec[] = [];
  const lengths: [string, string, (length: number, limit: number) => boolean][] = [
    ['minLength', MIN_LENGTH, (length, limit) => length >= limit],
    ['maxLength', MAX_LENGTH, (length, limit) => length <= limit],
  ];
  for (const [parameter, component, accepts] of lengths) {
    for (const key of context.values(parameter)) {
      const limit = integerParameter(key, `sh:${parameter}`);
      specs.push({
        component,
        bind: () => (run, shape, focus, values) => {
          for (const value of values) {
            const text = stringForm(run.value(value));
            if (text === undefined || !accepts(codePointLength(text), limit)) {
              run.report(shape, component, focus, value);
              if (run.stopped) return;
            }
          }
        },
      });
    }
  }

  const flagKeys = context.values('flags');
  const flags = flagKeys.length > 0 ? valueFromKey(flagKeys[0]!).value : '';
  for (const key of context.values('pattern')) {
    const pattern = valueFromKey(key).value;
    checkPattern(pattern, flags, context.shapeKey);
    specs.push({
      component: PATTERN,
      bind: () => (run, shape, focus, values) => {
        for (const value of values) {
          const text = stringForm(run.value(value));
          if (text === undefined || !run.regex.test(text, pattern, flags)) {
            run.report(shape, PATTERN, focus, value);
            if (run.stopped) return;
          }
        }
      },
    });
  }

  for (const listKey of context.values('languageIn')) {
    const ranges = context.graph.list(listKey).map((key) => stringValue(valueFromKey(key).value));
    specs.push({
      component: LANGUAGE_IN,
      bind: () => (run, shape, focus, values) => {
        for (const value of values) {
          const term = run.value(value);
          const tag = stringValue(term.language);
          if (term.language === '' || !ranges.some((range) => langMatches(tag, range))) {
            run.report(shape, LANGUAGE_IN, focus, value);
            if (run.stopped) return;
          }
        }
      },
    });
  }

  if (context.isPropertyShape) {
    for (const key of context.values('uniqueLang')) {
      if (!isTrueParameter(key)) continue;
      specs.push({
        component: UNIQUE_LANG,
        bind: () => (run, shape, focus, values) => {
          const seen = new Map<string, number>();
          for (const value of values) {
            const language = run.value(value).language;
            if (language !== '') seen.set(language, (seen.get(language) ?? 0) + 1);
          }
          // One result per language tag that two or more value nodes share.
          for (const count of seen.values()) {
            if (count > 1) {
              run.report(shape, UNIQUE_LANG, focus);
              if (run.stopped) return;
            }
          }
        },
      });
    }
  }
  return specs;
}

/** Compiles the pattern once so a shapes graph with an invalid pattern fails to compile. */
function checkPattern(pattern: string, flags: string, shapeKey: string): void {
  try {
    new RegexCache().test('', pattern, flags);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    throw new InvalidArgumentError(
      `Invalid shapes graph: sh:pattern on ${shapeKey}: ${error.message}`,
    );
  }
}
