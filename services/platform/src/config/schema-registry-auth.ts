/** HTTP basic credentials for the schema registry (Confluent Cloud: its API key and secret). */
export interface SchemaRegistryAuth {
  readonly username: string;
  readonly password: string;
}

/**
 * The registry's basic credentials from READMIT_SCHEMA_REGISTRY_USERNAME and _PASSWORD: both or
 * neither, and never over plain http except to this machine (a password in the clear on the
 * network). The services' config and the CLI both read them through this.
 */
export function toSchemaRegistryAuth(env: {
  readonly READMIT_SCHEMA_REGISTRY_URL: string;
  readonly READMIT_SCHEMA_REGISTRY_USERNAME?: string;
  readonly READMIT_SCHEMA_REGISTRY_PASSWORD?: string;
}): { auth?: SchemaRegistryAuth; problems: string[] } {
  const username = env.READMIT_SCHEMA_REGISTRY_USERNAME || undefined;
  const password = env.READMIT_SCHEMA_REGISTRY_PASSWORD || undefined;
  if (username === undefined && password === undefined) return { problems: [] };
  if (username === undefined || password === undefined)
    return {
      problems: [
        'READMIT_SCHEMA_REGISTRY_USERNAME and READMIT_SCHEMA_REGISTRY_PASSWORD: set both or neither',
      ],
    };
  const url = new URL(env.READMIT_SCHEMA_REGISTRY_URL);
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !local)
    return {
      problems: [
        'READMIT_SCHEMA_REGISTRY_URL: use https with READMIT_SCHEMA_REGISTRY_PASSWORD (plain http sends it in the clear)',
      ],
    };
  return { auth: { username, password }, problems: [] };
}
