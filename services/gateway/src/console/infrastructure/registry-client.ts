import { registryClient, type Client, type RegistryPaths } from '@readmit/platform/api-client';
import { ON_BEHALF_OF_HEADER } from '@readmit/platform/auth';

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

/** What an openapi-fetch call settles to. */
interface Settled {
  readonly data?: unknown;
  readonly error?: unknown;
  readonly response: Response;
}

/**
 * The registry service's REST API (`/v1/models`), through the typed client generated from its
 * OpenAPI document (@readmit/platform/api-client, the one the CLI uses). The console reads
 * versions, decisions and comparisons from it, and sends promotions and rollbacks to it, so that
 * every decision is taken by the registry's own write side (its lock, log and policy). It calls
 * with the gateway's own API key; a command names the console user it is sent for, which the
 * registry records when it trusts the gateway's key to say so (READMIT_AUTH_DELEGATES).
 */
export class RegistryClient {
  private readonly client: Client<RegistryPaths>;

  constructor(
    private readonly baseUrl: string,
    apiKey: string | undefined,
    private readonly timeoutMs = 5_000,
    /** Another fetch (tests). */
    fetch?: (request: Request) => Promise<Response>,
  ) {
    this.client = registryClient({ baseUrl, apiKey, fetch });
  }

  models(): Promise<RegistryAnswer> {
    return this.answer(this.client.GET('/v1/models', { signal: this.deadline() }));
  }

  versions(name: string, limit: number): Promise<RegistryAnswer> {
    return this.answer(
      this.client.GET('/v1/models/{name}/versions', {
        params: { path: { name }, query: { limit } },
        signal: this.deadline(),
      }),
    );
  }

  version(name: string, version: string): Promise<RegistryAnswer> {
    return this.answer(
      this.client.GET('/v1/models/{name}/versions/{version}', {
        params: { path: { name, version } },
        signal: this.deadline(),
      }),
    );
  }

  compare(name: string, a: string, b: string): Promise<RegistryAnswer> {
    return this.answer(
      this.client.GET('/v1/models/{name}/compare', {
        params: { path: { name }, query: { a, b } },
        signal: this.deadline(),
      }),
    );
  }

  /** A promotion sent on behalf of `onBehalfOf` (a principal's name). */
  promote(
    name: string,
    version: string,
    body: { reason: string; force: boolean },
    onBehalfOf: string,
  ): Promise<RegistryAnswer> {
    return this.answer(
      this.client.POST('/v1/models/{name}/versions/{version}/promote', {
        params: { path: { name, version } },
        body,
        headers: { [ON_BEHALF_OF_HEADER]: onBehalfOf },
        signal: this.deadline(),
      }),
    );
  }

  /** A rollback sent on behalf of `onBehalfOf` (a principal's name). */
  rollback(
    name: string,
    body: { reason: string; toVersion?: string },
    onBehalfOf: string,
  ): Promise<RegistryAnswer> {
    return this.answer(
      this.client.POST('/v1/models/{name}/rollback', {
        params: { path: { name } },
        body,
        headers: { [ON_BEHALF_OF_HEADER]: onBehalfOf },
        signal: this.deadline(),
      }),
    );
  }

  private deadline(): AbortSignal {
    return AbortSignal.timeout(this.timeoutMs);
  }

  /** The answer as the console relays it: a body that is not JSON becomes `{ message }`. */
  private async answer(call: Promise<Settled>): Promise<RegistryAnswer> {
    let settled: Settled;
    try {
      settled = await call;
    } catch (error) {
      throw new RegistryUnavailableError(
        `the registry at ${new URL(this.baseUrl).origin} did not answer: ${(error as Error).message}`,
      );
    }
    const { data, error, response } = settled;
    const body = response.ok ? data : error;
    if (body === undefined || body === '') return { status: response.status, body: null };
    return {
      status: response.status,
      body: typeof body === 'string' ? { message: body.slice(0, 500) } : body,
    };
  }
}
