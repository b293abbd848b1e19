import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { assertValidKey, ObjectNotFoundError, type ObjectStore } from './object-store.port';

export interface S3ObjectStoreSettings {
  readonly bucket: string;
  readonly region: string;
  readonly endpoint?: string;
  readonly forcePathStyle: boolean;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** Objects in one S3 bucket (AWS, MinIO or any S3-protocol server). */
export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;

  constructor(private readonly settings: S3ObjectStoreSettings) {
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials: settings.credentials ? { ...settings.credentials } : undefined,
    });
  }

  uriFor(key: string): string {
    assertValidKey(key);
    return `s3://${this.settings.bucket}/${key}`;
  }

  keyOf(uri: string): string {
    const prefix = `s3://${this.settings.bucket}/`;
    if (!uri.startsWith(prefix))
      throw new Error(`'${uri}' is not in bucket ${this.settings.bucket}`);
    const key = uri.slice(prefix.length);
    assertValidKey(key);
    return key;
  }

  /** Creates the bucket when it does not exist yet; safe to call on every start. */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }));
    } catch (error) {
      if (!(error instanceof NotFound) && (error as { name?: string }).name !== 'NotFound')
        throw error;
      await this.client.send(new CreateBucketCommand({ Bucket: this.settings.bucket }));
    }
  }

  async put(
    key: string,
    body: Uint8Array,
    contentType = 'application/octet-stream',
  ): Promise<string> {
    assertValidKey(key);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.settings.bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
      }),
    );
    return this.uriFor(key);
  }

  async get(key: string): Promise<Buffer> {
    assertValidKey(key);
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.settings.bucket, Key: key }),
      );
      if (!response.Body) throw new ObjectNotFoundError(key);
      return Buffer.from(await response.Body.transformToByteArray());
    } catch (error) {
      if (error instanceof NoSuchKey) throw new ObjectNotFoundError(key);
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    assertValidKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: key }));
      return true;
    } catch (error) {
      if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound')
        return false;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: key }));
  }

  destroy(): void {
    this.client.destroy();
  }
}
