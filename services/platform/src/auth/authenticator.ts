import type { Request } from 'express';
import type { Authentication, CredentialSource } from './credentials';

/**
 * The ways this service accepts a credential, asked in order (API key, bearer token, then any a
 * service adds, such as the gateway console's session cookie); the first source that finds its
 * credential in a request decides. A request with none is refused with 401, saying what to send.
 */
export class Authenticator {
  private readonly sources: CredentialSource[] = [];

  constructor(sources: readonly CredentialSource[] = []) {
    this.sources.push(...sources);
  }

  /** Adds a way to authenticate (a service's own, e.g. a session cookie). */
  register(source: CredentialSource): void {
    this.sources.push(source);
  }

  /** Whether any credential can be accepted at all. */
  get configured(): boolean {
    return this.sources.length > 0;
  }

  async authenticate(request: Request): Promise<Authentication> {
    for (const source of this.sources) {
      const result = await source.authenticate(request);
      if (result) return result;
    }
    return { refused: { status: 401, message: this.missingMessage() } };
  }

  private missingMessage(): string {
    const asks = this.sources.flatMap((source) => (source.asks ? [source.asks] : []));
    return asks.length === 0
      ? 'this service accepts no credentials: configure READMIT_API_KEYS or READMIT_OIDC_ISSUER'
      : `send ${asks.join(' or ')}`;
  }
}
