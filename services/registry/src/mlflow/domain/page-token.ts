import { z } from 'zod';
import { invalidParameter } from './mlflow-error';

/** A sort key: the values an item is ordered by. */
export type SortKey = ReadonlyArray<string | number>;

const cursor = z.object({
  /** Which search the token continues (kind, filter and order), so it cannot resume another. */
  search: z.string(),
  /** The sort key of the last item given: the next page starts after it. */
  after: z.array(z.union([z.string(), z.number()])),
});

/**
 * MLflow's `page_token`, opaque to clients: base64url JSON of where the last page ended. It
 * holds the last item's sort key rather than a count, so versions registered (or models added)
 * while a client pages never make it skip or repeat one: the next page starts after that key
 * in the same total order.
 */
export function encodePageToken(search: string, after: SortKey): string {
  return Buffer.from(JSON.stringify({ search, after }), 'utf8').toString('base64url');
}

/** The key a token resumes after; INVALID_PARAMETER_VALUE for a token not from this search. */
export function decodePageToken(token: string, search: string): SortKey {
  let parsed: z.infer<typeof cursor>;
  try {
    parsed = cursor.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
  } catch {
    throw invalidParameter(`Invalid page token '${token}': not one this server gave out`);
  }
  if (parsed.search !== search)
    throw invalidParameter(
      'Invalid page token: it continues another search (the filter, order_by and endpoint must stay the same while paging)',
    );
  return parsed.after;
}
