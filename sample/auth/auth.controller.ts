import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  clearSessionCookies,
  cookieTokenExtractor,
  CurrentSession,
  isSessionError,
  Public,
  SessionService,
  setSessionCookies,
  toHttpAnswer,
  type Session,
} from '../../lib/index.js';

/**
 * Refresh and logout for browser sessions held in the `DS` / `DSR` cookies (a login route sets
 * them: `POST /auth/login` in dev-issuer mode). The guard also refreshes by itself when the session
 * token has expired (`autoRefresh`); `/auth/refresh` is for a client that wants to do it ahead.
 */
@Controller('auth')
export class AuthController {
  constructor(private readonly sessions: SessionService) {}

  @Post('refresh')
  @Public()
  @HttpCode(200)
  async refresh(@Req() request: Request, @Res({ passthrough: true }) response: Response) {
    const refreshToken = this.refreshCookie(request);
    try {
      const refreshed = await this.sessions.refreshSession(refreshToken ?? '');
      setSessionCookies(response, refreshed, this.sessions.cookieOptions);
      return { userId: refreshed.session.userId, expiresAt: refreshed.expiresAt };
    } catch (error) {
      if (isSessionError(error) && error.reason === 'refresh_failed') clearSessionCookies(response, this.sessions.cookieOptions);
      throw isSessionError(error) ? toHttpAnswer(error).exception : error;
    }
  }

  /** Ends the session everywhere at once and revokes its refresh token at the issuer. */
  @Post('logout')
  @HttpCode(204)
  async logout(@CurrentSession() session: Session, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    clearSessionCookies(response, this.sessions.cookieOptions);
    const refreshToken = this.refreshCookie(request);
    try {
      await this.sessions.logout(session, refreshToken === undefined ? {} : { refreshToken });
    } catch (error) {
      throw isSessionError(error) ? toHttpAnswer(error).exception : error;
    }
  }

  private refreshCookie(request: Request): string | undefined {
    const name = this.sessions.cookieOptions.refreshCookieName ?? 'DSR';
    return cookieTokenExtractor(name)({ cookieHeader: request.headers.cookie, header: () => undefined, raw: request });
  }
}
