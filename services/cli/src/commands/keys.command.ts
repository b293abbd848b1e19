import { Command } from 'commander';
import { createApiKey, entryForKey, isRole, ROLES, type Role } from '@readmit/platform/auth';
import { createLocalKekFile } from '@readmit/platform/privacy/keys';

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
  return keys;
}
