import {
  describeErrorBody,
  registryClient,
  type Client,
  type RegistryPaths,
} from '@readmit/platform/api-client';
import type { RegistryOutcome } from '@readmit/registry';
import { InfraError } from '../infra/infra-error';

/** How long a decision may take through the registry's REST API before the CLI gives up. */
const DECISION_TIMEOUT_MS = 30_000;

type Import = RegistryPaths['/v1/models/{name}/imports']['post'];

/** An import's query: what the document names, and the `claimed.<metric>` numbers beside them. */
export type ImportQuery = NonNullable<Import['parameters']['query']> & {
  readonly [claimed: `claimed.${string}`]: number | string;
};

/** What the registry answers an import with (202). */
export type ImportAccepted = Import['responses'][202]['content']['application/json'];

/** What an openapi-fetch call settles to: the answer, or the error body, and the response. */
interface Answer<T> {
  readonly data?: T;
  readonly error?: unknown;
  readonly response: Response;
}

/**
 * The registry service's REST API, through the typed client generated from its OpenAPI document
 * (@readmit/platform/api-client), for decisions made as an authenticated principal: the API key
 * (READMIT_API_KEY, never a flag, so it stays out of shell history and `ps`) names who decided.
 */
export class RegistryApi {
  private readonly client: Client<RegistryPaths>;

  constructor(
    private readonly baseUrl: string,
    apiKey: string,
    /** Another fetch (tests). */
    fetch?: (request: Request) => Promise<Response>,
  ) {
    this.client = registryClient({ baseUrl, apiKey, fetch });
  }

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

  promote(model: string, version: string, body: { reason: string; force: boolean }) {
    return this.decided(
      this.client.POST('/v1/models/{name}/versions/{version}/promote', {
        params: { path: { name: model, version } },
        body,
        signal: AbortSignal.timeout(DECISION_TIMEOUT_MS),
      }),
    );
  }

  challenge(model: string, version: string, body: { reason: string }) {
    return this.decided(
      this.client.POST('/v1/models/{name}/versions/{version}/challenge', {
        params: { path: { name: model, version } },
        body,
        signal: AbortSignal.timeout(DECISION_TIMEOUT_MS),
      }),
    );
  }

  reject(model: string, version: string, body: { reason: string }) {
    return this.decided(
      this.client.POST('/v1/models/{name}/versions/{version}/reject', {
        params: { path: { name: model, version } },
        body,
        signal: AbortSignal.timeout(DECISION_TIMEOUT_MS),
      }),
    );
  }

  rollback(model: string, body: { reason: string; toVersion?: string }) {
    return this.decided(
      this.client.POST('/v1/models/{name}/rollback', {
        params: { path: { name: model } },
        body,
        signal: AbortSignal.timeout(DECISION_TIMEOUT_MS),
      }),
    );
  }

  /** Uploads an ONNX model (the body, application/octet-stream) to be judged and decided on. */
  async importModel(
    model: string,
    query: ImportQuery,
    /** Not shared memory: a Blob copies it as it is. */
    bytes: Uint8Array<ArrayBuffer>,
    timeoutMs: number,
  ): Promise<ImportAccepted> {
    return this.answered(
      this.client.POST('/v1/models/{name}/imports', {
        params: { path: { name: model }, query },
        body: new Blob([bytes]),
        // The file as it is, not as JSON.
        bodySerializer: (body) => body,
        headers: { 'content-type': 'application/octet-stream' },
        signal: AbortSignal.timeout(timeoutMs),
      }),
    );
  }

  /**
   * A decision's answer. The document gives it no schema yet (a JSON object): it is the
   * registry's RegistryOutcome, the type its controller returns.
   */
  private async decided(call: Promise<Answer<unknown>>): Promise<RegistryOutcome> {
    return (await this.answered(call)) as RegistryOutcome;
  }

  private async answered<T>(call: Promise<Answer<T>>): Promise<T> {
    let answer: Answer<T>;
    try {
      answer = await call;
    } catch (error) {
      throw new InfraError(
        `cannot reach the registry API at ${this.baseUrl}: ${(error as Error).message}`,
      );
    }
    if (answer.response.ok && answer.data !== undefined) return answer.data;
    throw new InfraError(
      `the registry answered ${answer.response.status}: ${describeErrorBody(answer.error)}`,
    );
  }
}
