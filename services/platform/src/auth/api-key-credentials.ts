import type { Request } from 'express';
import type { ApiKeyVerifier } from './api-key-verifier';
import { headerValue, type Authentication, type CredentialSource } from './credentials';

export const API_KEY_HEADER = 'x-api-key';

/** An API key in `x-api-key`. A key that is not accepted is refused with 403, as it always was. */
export class ApiKeyCredentials implements CredentialSource {
  readonly asks = `an API key in the ${API_KEY_HEADER} header`;

  constructor(private readonly verifier: ApiKeyVerifier) {}

  async authenticate(request: Request): Promise<Authentication | undefined> {
    const presented = headerValue(request, API_KEY_HEADER);
    if (presented === undefined) return undefined;
    const principal = await this.verifier.verify(presented);
    if (principal === 'busy')
      return {
        refused: { status: 429, message: 'too many API key checks at once: retry shortly' },
      };
    return principal
      ? { principal }
      : { refused: { status: 403, message: 'the API key is not accepted' } };
  }
}
