import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { EnvelopeKeyEncryptionKey } from './envelope-kek';
import type { KeyEncryptionKey } from './key-encryption-key';

/**
 * READMIT_KEK names the key-encryption key: `local:<file>` (a 256-bit key in a file only its
 * owner may read; the embedded default) or `aws-kms:<key ARN>` (READMIT_KMS_REGION, and
 * READMIT_KMS_ENDPOINT for a VPC endpoint or a test's KMS; AWS credentials from the usual
 * AWS_* variables or the instance role).
 */
export const kekEnvShape = {
  READMIT_KEK: z
    .string()
    .regex(/^(local:.+|aws-kms:.+)$/, 'must be local:<key file> or aws-kms:<key ARN>')
    .optional(),
  READMIT_KMS_REGION: z.string().min(1).default('us-east-1'),
  READMIT_KMS_ENDPOINT: z.url().optional(),
};

export type KekEnv = z.output<z.ZodObject<typeof kekEnvShape>>;

/** The KEK READMIT_KEK names; undefined when it names none. Errors never quote key material. */
export function kekFromEnv(env: KekEnv): KeyEncryptionKey | undefined {
  if (!env.READMIT_KEK) return undefined;
  if (env.READMIT_KEK.startsWith('local:'))
    return EnvelopeKeyEncryptionKey.local(readLocalKek(env.READMIT_KEK.slice('local:'.length)));
  return EnvelopeKeyEncryptionKey.awsKms({
    keyId: env.READMIT_KEK.slice('aws-kms:'.length),
    region: env.READMIT_KMS_REGION,
    ...(env.READMIT_KMS_ENDPOINT ? { endpoint: env.READMIT_KMS_ENDPOINT } : {}),
    ...(process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY
      ? {
          credentials: {
            accessKeyId: process.env.AWS_ACCESS_KEY_ID,
            secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
          },
        }
      : {}),
  });
}

/** A local KEK file: 32 random bytes as base64, readable by its owner only (like an SSH key). */
export function readLocalKek(path: string): Buffer {
  if (!existsSync(path))
    throw new Error(
      `READMIT_KEK: no key file at ${path} (create one with \`readmit keys kek --file ${path}\`)`,
    );
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0)
    throw new Error(
      `READMIT_KEK: ${path} may be read by others (mode ${mode.toString(8)}): chmod 600 it`,
    );
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`READMIT_KEK: ${path} does not hold a base64 256-bit key`);
  return key;
}

/** Writes a new local KEK file (mode 600); refuses to replace one: that would lose every key. */
export function createLocalKekFile(path: string): void {
  if (existsSync(path))
    throw new Error(`${path} exists: replacing a KEK would make every patient key unreadable`);
  writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
}
