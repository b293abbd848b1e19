import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  ApiKeyVerifier,
  Authenticator,
  headerValue,
  keyIdOf,
  type Authentication,
  type CredentialSource,
} from '@readmit/platform/auth';
import type { Request } from 'express';

/** The MLflow routes: the registry API and artifact downloads. */
export const MLFLOW_PATH_PREFIX = '/api/2.0/mlflow';

/**
 * A Readmit API key sent as `Authorization: Bearer <key>`, on the MLflow routes only. MLflow's
 * clients send MLFLOW_TRACKING_TOKEN that way and have no setting for another header (only a
 * request-header plugin), so this is what lets `MLFLOW_TRACKING_TOKEN=rk_…` work. The key is
 * checked by the platform's verifier as in x-api-key, with the same principal and roles.
 * Registered after the platform's sources: x-api-key wins when both are sent, and where OIDC is
 * configured every bearer token is taken as an OIDC token (send one of those then).
 */
@Injectable()
export class MlflowTokenCredentials implements CredentialSource, OnModuleInit {
  constructor(
    @Inject(ApiKeyVerifier) private readonly verifier: ApiKeyVerifier,
    @Inject(Authenticator) private readonly authenticator: Authenticator,
  ) {}

  onModuleInit(): void {
    if (this.verifier.configured) this.authenticator.register(this);
  }

  async authenticate(request: Request): Promise<Authentication | undefined> {
    if (!request.path.startsWith(MLFLOW_PATH_PREFIX)) return undefined;
    const token = /^Bearer +(\S+) *$/i.exec(headerValue(request, 'authorization') ?? '')?.[1];
    if (token === undefined || keyIdOf(token) === undefined) return undefined;
    const principal = await this.verifier.verify(token);
    if (principal === 'busy')
      return {
        refused: { status: 429, message: 'too many API key checks at once: retry shortly' },
      };
    return principal
      ? { principal }
      : { refused: { status: 403, message: 'the API key is not accepted' } };
  }
}
