import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  KmsKeyringNode,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
  type KeyringNode,
} from '@aws-crypto/client-node';
import { getClient, KMS } from '@aws-crypto/kms-keyring-node';
import { createHash } from 'node:crypto';
import {
  KeyUnwrapError,
  type EncryptionContext,
  type KeyEncryptionKey,
} from './key-encryption-key';

/**
 * Key commitment on both sides (a ciphertext opens under one key only), and a suite without a
 * message signature: data keys are wrapped and unwrapped by the same trusted services, and the
 * ECDSA signature would cost milliseconds per unwrap.
 */
const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
const SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;

/** The AWS Encryption SDK's raw AES keyring needs a namespace and a name for its key. */
const LOCAL_KEY_NAMESPACE = 'readmit';

export interface AwsKmsOptions {
  /** The KMS key's ARN (or id) that wraps the data keys. */
  readonly keyId: string;
  readonly region: string;
  /** Another KMS endpoint (a test's or a VPC endpoint); AWS's own by default. */
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * A KEK through the AWS Encryption SDK's envelope encryption: a wrapped data key is an SDK
 * message (its own message key wrapped by the keyring, the data key encrypted under it), with the
 * context bound and checked again on unwrap.
 */
export class EnvelopeKeyEncryptionKey implements KeyEncryptionKey {
  private constructor(
    readonly id: string,
    private readonly keyring: KeyringNode,
  ) {}

  /** A 256-bit key of our own (a local key file), named by its SHA-256 fingerprint. */
  static local(key: Uint8Array): EnvelopeKeyEncryptionKey {
    if (key.length !== 32) throw new Error(`a local KEK is 32 bytes, not ${key.length}`);
    const fingerprint = createHash('sha256').update(key).digest('hex').slice(0, 16);
    const keyring = new RawAesKeyringNode({
      keyNamespace: LOCAL_KEY_NAMESPACE,
      keyName: `local-${fingerprint}`,
      // The keyring keeps its own copy; the caller may wipe theirs.
      unencryptedMasterKey: new Uint8Array(key),
      wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    });
    return new EnvelopeKeyEncryptionKey(`local:${fingerprint}`, keyring);
  }

  /** A KMS key: data keys are wrapped by KMS itself, the KEK never leaves it. */
  static awsKms(options: AwsKmsOptions): EnvelopeKeyEncryptionKey {
    const clientProvider = getClient(KMS, {
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
    });
    const keyring = new KmsKeyringNode({ generatorKeyId: options.keyId, clientProvider });
    return new EnvelopeKeyEncryptionKey(`aws-kms:${options.keyId}`, keyring);
  }

  async wrap(dataKey: Uint8Array, context: EncryptionContext): Promise<Buffer> {
    const { result } = await encrypt(this.keyring, dataKey, {
      suiteId: SUITE,
      encryptionContext: { ...context },
    });
    return result;
  }

  async unwrap(wrapped: Uint8Array, context: EncryptionContext): Promise<Buffer> {
    let opened: Awaited<ReturnType<typeof decrypt>>;
    try {
      opened = await decrypt(this.keyring, wrapped);
    } catch (error) {
      throw new KeyUnwrapError(error instanceof Error ? error.message : String(error));
    }
    // The SDK authenticates the context it stored but does not compare it with ours: we do.
    const stored = opened.messageHeader.encryptionContext;
    for (const [name, value] of Object.entries(context))
      if (stored[name] !== value) throw new KeyUnwrapError(`it was wrapped for another ${name}`);
    return opened.plaintext;
  }
}
