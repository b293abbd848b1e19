import { KMS } from '@aws-crypto/kms-keyring-node';
import { randomBytes } from 'node:crypto';
import { testEndpoints } from '../../../../../test/support/endpoints';
import { EnvelopeKeyEncryptionKey } from './envelope-kek';
import { KeyUnwrapError } from './key-encryption-key';

/**
 * The AWS KMS adapter against a real KMS API: the local platform's S3 server is moto, which
 * serves KMS on the same endpoint. Keys are created per test run.
 */
describe('an AWS KMS key-encryption key (on the local platform’s KMS endpoint)', () => {
  const endpoint = testEndpoints().s3Endpoint;
  const credentials = { accessKeyId: 'readmit-test', secretAccessKey: 'readmit-test' };
  const region = 'us-east-1';
  const kms = new KMS({ region, endpoint, credentials });
  const context = { patient: 'pat_WqgcxhOw611n1E5WV6Ju7Q', purpose: 'patient-data' };

  const newKek = async () => {
    const created = await kms.createKey({ Description: 'readmit test KEK' });
    const keyId = created.KeyMetadata?.Arn as string;
    return {
      keyId,
      kek: EnvelopeKeyEncryptionKey.awsKms({ keyId, region, endpoint, credentials }),
    };
  };

  it('wraps a data key with KMS and unwraps it with the same key and context', async () => {
    const { keyId, kek } = await newKek();
    expect(kek.id).toBe(`aws-kms:${keyId}`);
    const dataKey = randomBytes(32);
    const wrapped = await kek.wrap(dataKey, context);
    expect(wrapped.includes(dataKey)).toBe(false);
    expect(Buffer.from(await kek.unwrap(wrapped, context))).toEqual(dataKey);
    await expect(kek.unwrap(wrapped, { ...context, patient: 'pat_other' })).rejects.toBeInstanceOf(
      KeyUnwrapError,
    );
  });

  it('cannot unwrap under another KMS key', async () => {
    const first = await newKek();
    const second = await newKek();
    const wrapped = await first.kek.wrap(randomBytes(32), context);
    await expect(second.kek.unwrap(wrapped, context)).rejects.toBeInstanceOf(KeyUnwrapError);
  });
});
