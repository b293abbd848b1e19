import type { Request } from 'express';
import { headerValue, type Authentication, type CredentialSource } from './credentials';
import type { OidcVerifier } from './oidc-verifier';

const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

/** An OIDC access or ID token in `Authorization: Bearer <jwt>`. */
export class BearerCredentials implements CredentialSource {
  readonly asks = 'a bearer token in the Authorization header';

  constructor(private readonly verifier: OidcVerifier) {}

  async authenticate(request: Request): Promise<Authentication | undefined> {
    const header = headerValue(request, 'authorization');
    if (header === undefined || !/^bearer /i.test(header)) return undefined;
    const token = BEARER.exec(header)?.[1];
    if (token === undefined)
      return { refused: { status: 401, message: 'the bearer token is not accepted' } };
    return this.verifier.verify(token);
  }
}
