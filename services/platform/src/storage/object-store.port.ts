/** Where model artifacts and other large blobs live: the filesystem locally, S3 in production. */
export interface ObjectStore {
  /** A URI that names the object in this store, e.g. `file:///…/model.onnx` or `s3://bucket/key`. */
  uriFor(key: string): string;
  /** The key of a URI this store gave out; throws for a URI of another store. */
  keyOf(uri: string): string;
  put(key: string, body: Uint8Array, contentType?: string): Promise<string>;
  /** The object's bytes; throws ObjectNotFoundError when it does not exist. */
  get(key: string): Promise<Buffer>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`object '${key}' does not exist`);
    this.name = 'ObjectNotFoundError';
  }
}

/** Object keys are relative, slash-separated paths; anything that could escape the store is refused. */
export function assertValidKey(key: string): void {
  if (
    key.length === 0 ||
    key.startsWith('/') ||
    key.split('/').some((part) => part === '..' || part === '')
  ) {
    throw new Error(`invalid object key '${key}': use a relative path like models/v1/model.onnx`);
  }
}
