import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public, SessionService, setSessionCookies } from '../../lib/index.js';
import { DevIssuer } from './dev-issuer.js';
import { parseDevTokenRequest } from './dev-token-request.js';

/**
 * DEV ONLY. A browser login without a password: the session (same body as `POST /dev/token`) is
 * set in `HttpOnly` cookies that page scripts cannot read; the guard reads `DS`, refreshes with
 * `DSR` when `DS` expires, and `/auth/logout` ends it.
 */
@Public()
@Controller('auth')
export class DevLoginController {
  constructor(
    private readonly issuer: DevIssuer,
    private readonly sessions: SessionService,
  ) {}

  @Post('login')
  @HttpCode(200)
  async login(@Body() body: unknown, @Res({ passthrough: true }) response: Response) {
    const request = parseDevTokenRequest(body);
    const login = await this.issuer.login(request);
    setSessionCookies(response, login, this.sessions.cookieOptions);
    return { userId: request.sub, expiresAt: login.expiresAt };
  }
}
