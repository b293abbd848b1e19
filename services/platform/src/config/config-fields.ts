import { z } from 'zod';

/** A hostname (or IPv4 / bracketed IPv6 address) followed by a port, e.g. `localhost:9092`. */
const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;

export function parseHostPort(value: string): { host: string; port: number } | undefined {
  const match = HOST_PORT.exec(value.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1], port };
}

/** Comma-separated `host:port` list, validated entry by entry. */
export const kafkaBrokersField = z.string().transform((raw, ctx) => {
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'must list at least one broker as host:port' });
    return z.NEVER;
  }
  for (const entry of entries) {
    if (!parseHostPort(entry)) {
      ctx.addIssue({
        code: 'custom',
        message: `'${entry}' is not a broker address of the form host:port`,
      });
      return z.NEVER;
    }
  }
  return entries;
});

export const portField = z.coerce
  .number({ message: 'must be a port number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

/** A port to listen on; 0 asks the OS for a free one (tests run several services at once). */
export const listenPortField = z.coerce
  .number({ message: 'must be a port number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

export const httpUrlField = z
  .string()
  .url('must be a URL such as http://localhost:8081')
  .refine((url) => /^https?:\/\//.test(url), 'must be an http or https URL');

export const postgresUrlField = z
  .string()
  .url('must be a URL such as postgres://user@localhost:5432/readmit')
  .refine((url) => /^postgres(ql)?:\/\//.test(url), 'must start with postgres:// or postgresql://');

export const logLevelField = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);

export const booleanField = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');
