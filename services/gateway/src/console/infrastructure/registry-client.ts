import { API_KEY_HEADER, ON_BEHALF_OF_HEADER } from '@readmit/platform/auth';

/** What the registry answered: its status and JSON body, passed on to the console as they are. */
export interface RegistryAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** The registry could not be reached (down, or slower than the timeout). */
export class RegistryUnavailableError extends Error {
  readonly retriable = true;
  constructor(message: string) {
    super(message);
    this.name = 'RegistryUnavailableError';
  }
}

/**
 * The registry service's REST API (`/v1/models`), over HTTP. The console reads versions,
 * decisions and comparisons from it, and sends promotions and rollbacks to it, so that every
 * decision is taken by the registry's own write side (its lock, log and policy). It calls with
 * the gateway's own API key; a command names the console user it is sent for, which the
 * registry records when it trusts the gateway's key to say so (READMIT_AUTH_DELEGATES).
 */
export class RegistryClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string | undefined,
    private readonly timeoutMs = 5_000,
  ) {}

  get(path: string): Promise<RegistryAnswer> {
    return this.call('GET', path);
  }

  /** A command sent on behalf of `onBehalfOf` (a principal's name). */
  post(path: string, body: unknown, onBehalfOf: string): Promise<RegistryAnswer> {
    return this.call('POST', path, body, onBehalfOf);
  }

  private async call(
    method: string,
    path: string,
    body?: unknown,
    onBehalfOf?: string,
  ): Promise<RegistryAnswer> {
    const url = new URL(path, this.baseUrl);
    const headers: Record<string, string> = {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(this.apiKey === undefined ? {} : { [API_KEY_HEADER]: this.apiKey }),
      ...(onBehalfOf === undefined ? {} : { [ON_BEHALF_OF_HEADER]: onBehalfOf }),
    };
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new RegistryUnavailableError(
        `the registry at ${url.origin} did not answer: ${(error as Error).message}`,
      );
    }
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = { message: text.slice(0, 500) };
    }
    return { status: response.status, body: parsed };
  }
}
