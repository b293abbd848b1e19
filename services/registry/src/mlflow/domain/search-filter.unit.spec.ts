import { MlflowRequestError } from './mlflow-error';
import {
  likePattern,
  matchesFilter,
  MODEL_VERSION_FILTERS,
  modelNamesIn,
  parseFilter,
  REGISTERED_MODEL_FILTERS,
  type Searchable,
} from './search-filter';

const version = (
  name: string,
  number: number,
  tags: Record<string, string> = {},
  runId?: string,
): Searchable => ({
  attributes: { name, version_number: number, ...(runId ? { run_id: runId } : {}) },
  tags: new Map(Object.entries(tags)),
});

const matching = (filter: string, subjects: Searchable[]) => {
  const parsed = parseFilter(filter, MODEL_VERSION_FILTERS);
  return subjects
    .filter((subject) => matchesFilter(parsed, subject))
    .map((subject) => `${subject.attributes.name}/${subject.attributes.version_number}`);
};

const SUBJECTS = [
  version('readmission', 1, { 'readmit.stage': 'archived' }, 'run-a'),
  version('readmission', 2, { 'readmit.stage': 'champion', 'readmit.algorithm': 'gbdt' }, 'run-b'),
  version('readmission-30d', 1, { 'readmit.stage': 'challenger' }, 'run-c'),
  version('Readmission_old', 4),
];

describe('MLflow search filters', () => {
  it('matches everything when empty', () => {
    expect(parseFilter(undefined, MODEL_VERSION_FILTERS)).toEqual([]);
    expect(parseFilter('  ', MODEL_VERSION_FILTERS)).toEqual([]);
  });

  it.each([
    ["name = 'readmission'", ['readmission/1', 'readmission/2']],
    ['name = "readmission-30d"', ['readmission-30d/1']],
    ["name != 'readmission'", ['readmission-30d/1', 'Readmission_old/4']],
    ["name LIKE 'readmission%'", ['readmission/1', 'readmission/2', 'readmission-30d/1']],
    ["name LIKE 'readmission_30d'", ['readmission-30d/1']],
    [
      "name ilike 'READMISSION%'",
      ['readmission/1', 'readmission/2', 'readmission-30d/1', 'Readmission_old/4'],
    ],
    ["name IN ('readmission-30d', 'Readmission_old')", ['readmission-30d/1', 'Readmission_old/4']],
    ["name NOT IN ('readmission')", ['readmission-30d/1', 'Readmission_old/4']],
    ["attributes.name = 'readmission' AND version_number >= 2", ['readmission/2']],
    ["name = 'readmission' and version_number < 2", ['readmission/1']],
    ["version_number = '4'", ['Readmission_old/4']],
    ["run_id = 'run-c'", ['readmission-30d/1']],
    ["tags.`readmit.stage` = 'champion'", ['readmission/2']],
    ["tags.readmit.stage LIKE 'ch%'", ['readmission/2', 'readmission-30d/1']],
    // a missing tag is unequal to every value, and satisfies nothing else
    [
      "tags.readmit.algorithm != 'lr'",
      ['readmission/1', 'readmission/2', 'readmission-30d/1', 'Readmission_old/4'],
    ],
    ["tags.readmit.algorithm LIKE '%'", ['readmission/2']],
    // what MLflow's client adds to every registered model search, to leave prompts out
    [
      "tags.`mlflow.prompt.is_prompt` != 'true'",
      ['readmission/1', 'readmission/2', 'readmission-30d/1', 'Readmission_old/4'],
    ],
    ["tag.`mlflow.prompt.is_prompt` = 'true'", []],
    ["run_id != 'run-a'", ['readmission/2', 'readmission-30d/1', 'Readmission_old/4']],
    ["name LIKE '%.%'", []],
  ])('%s', (filter, expected) => {
    expect(matching(filter, SUBJECTS)).toEqual(expected);
  });

  it.each([
    ["name = 'a' OR name = 'b'", /OR is not supported/],
    ["run_id = 'x'", /not searchable for registered models/],
    ["name > 'a'", /takes =, !=, LIKE, ILIKE, IN, NOT IN/],
    ["name = 'unterminated", /unterminated string/],
    ['name = readmission', /expected a quoted string/],
    ["name IN 'a'", /expected a list/],
    ["name = 'a' name = 'b'", /expected AND/],
    ["tags.x IN ('a')", /takes =, !=, LIKE, ILIKE/],
    ['name IS NULL', /IS NULL/],
    ["name ~ 'a'", /unexpected '~'/],
  ])('refuses %s', (filter, message) => {
    const parse = () => parseFilter(filter, REGISTERED_MODEL_FILTERS);
    expect(parse).toThrow(MlflowRequestError);
    expect(parse).toThrow(message);
    try {
      parse();
    } catch (error) {
      expect((error as MlflowRequestError).code).toBe('INVALID_PARAMETER_VALUE');
    }
  });

  it('takes SQL LIKE patterns literally apart from % and _', () => {
    expect(likePattern('a.b%', false).test('a.bc')).toBe(true);
    expect(likePattern('a.b%', false).test('axbc')).toBe(false);
    expect(likePattern('(x)+', false).test('(x)+')).toBe(true);
    expect(likePattern('Ab', true).test('aB')).toBe(true);
    expect(likePattern('Ab', false).test('aB')).toBe(false);
  });

  it('says which model names a filter limits a search to', () => {
    const names = (filter: string) => modelNamesIn(parseFilter(filter, MODEL_VERSION_FILTERS));
    expect(names("name = 'readmission' AND version_number > 1")).toEqual(['readmission']);
    expect(names("version_number > 1 AND name IN ('a', 'b')")).toEqual(['a', 'b']);
    expect(names("name LIKE 'a%'")).toBeUndefined();
    expect(names("run_id = 'x'")).toBeUndefined();
  });
});
