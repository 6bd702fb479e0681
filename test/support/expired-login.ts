import type { SessionService } from '../../lib/index.js';
import type { OidcProviderServer, TokenResponse } from './oidc-provider.js';
import { waitFor } from './wait-for.js';

/** A login at `op` whose access token has expired (a provider issuing 1 s tokens, an app with no clock tolerance). */
export async function expiredLogin(op: OidcProviderServer, sessions: SessionService, user: string): Promise<TokenResponse> {
  const login = await op.authorizationCodeTokens(user);
  const reason = () => sessions.validateSession(login.access_token).then(() => 'valid', (error: { reason: string }) => error.reason);
  await waitFor(async () => (await reason()) === 'token_expired', 5000, 100);
  return login;
}
