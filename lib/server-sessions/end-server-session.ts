import { decodeJwt } from 'jose';
import type { LogoutOptions } from '../lifecycle/refreshed-session.js';
import { callProviderLogout, type ProviderLogoutHook } from '../login/provider-logout.js';
import type { ServerSessionRecord } from './server-session-record.js';

/** The `sid` (else `jti`) of a stored session token: it was validated when it was stored, and is only read here. */
function tokenSessionId(token: string): string | undefined {
  try {
    const { sid, jti } = decodeJwt(token);
    if (typeof sid === 'string' && sid.length) return sid;
    return typeof jti === 'string' && jti.length ? jti : undefined;
  } catch {
    return undefined;
  }
}

/**
 * After a server-side session's record is gone: its token's session is revoked on every
 * instance (so a copy of the token is refused too) with its session data, its refresh token
 * revoked at the provider (RFC 7009), and the provider's own session ended by the hook.
 */
export async function endServerSessionTokens(
  record: ServerSessionRecord,
  revoke: (sessionId: string, options: LogoutOptions) => Promise<void>,
  hook: ProviderLogoutHook | undefined,
  warn: (message: string) => void,
): Promise<void> {
  const sid = tokenSessionId(record.sessionToken);
  if (sid !== undefined) await revoke(sid, { issuer: record.issuer, ...(record.refreshToken !== undefined && { refreshToken: record.refreshToken }) });
  await callProviderLogout(
    hook,
    {
      userId: record.userId,
      issuer: record.issuer,
      sessionToken: record.sessionToken,
      ...(record.providerSessionId !== undefined && { providerSessionId: record.providerSessionId }),
      ...(record.idToken !== undefined && { idToken: record.idToken }),
    },
    warn,
  );
}
