import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash, randomBytes } from 'node:crypto';
import { FileSystemObjectStore } from './filesystem-object-store';
import { ObjectNotFoundError, type ObjectStore } from './object-store.port';
import { S3ObjectStore } from './s3-object-store';
import { testEndpoints, uniqueName } from '../../../../test/support/endpoints';

/** The same contract for every object store: what one does, the other must do too. */
function describeObjectStoreContract(name: string, makeStore: () => Promise<ObjectStore>): void {
  describe(`${name} object store`, () => {
    let store: ObjectStore;
    beforeAll(async () => {
      store = await makeStore();
    });

    it('puts bytes and gets the same bytes back', async () => {
      const body = randomBytes(256 * 1024);
      const key = `models/${uniqueName('model')}/model.onnx`;
      const uri = await store.put(key, body);
      expect(uri).toBe(store.uriFor(key));
      expect(store.keyOf(uri)).toBe(key);
      expect(() => store.keyOf('ftp://elsewhere/model.onnx')).toThrow('is not in');
      const read = await store.get(key);
      expect(createHash('sha256').update(read).digest('hex')).toBe(
        createHash('sha256').update(body).digest('hex'),
      );
      expect(await store.exists(key)).toBe(true);
    });

    it('overwrites an object, and deletes it', async () => {
      const key = `profiles/${uniqueName('profile')}.json`;
      await store.put(key, Buffer.from('{"v":1}'));
      await store.put(key, Buffer.from('{"v":2}'));
      expect((await store.get(key)).toString()).toBe('{"v":2}');
      await store.delete(key);
      expect(await store.exists(key)).toBe(false);
    });

    it('says a missing object is missing', async () => {
      const key = `missing/${uniqueName('nothing')}`;
      expect(await store.exists(key)).toBe(false);
      await expect(store.get(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
    });
  });
}

const root = mkdtempSync(join(tmpdir(), 'readmit-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeObjectStoreContract('filesystem', async () => new FileSystemObjectStore(root));

describe('filesystem object store layout', () => {
  it('keeps objects as plain files under its root, named by a file:// URI', async () => {
    const store = new FileSystemObjectStore(root);
    const uri = await store.put('a/b.txt', Buffer.from('plain'));
    expect(readFileSync(fileURLToPath(uri), 'utf8')).toBe('plain');
  });
});

describeObjectStoreContract('S3 (real S3-protocol server)', async () => {
  const store = new S3ObjectStore({
    bucket: uniqueName('readmit-test'),
    region: 'us-east-1',
    endpoint: testEndpoints().s3Endpoint,
    forcePathStyle: true,
    // The local test server accepts any key pair; these are not secrets.
    credentials: { accessKeyId: 'readmit-local', secretAccessKey: 'readmit-local' },
  });
  await store.ensureBucket();
  await store.ensureBucket(); // idempotent
  return store;
});
