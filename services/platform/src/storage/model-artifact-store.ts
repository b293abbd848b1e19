import { createHash } from 'node:crypto';
import type { ObjectStore } from './object-store.port';

/** An artifact whose bytes do not hash to what its events say: never loaded. */
export class ArtifactIntegrityError extends Error {
  constructor(
    readonly uri: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`artifact ${uri} has sha256 ${actual}, but ${expected} was expected`);
    this.name = 'ArtifactIntegrityError';
  }
}

export interface StoredArtifact {
  readonly uri: string;
  readonly sha256: string;
  readonly sizeBytes: number;
}

export const sha256Of = (bytes: Uint8Array): string =>
  createHash('sha256').update(bytes).digest('hex');

/**
 * Model artifacts (ONNX files) in the object store under `models/<name>/<version>/model.onnx`,
 * named in events by URI and sha256. Loading verifies the hash, so a corrupted or swapped file
 * is refused. A version is written once: saving different bytes under it is an error.
 */
export class ModelArtifactStore {
  constructor(private readonly store: ObjectStore) {}

  async save(modelName: string, modelVersion: string, bytes: Uint8Array): Promise<StoredArtifact> {
    const key = `models/${modelName}/${modelVersion}/model.onnx`;
    const sha256 = sha256Of(bytes);
    if (await this.store.exists(key)) {
      const existing = sha256Of(await this.store.get(key));
      if (existing !== sha256)
        throw new Error(`model ${modelName} ${modelVersion} already exists with other bytes`);
      return { uri: this.store.uriFor(key), sha256, sizeBytes: bytes.length };
    }
    const uri = await this.store.put(key, bytes, 'application/octet-stream');
    return { uri, sha256, sizeBytes: bytes.length };
  }

  async load(uri: string, expectedSha256: string): Promise<Uint8Array> {
    const bytes = await this.store.get(this.store.keyOf(uri));
    const actual = sha256Of(bytes);
    if (actual !== expectedSha256) throw new ArtifactIntegrityError(uri, expectedSha256, actual);
    return bytes;
  }
}
