import type { ObjectStore } from './object-store.port';

const EXPORT_ID = /^ds-[0-9a-f]{16}$/;
/** The one form of a feature spec id (fs<version>-<16 hex digits>), as specs are stored under. */
export const FEATURE_SPEC_ID = /^fs\d+-[0-9a-f]{16}$/;
const FILE_NAME = /^[a-z][a-z0-9-]*\.(parquet|json)$/;

/** A name that is not an export's, a feature spec's or a dataset file's: refused, never looked up. */
export class InvalidDatasetNameError extends Error {
  constructor(what: string, value: string) {
    super(`'${value}' is not a valid ${what}`);
    this.name = 'InvalidDatasetNameError';
  }
}

function checked(what: string, pattern: RegExp, value: string): string {
  if (!pattern.test(value)) throw new InvalidDatasetNameError(what, value);
  return value;
}

/**
 * Exported training sets under `datasets/<exportId>/<file>`, and the feature specs they were
 * encoded with under `feature-specs/<id>.json`: an imported model names the spec its inputs
 * follow by that id. Both are content-addressed, so writing one again writes the same bytes.
 */
export class DatasetStore {
  constructor(private readonly store: ObjectStore) {}

  async saveExport(
    exportId: string,
    files: ReadonlyArray<{ name: string; bytes: Uint8Array }>,
  ): Promise<void> {
    checked('export id', EXPORT_ID, exportId);
    // The manifest last: an export whose manifest exists is complete.
    const ordered = [...files].sort(
      (a, b) => Number(a.name === 'manifest.json') - Number(b.name === 'manifest.json'),
    );
    for (const file of ordered)
      await this.store.put(
        `datasets/${exportId}/${checked('dataset file name', FILE_NAME, file.name)}`,
        file.bytes,
        file.name.endsWith('.json') ? 'application/json' : 'application/vnd.apache.parquet',
      );
  }

  /** A file of an export; throws ObjectNotFoundError when there is none. */
  exportFile(exportId: string, name: string): Promise<Buffer> {
    return this.store.get(
      `datasets/${checked('export id', EXPORT_ID, exportId)}/${checked('dataset file name', FILE_NAME, name)}`,
    );
  }

  async saveFeatureSpec(id: string, json: Uint8Array): Promise<void> {
    await this.store.put(
      `feature-specs/${checked('feature spec id', FEATURE_SPEC_ID, id)}.json`,
      json,
      'application/json',
    );
  }

  /** The spec's JSON as saved; throws ObjectNotFoundError when no export saved it. */
  async featureSpec(id: string): Promise<unknown> {
    const bytes = await this.store.get(
      `feature-specs/${checked('feature spec id', FEATURE_SPEC_ID, id)}.json`,
    );
    return JSON.parse(bytes.toString('utf8'));
  }
}
