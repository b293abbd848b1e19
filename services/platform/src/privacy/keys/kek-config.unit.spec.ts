import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { createLocalKekFile, kekEnvShape, kekFromEnv, readLocalKek } from './kek-config';

describe('the KEK from the environment', () => {
  const folder = mkdtempSync(join(tmpdir(), 'readmit-kek-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const parse = (env: Record<string, string>) => z.object(kekEnvShape).parse(env);

  it('creates a local key file only its owner can read, and never replaces one', () => {
    const path = join(folder, 'kek');
    createLocalKekFile(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readLocalKek(path)).toHaveLength(32);
    const before = readFileSync(path, 'utf8');
    expect(() => createLocalKekFile(path)).toThrow(
      'replacing a KEK would make every patient key unreadable',
    );
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('names a local KEK by its fingerprint, the same from the same file', () => {
    const path = join(folder, 'kek-2');
    createLocalKekFile(path);
    const first = kekFromEnv(parse({ READMIT_KEK: `local:${path}` }));
    expect(first?.id).toMatch(/^local:[0-9a-f]{16}$/);
    expect(kekFromEnv(parse({ READMIT_KEK: `local:${path}` }))?.id).toBe(first?.id);
    expect(kekFromEnv(parse({}))).toBeUndefined();
  });

  it('refuses a key file others may read, a missing one, or one that is not a key, without quoting it', () => {
    const open = join(folder, 'open');
    writeFileSync(open, `${Buffer.alloc(32, 1).toString('base64')}\n`);
    chmodSync(open, 0o644);
    expect(() => readLocalKek(open)).toThrow(/may be read by others \(mode 644\): chmod 600 it/);
    expect(() => readLocalKek(join(folder, 'missing'))).toThrow('readmit keys kek --file');
    const short = join(folder, 'short');
    writeFileSync(short, 'c2hvcnQ=', { mode: 0o600 });
    const problem = (() => {
      try {
        readLocalKek(short);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(problem).toContain('does not hold a base64 256-bit key');
    expect(problem).not.toContain('c2hvcnQ');
  });

  it('takes an AWS KMS key with its region and endpoint', () => {
    const kek = kekFromEnv(
      parse({
        READMIT_KEK: 'aws-kms:arn:aws:kms:eu-west-1:123456789012:key/abc',
        READMIT_KMS_REGION: 'eu-west-1',
        READMIT_KMS_ENDPOINT: 'http://localhost:9000',
      }),
    );
    expect(kek?.id).toBe('aws-kms:arn:aws:kms:eu-west-1:123456789012:key/abc');
    expect(() => parse({ READMIT_KEK: 'vault:x' })).toThrow(
      'must be local:<key file> or aws-kms:<key ARN>',
    );
  });
});
