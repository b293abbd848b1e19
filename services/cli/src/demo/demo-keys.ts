import { createApiKey, entryForKey } from '@readmit/platform/auth';

/** The principal a demo run's operator key names (recorded on console decisions). */
export const DEMO_OPERATOR = 'demo-operator';
/** The gateway's own principal, trusted by the registry to act for the console's user. */
export const DEMO_GATEWAY = 'demo-gateway';

/** A demo run's API keys; the services get only the entries (salted hashes). */
export interface DemoKeys {
  /** The person running the demo (role admin): REST predictions and the web console. */
  readonly apiKey: string;
  /** The gateway's key for the registry (read and operate). */
  readonly gatewayKey: string;
  /** READMIT_API_KEYS of the gateway, ingest, registry and trainer: both keys' entries. */
  readonly entries: string;
}

/** Fresh keys for a run, the operator's being `given` (READMIT_DEMO_API_KEY) when set. */
export async function demoKeys(given?: string): Promise<DemoKeys> {
  let operator: { key: string; entry: string };
  if (given === undefined || given === '') operator = await createApiKey(DEMO_OPERATOR, ['admin']);
  else {
    const entry = await entryForKey(given, DEMO_OPERATOR, ['admin']).catch((error: Error) => {
      throw new Error(`READMIT_DEMO_API_KEY: ${error.message}; \`readmit keys create\` makes one`);
    });
    operator = { key: given, entry };
  }
  const gateway = await createApiKey(DEMO_GATEWAY, ['read', 'operate']);
  return {
    apiKey: operator.key,
    gatewayKey: gateway.key,
    entries: [operator.entry, gateway.entry].join(','),
  };
}

/** The key variables of one demo service (none for those without routes that need a role). */
export function demoKeyEnv(keys: DemoKeys, service: string): Record<string, string> {
  switch (service) {
    case 'gateway':
      return { READMIT_API_KEYS: keys.entries, READMIT_REGISTRY_API_KEY: keys.gatewayKey };
    case 'registry':
      return { READMIT_API_KEYS: keys.entries, READMIT_AUTH_DELEGATES: DEMO_GATEWAY };
    case 'ingest':
    case 'trainer':
      return { READMIT_API_KEYS: keys.entries };
    default:
      return {};
  }
}
