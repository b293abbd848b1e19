import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Field names that can identify a patient. pino removes them from every log line, wherever they
 * sit in the logged object, so a careless `logger.info({ record })` cannot leak an identifier.
 */
export const PATIENT_IDENTIFIER_FIELDS = [
  'encounter_id',
  'patient_nbr',
  'encounterId',
  'patientNbr',
] as const;

const redactPaths = PATIENT_IDENTIFIER_FIELDS.flatMap((field) => [
  field,
  `*.${field}`,
  `*.*.${field}`,
]);

export interface LoggerSettings {
  readonly service: string;
  readonly level: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read the lines back. */
  readonly destination?: pino.DestinationStream;
}

/** Structured JSON logs, one object per line, with the service name on every line. */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: settings.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'message',
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: redactPaths, remove: true },
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}
