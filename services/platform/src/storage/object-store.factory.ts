import type { ObjectStoreConfig } from '../config/platform-config';
import { FileSystemObjectStore } from './filesystem-object-store';
import type { ObjectStore } from './object-store.port';
import { S3ObjectStore } from './s3-object-store';

export function createObjectStore(config: ObjectStoreConfig): ObjectStore {
  switch (config.kind) {
    case 'filesystem':
      return new FileSystemObjectStore(config.root);
    case 's3':
      return new S3ObjectStore(config);
    default: {
      const unknownKind: never = config;
      throw new Error(`unknown object store ${JSON.stringify(unknownKind)}`);
    }
  }
}
