import { mlflowModelVersion, mlflowRegisteredModel } from './entities';
import { MlflowRequestError } from './mlflow-error';
import { encodePageToken } from './page-token';
import { parseOrderBy, prepareSearch, runSearch, type SearchRequest } from './search';
import { MODEL_VERSION_SEARCH, REGISTERED_MODEL_SEARCH } from './searches';
import { numbered, versionRow } from '../testing/version-rows';

const at = (hour: number) => new Date(Date.UTC(2026, 10, 23, hour));

const modelVersions = (...names: string[]) =>
  names.flatMap((name, index) =>
    numbered(
      ...['a', 'b', 'c'].map((id, step) =>
        versionRow(`${name}-${id}`, 'candidate', {
          modelName: name,
          registeredAt: at(index * 3 + step),
          stageChangedAt: null,
        }),
      ),
    ).map(mlflowModelVersion),
  );

const MODELS = ['zeta', 'alpha', 'mid'].map((name, index) =>
  mlflowRegisteredModel(
    name,
    numbered(
      versionRow(`${name}-1`, 'champion', {
        modelName: name,
        registeredAt: at(index),
        stageChangedAt: at(10 - index),
      }),
    ),
  ),
);

const request = (changes: Partial<SearchRequest> = {}): SearchRequest => ({
  maxResults: 100,
  orderBy: [],
  ...changes,
});

/** Every item of a search, one page of `maxResults` at a time, as MLflow's clients page. */
function pageThrough<T>(
  items: readonly T[],
  definition: Parameters<typeof runSearch<T>>[2],
  base: SearchRequest,
): { pages: T[][]; tokens: number } {
  const pages: T[][] = [];
  let pageToken: string | undefined;
  let tokens = 0;
  do {
    const prepared = prepareSearch({ ...base, pageToken }, definition);
    const result = runSearch(prepared, items, definition);
    pages.push(result.page);
    pageToken = result.nextPageToken;
    if (pageToken) tokens += 1;
  } while (pageToken !== undefined);
  return { pages, tokens };
}

describe('MLflow searches: order, filter and page tokens', () => {
  it('lists registered models by name by default and pages through them one at a time', () => {
    const { pages, tokens } = pageThrough(
      MODELS,
      REGISTERED_MODEL_SEARCH,
      request({ maxResults: 1 }),
    );
    expect(pages.map((page) => page.map((model) => model.name))).toEqual([
      ['alpha'],
      ['mid'],
      ['zeta'],
    ]);
    expect(tokens).toBe(2);
  });

  it('orders registered models by name or last update, either way', () => {
    const names = (orderBy: string[]) =>
      runSearch(
        prepareSearch(request({ orderBy }), REGISTERED_MODEL_SEARCH),
        MODELS,
        REGISTERED_MODEL_SEARCH,
      ).page.map((model) => model.name);
    expect(names(['name DESC'])).toEqual(['zeta', 'mid', 'alpha']);
    expect(names(['last_updated_timestamp'])).toEqual(['mid', 'alpha', 'zeta']);
    expect(names(['timestamp desc'])).toEqual(['zeta', 'alpha', 'mid']);
  });

  it('lists versions by name, newest first, and pages through a filtered search one at a time', () => {
    const versions = modelVersions('readmission', 'other');
    const { pages } = pageThrough(
      versions,
      MODEL_VERSION_SEARCH,
      request({ maxResults: 1, filter: "name = 'readmission'" }),
    );
    expect(
      pages.map((page) => page.map((version) => `${version.name}/${version.version}`)),
    ).toEqual([['readmission/3'], ['readmission/2'], ['readmission/1']]);
    const all = runSearch(
      prepareSearch(request(), MODEL_VERSION_SEARCH),
      versions,
      MODEL_VERSION_SEARCH,
    );
    expect(all.page.map((version) => `${version.name}/${version.version}`)).toEqual([
      'other/3',
      'other/2',
      'other/1',
      'readmission/3',
      'readmission/2',
      'readmission/1',
    ]);
    expect(all.nextPageToken).toBeUndefined();
  });

  it('resumes after the last item given even when versions arrive while a client pages', () => {
    const before = modelVersions('readmission');
    const base = request({ maxResults: 2, orderBy: ['version_number ASC'] });
    const first = runSearch(
      prepareSearch(base, MODEL_VERSION_SEARCH),
      before,
      MODEL_VERSION_SEARCH,
    );
    expect(first.page.map((version) => version.version)).toEqual(['1', '2']);
    const grown = [
      ...before,
      { ...before[2], version: '4', tags: [] },
      { ...before[2], version: '5', tags: [] },
    ];
    const second = runSearch(
      prepareSearch({ ...base, pageToken: first.nextPageToken }, MODEL_VERSION_SEARCH),
      grown,
      MODEL_VERSION_SEARCH,
    );
    expect(second.page.map((version) => version.version)).toEqual(['3', '4']);
  });

  it('refuses a token from another search, a made-up token and unknown or repeated order keys', () => {
    const token = runSearch(
      prepareSearch(request({ maxResults: 1 }), REGISTERED_MODEL_SEARCH),
      MODELS,
      REGISTERED_MODEL_SEARCH,
    ).nextPageToken;
    const refusals = [
      () =>
        prepareSearch(request({ pageToken: token, filter: "name = 'x'" }), REGISTERED_MODEL_SEARCH),
      () => prepareSearch(request({ pageToken: token }), MODEL_VERSION_SEARCH),
      () => prepareSearch(request({ pageToken: 'not-a-token' }), REGISTERED_MODEL_SEARCH),
      () =>
        prepareSearch(
          request({ pageToken: encodePageToken('["registered-models","",[]]', []) }),
          REGISTERED_MODEL_SEARCH,
        ),
      () => parseOrderBy(['version_number'], REGISTERED_MODEL_SEARCH),
      () => parseOrderBy(['name', 'name DESC'], REGISTERED_MODEL_SEARCH),
      () => parseOrderBy(['name sideways'], REGISTERED_MODEL_SEARCH),
    ];
    for (const refused of refusals) {
      expect(refused).toThrow(MlflowRequestError);
    }
  });

  it('completes an order with the keys that make it total', () => {
    expect(parseOrderBy(['last_updated_timestamp DESC'], MODEL_VERSION_SEARCH)).toEqual([
      { field: 'last_updated_timestamp', ascending: false },
      { field: 'name', ascending: true },
      { field: 'version_number', ascending: false },
    ]);
  });
});
