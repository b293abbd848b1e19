import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { dropTestSchema } from '../../../../../test/support/database';
import { testEndpoints, uniqueName } from '../../../../../test/support/endpoints';
import { EnvelopeKeyEncryptionKey } from './envelope-kek';
import { KeyUnwrapError } from './key-encryption-key';
import { WRAPPING_KEYS_TABLE, WrappingKeys } from './wrapping-keys';

describe('the wrapping key in Postgres, protected by the KEK', () => {
  const url = testEndpoints().databaseUrl;
  const schema = uniqueName('wk').replace(/-/g, '_');
  const kekBytes = randomBytes(32);
  const opened: WrappingKeys[] = [];
  const open = (kek = EnvelopeKeyEncryptionKey.local(kekBytes)) => {
    const keys = new WrappingKeys(url, schema, kek);
    opened.push(keys);
    return keys;
  };

  afterAll(async () => {
    await Promise.all(opened.map((keys) => keys.close()));
    await dropTestSchema(schema);
  });

  it('is made once, by whichever service asks first, and every service gets the same key', async () => {
    const keys = await Promise.all([open().active(), open().active(), open().active()]);
    for (const key of keys) {
      expect(key.id).toBe(keys[0].id);
      expect(key.key).toEqual(keys[0].key);
    }
    const client = new Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(`SELECT wrapped FROM "${schema}"."${WRAPPING_KEYS_TABLE}"`);
    await client.end();
    expect(rows).toHaveLength(1);
    expect((rows[0].wrapped as Buffer).includes(keys[0].key)).toBe(false);
  });

  it('cannot be opened with another KEK', async () => {
    const other = EnvelopeKeyEncryptionKey.local(randomBytes(32));
    await expect(open(other).active()).rejects.toThrow(
      /is protected by local:[0-9a-f]{16}, but this service is configured with local:/,
    );
  });

  it('is useless without the KEK that wrapped it', async () => {
    const { id } = await open().active();
    const client = new Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(`SELECT wrapped FROM "${schema}"."${WRAPPING_KEYS_TABLE}"`);
    await client.end();
    const other = EnvelopeKeyEncryptionKey.local(randomBytes(32));
    await expect(
      other.unwrap(rows[0].wrapped as Buffer, {
        purpose: 'readmit-patient-key-wrapping',
        wrappingKeyId: id,
      }),
    ).rejects.toBeInstanceOf(KeyUnwrapError);
  });
});
