import {
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyVerifier, PublicRoute } from '@readmit/platform/auth';
import { DescribeRequest, JsonResponse, type AnswerOf } from '@readmit/platform/openapi';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { sessionAnswer } from './console-answers';
import { ConsoleSessions, cookieValue, SESSION_COOKIE, sessionCookie } from './console-session';
import { jsonBody } from './json-body';

export const signInBody = z.object({
  apiKey: z.string().min(1).describe('An API key: shown once, never kept in the cookie.'),
});

/**
 * `/console/api/session`: signing in and out of the web console, open like its page (a signed-in
 * browser then reaches the other `/console/api/*` routes with its session cookie).
 */
@ApiTags('console')
@PublicRoute()
@Controller('console/api/session')
export class ConsoleSessionController {
  constructor(
    @Inject(ApiKeyVerifier) private readonly keys: ApiKeyVerifier,
    @Inject(ConsoleSessions) private readonly sessions: ConsoleSessions,
  ) {}

  /** Signs in with an API key: a session cookie with its principal, never the key, comes back. */
  @Post()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Sign in with an API key: a session cookie comes back' })
  @DescribeRequest({
    body: { schema: signInBody },
    invalid: 'The body is not valid JSON.',
    errors: {
      403: 'The API key is not accepted.',
      429: 'Too many API key checks at once: retry shortly.',
    },
  })
  @ApiNoContentResponse({ description: 'Signed in: the Set-Cookie header holds the session.' })
  async signIn(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    const parsed = signInBody.safeParse(jsonBody(request));
    const principal = parsed.success ? await this.keys.verify(parsed.data.apiKey) : undefined;
    if (principal === 'busy')
      throw new HttpException(
        { message: 'too many API key checks at once: retry shortly' },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    if (!principal) throw new ForbiddenException({ message: 'the API key is not accepted' });
    const { token, maxAgeSeconds } = this.sessions.issue(principal, Date.now());
    response.setHeader('Set-Cookie', sessionCookie(token, maxAgeSeconds, request.secure));
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Sign out: the session cookie is removed' })
  @ApiNoContentResponse({ description: 'Signed out.' })
  signOut(@Req() request: Request, @Res({ passthrough: true }) response: Response): void {
    response.setHeader('Set-Cookie', sessionCookie('', 0, request.secure));
  }

  /** Whether this browser is signed in, and as whom: 200 either way, so a first visit logs no error. */
  @Get()
  @ApiOperation({ summary: 'Whether this browser is signed in, and as whom' })
  @JsonResponse(200, 'Signed in or not (200 either way).', sessionAnswer)
  session(@Req() request: Request): AnswerOf<typeof sessionAnswer> {
    const principal = this.sessions.principalOf(
      cookieValue(request.headers.cookie, SESSION_COOKIE),
      Date.now(),
    );
    return principal
      ? { signedIn: true, name: principal.id, roles: [...principal.roles] }
      : { signedIn: false };
  }
}
