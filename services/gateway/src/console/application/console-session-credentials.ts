import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Authenticator, type Authentication, type CredentialSource } from '@readmit/platform/auth';
import type { Request } from 'express';
import { ConsoleSessions, cookieValue, SESSION_COOKIE, SESSION_PATH } from './console-session';

/**
 * The console's session cookie as a credential, for `/console/*` only (the browser sends it
 * nowhere else; a script calling the prediction API uses its key). Registered with the
 * platform's Authenticator, after API keys and bearer tokens.
 */
@Injectable()
export class ConsoleSessionCredentials implements CredentialSource, OnModuleInit {
  constructor(
    @Inject(ConsoleSessions) private readonly sessions: ConsoleSessions,
    @Inject(Authenticator) private readonly authenticator: Authenticator,
  ) {}

  onModuleInit(): void {
    this.authenticator.register(this);
  }

  async authenticate(request: Request): Promise<Authentication | undefined> {
    if (!request.path.startsWith(`${SESSION_PATH}/`)) return undefined;
    const token = cookieValue(request.headers.cookie, SESSION_COOKIE);
    if (token === undefined || token === '') return undefined;
    const principal = this.sessions.principalOf(token, Date.now());
    return principal
      ? { principal }
      : { refused: { status: 401, message: 'the console session has ended: sign in again' } };
  }
}
