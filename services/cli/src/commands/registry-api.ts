import type { RegistryOutcome } from '@readmit/registry';
import { InfraError } from '../infra/infra-error';

/** How long a decision may take through the registry's REST API before the CLI gives up. */
const DECISION_TIMEOUT_MS = 30_000;

/**
 * The registry service's REST API, for decisions made as an authenticated principal: the API key
 * (READMIT_API_KEY, never a flag, so it stays out of shell history and `ps`) names who decided.
 */
export class RegistryApi {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  /** From the CLI's options and environment; undefined when no API is named. */
  static from(url: string | undefined, env: NodeJS.ProcessEnv): RegistryApi | undefined {
    if (!url) return undefined;
    const key = env.READMIT_API_KEY;
    if (!key)
      throw new InfraError(
        'deciding through the registry API needs an API key with the operate role in READMIT_API_KEY (create one with `readmit keys create`)',
      );
    return new RegistryApi(url.replace(/\/+$/, ''), key);
  }

  decide(path: string, body: Record<string, unknown>): Promise<RegistryOutcome> {
    return this.post(path, body);
  }

  /** Sends a file as the body (application/octet-stream) of a POST; the answer as JSON. */
  async upload<T>(path: string, bytes: Uint8Array, timeoutMs: number): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', 'x-api-key': this.apiKey },
        body: bytes,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new InfraError(
        `cannot reach the registry API at ${this.baseUrl}: ${(error as Error).message}`,
      );
    }
    const text = await response.text();
    if (response.ok) return JSON.parse(text) as T;
    throw new InfraError(`the registry answered ${response.status}: ${describeError(text)}`);
  }

  private async post(path: string, body: Record<string, unknown>): Promise<RegistryOutcome> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': this.apiKey },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(DECISION_TIMEOUT_MS),
      });
    } catch (error) {
      throw new InfraError(
        `cannot reach the registry API at ${this.baseUrl}: ${(error as Error).message}`,
      );
    }
    const text = await response.text();
    if (response.ok) return JSON.parse(text) as RegistryOutcome;
    throw new InfraError(`the registry answered ${response.status}: ${describeError(text)}`);
  }
}

/** The API's error body as one line: its message, the failed rules, the field errors. */
export function describeError(text: string): string {
  try {
    const body = JSON.parse(text) as {
      message?: unknown;
      criteria?: Array<{ name: string; passed: boolean }>;
      errors?: Array<{ field: string; message: string }>;
    };
    const message = typeof body.message === 'string' ? body.message : 'no message';
    const failed = (body.criteria ?? []).filter((rule) => !rule.passed).map((rule) => rule.name);
    const fields = (body.errors ?? []).map((error) => `${error.field}: ${error.message}`);
    return [
      message,
      failed.length > 0 ? `[failed: ${failed.join(', ')}]` : '',
      fields.length > 0 ? `(${fields.join('; ')})` : '',
    ]
      .filter((part) => part !== '')
      .join(' ');
  } catch {
    return text.slice(0, 200) || 'no body';
  }
}
