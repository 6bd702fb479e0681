import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  clearSessionCookies,
  CurrentSession,
  isSessionError,
  LogoutRoute,
  Public,
  RefreshToken,
  SessionService,
  setSessionCookies,
  type Session,
} from '../../lib/index.js';

/**
 * Refresh and logout for browser sessions held in the `DS` / `DSR` cookies (a login route sets
 * them: `POST /auth/login` in dev-issuer mode). The guard also refreshes by itself when the session
 * token has expired (`autoRefresh`); `/auth/refresh` is for a client that wants to do it ahead.
 * A `SessionError` thrown here is answered by the module's `SessionErrorFilter` (401, 503 ...).
 */
@Controller('auth')
export class AuthController {
  constructor(private readonly sessions: SessionService) {}

  @Post('refresh')
  @Public()
  @HttpCode(200)
  async refresh(@RefreshToken() refreshToken: string | undefined, @Res({ passthrough: true }) response: Response) {
    try {
      const refreshed = await this.sessions.refreshSession(refreshToken ?? '');
      setSessionCookies(response, refreshed, this.sessions.cookieOptions);
      return { userId: refreshed.session.userId, expiresAt: refreshed.expiresAt };
    } catch (error) {
      if (isSessionError(error) && error.reason === 'refresh_failed') clearSessionCookies(response, this.sessions.cookieOptions);
      throw error;
    }
  }

  /**
   * Ends the session everywhere and revokes its refresh token at the issuer. `@LogoutRoute()`: it
   * works during a revocation store outage too (refused here at once, delivered when it is back).
   */
  @Post('logout')
  @LogoutRoute()
  @HttpCode(204)
  async logout(@CurrentSession() session: Session, @RefreshToken() refreshToken: string | undefined, @Res({ passthrough: true }) response: Response): Promise<void> {
    clearSessionCookies(response, this.sessions.cookieOptions);
    await this.sessions.logout(session, { refreshToken });
  }
}
