/**
 * A database failure without the driver's extras: typeorm's error carries the query's
 * parameters and Postgres' detail, which hold encounter ids, and logs must not.
 */
export class IngestDatabaseError extends Error {
  readonly code: string | undefined;
  constructor(error: unknown) {
    super(`postgres: ${error instanceof Error ? error.message : String(error)}`);
    this.name = 'IngestDatabaseError';
    const code = (error as { code?: unknown } | null)?.code;
    this.code = typeof code === 'string' ? code : undefined;
  }
}

/** Postgres errors leave as IngestDatabaseError; the caller's own errors pass unchanged. */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw isDriverError(error) ? new IngestDatabaseError(error) : error;
  }
}

function isDriverError(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'QueryFailedError' || 'driverError' in error || 'severity' in error)
  );
}
