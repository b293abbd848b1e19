import { invalidParameter } from './mlflow-error';
import { decodePageToken, encodePageToken, type SortKey } from './page-token';
import {
  matchesFilter,
  parseFilter,
  type FilterTarget,
  type SearchFilter,
  type Searchable,
} from './search-filter';
import { compareText } from './version-numbers';

/** A search request as MLflow's search endpoints take it. */
export interface SearchRequest {
  readonly filter?: string;
  readonly maxResults: number;
  readonly orderBy: readonly string[];
  readonly pageToken?: string;
}

/** One ordering: a field and its direction. */
export interface Ordering {
  readonly field: string;
  readonly ascending: boolean;
}

/** What can be searched and how: MLflow's rules for registered models or for model versions. */
export interface SearchDefinition<T> {
  /** Names the search in its page tokens. */
  readonly kind: string;
  readonly target: FilterTarget;
  /** The fields order_by takes, with other names MLflow accepts for them. */
  readonly fields: Readonly<Record<string, (item: T) => string | number>>;
  readonly fieldAliases?: Readonly<Record<string, string>>;
  /** The order when order_by is empty. */
  readonly defaultOrder: readonly Ordering[];
  /**
   * Appended when order_by leaves them out: together they identify an item, so the order is
   * total and a page token resumes exactly where its page ended.
   */
  readonly tiebreak: readonly Ordering[];
  readonly searchable: (item: T) => Searchable;
}

/** A validated search, ready to run over the items it may concern. */
export interface PreparedSearch {
  readonly filter: SearchFilter;
  readonly order: readonly Ordering[];
  readonly maxResults: number;
  readonly after: SortKey | undefined;
  readonly search: string;
}

/** `name`, `name ASC`, `version_number DESC` (ASC and DESC in any case). */
export function parseOrderBy<T>(
  clauses: readonly string[],
  definition: SearchDefinition<T>,
): Ordering[] {
  const order: Ordering[] = [];
  for (const clause of clauses) {
    const match = /^\s*(\S+?)(?:\s+(asc|desc))?\s*$/i.exec(clause);
    const named = match ? (definition.fieldAliases?.[match[1]] ?? match[1]) : undefined;
    if (!match || named === undefined || !(named in definition.fields))
      throw invalidParameter(
        `Invalid order_by clause '${clause}': use one of ${Object.keys(definition.fields).join(', ')}, optionally followed by ASC or DESC`,
      );
    if (order.some((existing) => existing.field === named))
      throw invalidParameter(`order_by names ${named} twice`);
    order.push({ field: named, ascending: (match[2] ?? 'asc').toLowerCase() === 'asc' });
  }
  const chosen = order.length > 0 ? order : [...definition.defaultOrder];
  for (const tie of definition.tiebreak)
    if (!chosen.some((existing) => existing.field === tie.field)) chosen.push(tie);
  return chosen;
}

/** Checks a request (filter, order, token) before anything is read. */
export function prepareSearch<T>(
  request: SearchRequest,
  definition: SearchDefinition<T>,
): PreparedSearch {
  const filter = parseFilter(request.filter, definition.target);
  const order = parseOrderBy(request.orderBy, definition);
  const search = JSON.stringify([definition.kind, request.filter?.trim() ?? '', order]);
  const after =
    request.pageToken === undefined || request.pageToken === ''
      ? undefined
      : decodePageToken(request.pageToken, search);
  if (after !== undefined && after.length !== order.length)
    throw invalidParameter('Invalid page token: it does not fit this search');
  return { filter, order, maxResults: request.maxResults, after, search };
}

/**
 * One page of a search: the matching items in order, after the token's position, at most
 * maxResults of them, and a token for the next page when more match.
 */
export function runSearch<T>(
  prepared: PreparedSearch,
  items: readonly T[],
  definition: SearchDefinition<T>,
): { readonly page: T[]; readonly nextPageToken?: string } {
  const keyOf = (item: T): SortKey =>
    prepared.order.map((ordering) => definition.fields[ordering.field](item));
  const compare = (a: SortKey, b: SortKey) => compareKeys(a, b, prepared.order);
  const after = prepared.after;
  const matching = items
    .filter((item) => matchesFilter(prepared.filter, definition.searchable(item)))
    .map((item) => ({ item, key: keyOf(item) }))
    .filter(({ key }) => after === undefined || compare(key, after) > 0)
    .sort((a, b) => compare(a.key, b.key));
  const page = matching.slice(0, prepared.maxResults);
  if (matching.length <= prepared.maxResults) return { page: page.map(({ item }) => item) };
  return {
    page: page.map(({ item }) => item),
    nextPageToken: encodePageToken(prepared.search, page[page.length - 1].key),
  };
}

function compareKeys(a: SortKey, b: SortKey, order: readonly Ordering[]): number {
  for (let index = 0; index < order.length; index++) {
    const x = a[index];
    const y = b[index];
    const difference =
      typeof x === 'number' && typeof y === 'number' ? x - y : compareText(String(x), String(y));
    if (difference !== 0) return order[index].ascending ? difference : -difference;
  }
  return 0;
}
