import { Command } from 'commander';
import { isPseudonym } from '@readmit/contracts';
import { canonicalClearId } from '@readmit/ml';
import { describeErrorBody, ingestClient, type IngestPaths } from '@readmit/platform/api-client';
import { pseudonymizerFromEnv } from '@readmit/platform/privacy';
import { InfraError } from '../infra/infra-error';

/** Where ingest answers when nothing says otherwise: its port in docker-compose.yml. */
const DEFAULT_INGEST_API = 'http://localhost:3001';
const FORGET_TIMEOUT_MS = 30_000;

interface ForgetOptions {
  readonly api?: string;
}

/** What ingest answers (200): its OpenAPI document's schema. */
type ForgetAnswer =
  IngestPaths['/v1/patients/{patient}/forget']['post']['responses'][200]['content']['application/json'];

/**
 * The patient pseudonym of what was given: a `pat_…` pseudonym as is, a raw patient number
 * pseudonymised under READMIT_PSEUDONYM_KEY. The raw value is never repeated in a message.
 */
export function patientPseudonymOf(given: string, env: NodeJS.ProcessEnv): string {
  if (isPseudonym('patient', given)) return given;
  const canonical = canonicalClearId(given);
  if (canonical === null)
    throw new InfraError(
      'give a patient pseudonym (pat_…) or a patient number (a positive whole number of at most 15 digits)',
    );
  return pseudonymizerFromEnv('readmit patients forget', env).pseudonymOf('patient', canonical);
}

/** What the ingest API's refusal means to the operator, on one line. */
function refusal(status: number, body: unknown): string {
  const said = `ingest answered ${status}: ${describeErrorBody(body)}`;
  return status === 401 || status === 403
    ? `${said} (READMIT_API_KEY must hold a key ingest accepts, with the operate role)`
    : said;
}

/** Asks ingest to forget a patient, as the principal of READMIT_API_KEY (the typed client). */
export async function forgetThroughApi(
  baseUrl: string,
  apiKey: string,
  patient: string,
  fetch?: (request: Request) => Promise<Response>,
): Promise<ForgetAnswer> {
  const ingest = ingestClient({ baseUrl, apiKey, timeoutMs: FORGET_TIMEOUT_MS, fetch });
  const answer = await ingest
    .POST('/v1/patients/{patient}/forget', { params: { path: { patient } } })
    .catch((error: unknown) => {
      throw new InfraError(
        `cannot reach the ingest API at ${baseUrl}: ${(error as Error).message} (is ingest running? --api or READMIT_INGEST_API names it)`,
      );
    });
  if (answer.data === undefined)
    throw new InfraError(refusal(answer.response.status, answer.error));
  return answer.data;
}

/**
 * `readmit patients forget <patient>`: crypto-shredding (issue 23) through ingest's REST API.
 * The API key (READMIT_API_KEY, never a flag) names who asked; it needs the operate role.
 */
export function patientsCommand(): Command {
  const patients = new Command('patients').description(
    'patients as a whole: forgetting one (docs/security.md, "Forgetting a patient")',
  );
  patients
    .command('forget')
    .description(
      "destroy a patient's data key through ingest, so their sealed records open for no one, and announce it on patient.forgotten",
    )
    .argument(
      '<patient>',
      'the patient pseudonym (pat_…) or patient number (READMIT_PSEUDONYM_KEY)',
    )
    .option(
      '--api <url>',
      `the ingest REST API (default: READMIT_INGEST_API or ${DEFAULT_INGEST_API})`,
    )
    .action(async (given: string, options: ForgetOptions) => {
      const patient = patientPseudonymOf(given, process.env);
      const apiKey = process.env.READMIT_API_KEY;
      if (!apiKey)
        throw new InfraError(
          'forgetting a patient needs an API key with the operate role in READMIT_API_KEY (create one with `readmit keys create`)',
        );
      const baseUrl = (options.api ?? process.env.READMIT_INGEST_API ?? DEFAULT_INGEST_API).replace(
        /\/+$/,
        '',
      );
      const answer = await forgetThroughApi(baseUrl, apiKey, patient);
      console.log(
        answer.keyDestroyed
          ? `patient ${answer.patient} forgotten: data key destroyed (PatientForgotten ${answer.eventId})`
          : `patient ${answer.patient} had no data key (nothing sealed yet, or forgotten before); PatientForgotten ${answer.eventId} published again`,
      );
    });
  return patients;
}
