import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { testEndpoints, uniqueName } from '../../../../test/support/endpoints';
import { FileSystemObjectStore } from './filesystem-object-store';
import { ArtifactIntegrityError, ModelArtifactStore, sha256Of } from './model-artifact-store';
import { S3ObjectStore } from './s3-object-store';

describe('ModelArtifactStore', () => {
  it('saves to the filesystem store, loads by URI and sha256, and refuses a tampered file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'readmit-artifacts-'));
    try {
      const artifacts = new ModelArtifactStore(new FileSystemObjectStore(root));
      const bytes = randomBytes(50_000);
      const saved = await artifacts.save('readmission', 'v1', bytes);
      expect(saved).toEqual({
        uri: expect.stringMatching(/^file:\/\/.*\/models\/readmission\/v1\/model\.onnx$/),
        sha256: sha256Of(bytes),
        sizeBytes: 50_000,
      });
      expect(
        Buffer.compare(Buffer.from(await artifacts.load(saved.uri, saved.sha256)), bytes),
      ).toBe(0);

      // Saving the same bytes again is harmless; other bytes under the same version are not.
      await expect(artifacts.save('readmission', 'v1', bytes)).resolves.toEqual(saved);
      await expect(artifacts.save('readmission', 'v1', randomBytes(10))).rejects.toThrow(
        'already exists with other bytes',
      );

      writeFileSync(fileURLToPath(saved.uri), Buffer.concat([bytes, Buffer.from([0])]));
      const tampered = artifacts.load(saved.uri, saved.sha256);
      await expect(tampered).rejects.toBeInstanceOf(ArtifactIntegrityError);
      await expect(artifacts.load(saved.uri, saved.sha256)).rejects.toThrow(
        `but ${saved.sha256} was expected`,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('does the same on the real S3-protocol server', async () => {
    const store = new S3ObjectStore({
      bucket: uniqueName('readmit-artifacts'),
      region: 'us-east-1',
      endpoint: testEndpoints().s3Endpoint,
      forcePathStyle: true,
      // The local test server accepts any key pair; these are not secrets.
      credentials: { accessKeyId: 'readmit-local', secretAccessKey: 'readmit-local' },
    });
    await store.ensureBucket();
    const artifacts = new ModelArtifactStore(store);
    const bytes = randomBytes(300_000);
    const saved = await artifacts.save('readmission', 'v7', bytes);
    expect(saved.uri).toBe(`${store.uriFor('models/readmission/v7/model.onnx')}`);
    expect(Buffer.compare(Buffer.from(await artifacts.load(saved.uri, saved.sha256)), bytes)).toBe(
      0,
    );
    await expect(artifacts.load(saved.uri, '0'.repeat(64))).rejects.toBeInstanceOf(
      ArtifactIntegrityError,
    );
    await expect(artifacts.load('s3://another-bucket/models/x.onnx', saved.sha256)).rejects.toThrow(
      'is not in bucket',
    );
  });
});
