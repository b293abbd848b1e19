import { Command } from 'commander';
import { createApiKey, entryForKey, isRole, ROLES, type Role } from '@readmit/platform/auth';
import {
  createLocalKekFile,
  kekFromEnv,
  rotateKek,
  rotateWrappingKey,
  type KeyDatabase,
  type KeyEncryptionKey,
} from '@readmit/platform/privacy/keys';
import { InfraManager } from '../infra/infra-manager';
import { createInfraContext } from './infra.command';

interface KeyOptions {
  name: string;
  roles: string;
}

/** `read,operate` (or `read+operate`) as roles; throws naming what is not a role. */
export function parseRoleList(text: string): Role[] {
  const names = text
    .split(/[,+]/)
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  const unknown = names.filter((name) => !isRole(name));
  if (names.length === 0 || unknown.length > 0)
    throw new Error(
      `${names.length === 0 ? 'no role given' : `not a role: ${unknown.join(', ')}`} (roles: ${ROLES.join(', ')}; admin holds them all)`,
    );
  return [...new Set(names as Role[])];
}

/** What `keys create` prints: the key (once) and the entry that accepts it. */
export function createdKeyReport(name: string, roles: readonly Role[], key: string, entry: string) {
  return [
    `API key of ${name} (roles: ${roles.join(', ')}). It is shown only now: store it in a secret manager.`,
    '',
    `  ${key}`,
    '',
    'Add this entry to READMIT_API_KEYS (comma-separated) of each service that should accept the key',
    '(gateway, ingest, registry); it holds a salted scrypt hash, never the key:',
    '',
    `  ${entry}`,
  ];
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** The KEK `spec` names (local:<file> | aws-kms:<arn>), with READMIT_KMS_* from the environment. */
export function kekOf(spec: string | undefined, what: string): KeyEncryptionKey {
  if (!spec) throw new Error(`${what}: no KEK given (local:<key file> or aws-kms:<key ARN>)`);
  if (!/^(local:.+|aws-kms:.+)$/.test(spec))
    throw new Error(`${what} must be local:<key file> or aws-kms:<key ARN>`);
  const kek = kekFromEnv({
    READMIT_KEK: spec,
    READMIT_KMS_REGION: process.env.READMIT_KMS_REGION ?? 'us-east-1',
    READMIT_KMS_ENDPOINT: process.env.READMIT_KMS_ENDPOINT,
  });
  if (!kek) throw new Error(`${what}: no KEK given`);
  return kek;
}

/** The key database: READMIT_DATABASE_URL / _SCHEMA, else the local platform's Postgres. */
function keyDatabase(): KeyDatabase {
  return {
    databaseUrl:
      process.env.READMIT_DATABASE_URL ??
      new InfraManager(createInfraContext()).component('postgres').endpoint(),
    databaseSchema: process.env.READMIT_DATABASE_SCHEMA ?? 'public',
  };
}

/** An error as one line (an SDK or driver message may run over several). */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() || 'failed';
}

/** What `keys rotate-kek` prints once the wrapping keys are under the new KEK. */
export function kekRotationReport(rewrapped: number, from: string, to: string, spec: string) {
  if (rewrapped === 0)
    return [
      `no wrapping key was made yet: nothing to re-wrap; set READMIT_KEK=${spec} on every service`,
    ];
  return [
    `re-wrapped ${rewrapped} wrapping key${rewrapped === 1 ? '' : 's'} from ${from} to ${to}`,
    `now set READMIT_KEK=${spec} on every service and restart them: a service still on ${from} is refused`,
    'keep the old KEK until every service runs with the new one, then retire it',
  ];
}

export function keysCommand(): Command {
  const keys = new Command('keys').description(
    'API keys (create one, or hash an existing one, for READMIT_API_KEYS) and the local key-encryption key',
  );
  keys
    .command('create')
    .description('generate a random API key, print it once, and print its READMIT_API_KEYS entry')
    .requiredOption('--name <name>', 'the principal: who uses the key (recorded on decisions)')
    .requiredOption('--roles <roles>', `comma-separated: ${ROLES.join(', ')}`)
    .action(async (options: KeyOptions, command: Command) => {
      try {
        const roles = parseRoleList(options.roles);
        const { key, entry } = await createApiKey(options.name, roles);
        for (const line of createdKeyReport(options.name, roles, key, entry)) console.log(line);
      } catch (error) {
        command.error(`readmit keys create: ${(error as Error).message}`);
      }
    });
  keys
    .command('hash')
    .description('print the READMIT_API_KEYS entry of an existing rk_ key, read from stdin')
    .requiredOption('--name <name>', 'the principal: who uses the key')
    .requiredOption('--roles <roles>', `comma-separated: ${ROLES.join(', ')}`)
    .action(async (options: KeyOptions, command: Command) => {
      try {
        const roles = parseRoleList(options.roles);
        console.log(await entryForKey(await readStdin(), options.name, roles));
      } catch (error) {
        command.error(`readmit keys hash: ${(error as Error).message}`);
      }
    });
  keys
    .command('kek')
    .description(
      'create a local key-encryption key file (READMIT_KEK=local:<file>), readable by its owner only',
    )
    .requiredOption('--file <path>', 'where to write it; an existing file is never replaced')
    .action((options: { file: string }, command: Command) => {
      try {
        createLocalKekFile(options.file);
        console.log(`wrote a new key-encryption key to ${options.file} (mode 600)`);
        console.log(
          `set READMIT_KEK=local:${options.file} for the services that seal patient data`,
        );
        console.log('back it up: without it no sealed patient record can be read again');
      } catch (error) {
        command.error(`readmit keys kek: ${(error as Error).message}`);
      }
    });
  keys
    .command('rotate-kek')
    .description(
      're-wrap the wrapping key from the KEK in READMIT_KEK to another one (patient keys and the log are untouched)',
    )
    .requiredOption('--to <kek>', 'the new KEK: local:<key file> or aws-kms:<key ARN>')
    .action(async (options: { to: string }, command: Command) => {
      try {
        const from = kekOf(process.env.READMIT_KEK, 'READMIT_KEK (the current KEK)');
        const to = kekOf(options.to, '--to');
        const rotation = await rotateKek(keyDatabase(), from, to);
        for (const line of kekRotationReport(
          rotation.rewrapped,
          rotation.from,
          rotation.to,
          options.to,
        ))
          console.log(line);
      } catch (error) {
        command.error(`readmit keys rotate-kek: ${oneLine(error)}`);
      }
    });
  keys
    .command('rotate-wrapping')
    .description(
      'make a new wrapping key and re-wrap every patient key under it, then delete the old one (run again to continue after a failure)',
    )
    .option(
      '--keep-old',
      'keep the old wrapping key (services started before may still use it); run again without it to finish',
    )
    .action(async (options: { keepOld?: boolean }, command: Command) => {
      let progressShown = false;
      try {
        const kek = kekOf(process.env.READMIT_KEK, 'READMIT_KEK');
        const rotation = await rotateWrappingKey(keyDatabase(), kek, {
          keepRetired: options.keepOld ?? false,
          onProgress: ({ rewrapped, total }) => {
            progressShown = true;
            process.stderr.write(`\rre-wrapped ${rewrapped} / ${total} patient keys`);
          },
        });
        if (progressShown) process.stderr.write('\n');
        console.log(
          `${rotation.continued ? 'continued the rotation' : 'rotated'}: patient keys are wrapped under ${rotation.active}; ${rotation.rewrapped} re-wrapped in this run`,
        );
        if (rotation.deleted)
          console.log(
            `deleted the old wrapping key (${rotation.retired.join(', ')}): a backup of patient_data_keys from before opens nothing now`,
          );
        else
          console.log(
            `kept the old wrapping key (${rotation.retired.join(', ')}): restart the services, then run \`readmit keys rotate-wrapping\` again to delete it`,
          );
      } catch (error) {
        if (progressShown) process.stderr.write('\n');
        command.error(
          `readmit keys rotate-wrapping: ${oneLine(error)}${progressShown ? ' (run it again to continue the rotation)' : ''}`,
        );
      }
    });
  return keys;
}
