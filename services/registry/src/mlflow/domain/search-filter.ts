import { invalidParameter } from './mlflow-error';

/**
 * MLflow's search filters, as its registry search endpoints take them: conditions joined by AND,
 * each `<identifier> <comparator> <value>`, e.g.
 *
 *     name = 'readmission'
 *     name ILIKE 'readm%' AND tags.`readmit.stage` = 'champion'
 *     name = 'readmission' AND version_number >= 3
 *     run_id IN ('run-1', 'run-2')
 *
 * Identifiers are an attribute (`name`, and for versions `run_id` and `version_number`; an
 * `attributes.` prefix is allowed) or a tag (`tags.<key>`; the key may be backquoted and may
 * contain dots). Strings are quoted with ' or "; LIKE and ILIKE take SQL patterns (% any run of
 * characters, _ one character), ILIKE ignoring case. OR is not supported (nor by MLflow).
 */
export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';

export type Condition =
  | {
      readonly on: 'attribute';
      readonly name: string;
      readonly comparator: Comparator;
      readonly value: string | number | readonly string[];
    }
  | {
      readonly on: 'tag';
      readonly key: string;
      readonly comparator: Comparator;
      readonly value: string;
    };

/** Conditions that must all hold; empty matches everything. */
export type SearchFilter = readonly Condition[];

/** What a search can filter on: its string and numeric attributes (tags are always allowed). */
export interface FilterTarget {
  readonly what: string;
  readonly strings: readonly string[];
  readonly numbers: readonly string[];
}

export const REGISTERED_MODEL_FILTERS: FilterTarget = {
  what: 'registered models',
  strings: ['name'],
  numbers: [],
};

export const MODEL_VERSION_FILTERS: FilterTarget = {
  what: 'model versions',
  strings: ['name', 'run_id'],
  numbers: ['version_number'],
};

const STRING_COMPARATORS: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];
const NUMBER_COMPARATORS: readonly Comparator[] = ['=', '!=', '<', '<=', '>', '>='];
const TAG_COMPARATORS: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE'];

type Token =
  | { readonly kind: 'identifier'; readonly parts: readonly string[]; readonly text: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number; readonly text: string }
  | { readonly kind: 'operator'; readonly value: string }
  | { readonly kind: 'word'; readonly value: string }
  | { readonly kind: 'punct'; readonly value: '(' | ')' | ',' };

const KEYWORDS = new Set(['AND', 'OR', 'LIKE', 'ILIKE', 'IN', 'NOT', 'IS', 'NULL']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  const fail = (message: string): never => {
    throw invalidParameter(`Invalid filter '${text}': ${message} (at character ${at + 1})`);
  };
  while (at < text.length) {
    const char = text[at];
    if (/\s/.test(char)) {
      at += 1;
    } else if (char === "'" || char === '"') {
      const end = text.indexOf(char, at + 1);
      if (end < 0) fail('unterminated string');
      tokens.push({ kind: 'string', value: text.slice(at + 1, end) });
      at = end + 1;
    } else if (char === '(' || char === ')' || char === ',') {
      tokens.push({ kind: 'punct', value: char });
      at += 1;
    } else if ('=!<>'.includes(char)) {
      const two = text.slice(at, at + 2);
      const operator = ['!=', '<=', '>=', '<>'].includes(two) ? two : char;
      if (operator === '!') fail("'!' must be followed by '='");
      tokens.push({ kind: 'operator', value: operator === '<>' ? '!=' : operator });
      at += operator.length;
    } else if (/[0-9-]/.test(char)) {
      const match = /^-?[0-9]+(\.[0-9]+)?/.exec(text.slice(at));
      if (!match) fail('expected a number');
      const number = (match as RegExpExecArray)[0];
      tokens.push({ kind: 'number', value: Number(number), text: number });
      at += number.length;
    } else if (/[A-Za-z_`]/.test(char)) {
      const parts: string[] = [];
      const start = at;
      for (;;) {
        if (text[at] === '`') {
          const end = text.indexOf('`', at + 1);
          if (end < 0) fail('unterminated backquote');
          parts.push(text.slice(at + 1, end));
          at = end + 1;
        } else {
          const match = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(at));
          if (!match) fail('expected a name');
          parts.push((match as RegExpExecArray)[0]);
          at += (match as RegExpExecArray)[0].length;
        }
        if (text[at] !== '.') break;
        at += 1;
      }
      const word = text.slice(start, at);
      if (parts.length === 1 && KEYWORDS.has(word.toUpperCase()))
        tokens.push({ kind: 'word', value: word.toUpperCase() });
      else tokens.push({ kind: 'identifier', parts, text: word });
    } else {
      fail(`unexpected '${char}'`);
    }
  }
  return tokens;
}

/**
 * Parses a filter for `target`; an empty or absent one matches everything. Throws an
 * INVALID_PARAMETER_VALUE error that says what is wrong.
 */
export function parseFilter(text: string | undefined, target: FilterTarget): SearchFilter {
  if (text === undefined || text.trim() === '') return [];
  const tokens = tokenize(text);
  const conditions: Condition[] = [];
  let at = 0;
  const fail = (message: string): never => {
    throw invalidParameter(`Invalid filter '${text}': ${message}`);
  };
  const next = () => tokens[at++];
  for (;;) {
    const identifier = next();
    if (identifier?.kind !== 'identifier') fail('expected an attribute or tags.<key>');
    const subject = subjectOf(identifier as Extract<Token, { kind: 'identifier' }>, target, fail);
    const comparator = comparatorAt(tokens, at, fail);
    at += comparator === 'NOT IN' ? 2 : 1;
    conditions.push(conditionOf(subject, comparator, next(), () => next(), fail));
    const joiner = next();
    if (joiner === undefined) break;
    if (joiner.kind === 'word' && joiner.value === 'OR')
      fail('OR is not supported: combine conditions with AND');
    if (joiner.kind !== 'word' || joiner.value !== 'AND') fail('expected AND between conditions');
  }
  return conditions;
}

type Subject =
  | { readonly on: 'tag'; readonly key: string }
  | { readonly on: 'attribute'; readonly name: string; readonly type: 'string' | 'number' };

function subjectOf(
  token: Extract<Token, { kind: 'identifier' }>,
  target: FilterTarget,
  fail: (message: string) => never,
): Subject {
  const [head, ...rest] = token.parts;
  const prefix = head.toLowerCase();
  if ((prefix === 'tags' || prefix === 'tag') && rest.length > 0)
    return { on: 'tag', key: rest.join('.') };
  const name = ['attributes', 'attribute', 'attr'].includes(prefix) ? rest.join('.') : token.text;
  if (target.strings.includes(name)) return { on: 'attribute', name, type: 'string' };
  if (target.numbers.includes(name)) return { on: 'attribute', name, type: 'number' };
  return fail(
    `'${token.text}' is not searchable for ${target.what}: use ${[...target.strings, ...target.numbers].join(', ')} or tags.<key>`,
  );
}

function comparatorAt(
  tokens: readonly Token[],
  at: number,
  fail: (message: string) => never,
): Comparator {
  const token = tokens[at];
  if (token?.kind === 'operator') return token.value as Comparator;
  if (token?.kind === 'word') {
    if (token.value === 'NOT' && tokens[at + 1]?.kind === 'word') {
      const following = tokens[at + 1] as Extract<Token, { kind: 'word' }>;
      if (following.value === 'IN') return 'NOT IN';
    }
    if (token.value === 'LIKE' || token.value === 'ILIKE' || token.value === 'IN')
      return token.value;
    if (token.value === 'IS') fail('IS NULL / IS NOT NULL are not supported here');
  }
  return fail('expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN)');
}

function conditionOf(
  subject: Subject,
  comparator: Comparator,
  value: Token | undefined,
  more: () => Token | undefined,
  fail: (message: string) => never,
): Condition {
  const label = subject.on === 'tag' ? `tags.${subject.key}` : subject.name;
  const allowed =
    subject.on === 'tag'
      ? TAG_COMPARATORS
      : subject.type === 'number'
        ? NUMBER_COMPARATORS
        : STRING_COMPARATORS;
  if (!allowed.includes(comparator))
    fail(`${label} takes ${allowed.join(', ')}, not ${comparator}`);
  if (subject.on === 'tag') {
    if (value?.kind !== 'string') fail(`${label}: expected a quoted string`);
    return { on: 'tag', key: subject.key, comparator, value: (value as { value: string }).value };
  }
  if (subject.type === 'number') {
    const number =
      value?.kind === 'number'
        ? value.value
        : value?.kind === 'string' && /^-?[0-9]+$/.test(value.value)
          ? Number(value.value)
          : fail(`${label}: expected a number`);
    return { on: 'attribute', name: subject.name, comparator, value: number };
  }
  if (comparator === 'IN' || comparator === 'NOT IN') {
    if (value?.kind !== 'punct' || value.value !== '(')
      fail(`${label} ${comparator}: expected a list like ('a', 'b')`);
    const items: string[] = [];
    for (;;) {
      const item = more();
      if (item?.kind !== 'string') fail(`${label} ${comparator}: expected quoted strings`);
      items.push((item as { value: string }).value);
      const separator = more();
      if (separator?.kind === 'punct' && separator.value === ')') break;
      if (separator?.kind !== 'punct' || separator.value !== ',')
        fail(`${label} ${comparator}: expected ',' or ')'`);
    }
    return { on: 'attribute', name: subject.name, comparator, value: items };
  }
  if (value?.kind !== 'string') fail(`${label}: expected a quoted string`);
  return {
    on: 'attribute',
    name: subject.name,
    comparator,
    value: (value as { value: string }).value,
  };
}

/** What a filter is evaluated against. */
export interface Searchable {
  readonly attributes: Readonly<Record<string, string | number>>;
  readonly tags: ReadonlyMap<string, string>;
}

/**
 * Whether every condition holds. A missing tag (or run id) is unequal to every value and
 * satisfies nothing else: MLflow's client adds tags.`mlflow.prompt.is_prompt` != 'true' to
 * every registered model search to leave prompts out, and Readmit's models carry no such tag.
 */
export function matchesFilter(filter: SearchFilter, subject: Searchable): boolean {
  return filter.every((condition) => {
    const actual =
      condition.on === 'tag' ? subject.tags.get(condition.key) : subject.attributes[condition.name];
    if (actual === undefined) return condition.comparator === '!=';
    return holds(actual, condition.comparator, condition.value);
  });
}

function holds(
  actual: string | number,
  comparator: Comparator,
  expected: string | number | readonly string[],
): boolean {
  switch (comparator) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case 'LIKE':
      return likePattern(String(expected), false).test(String(actual));
    case 'ILIKE':
      return likePattern(String(expected), true).test(String(actual));
    case 'IN':
      return (expected as readonly string[]).includes(String(actual));
    case 'NOT IN':
      return !(expected as readonly string[]).includes(String(actual));
    default: {
      const unknown: never = comparator;
      throw new Error(`unknown comparator ${String(unknown)}`);
    }
  }
}

/** A SQL LIKE pattern as a regular expression: % any run of characters, _ one character. */
export function likePattern(pattern: string, ignoreCase: boolean): RegExp {
  const body = [...pattern]
    .map((char) =>
      char === '%' ? '.*' : char === '_' ? '.' : char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
}

/**
 * The model names a filter limits a search to (`name = 'x'` or `name IN (…)`), so only their
 * rows need reading; undefined when it does not limit them.
 */
export function modelNamesIn(filter: SearchFilter): readonly string[] | undefined {
  for (const condition of filter) {
    if (condition.on !== 'attribute' || condition.name !== 'name') continue;
    if (condition.comparator === '=') return [condition.value as string];
    if (condition.comparator === 'IN') return condition.value as readonly string[];
  }
  return undefined;
}
