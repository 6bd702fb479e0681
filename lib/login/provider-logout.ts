/** What a provider's own logout gets (Transmit: `POST /v1/auth/session/logout` with the `session_id`). */
export interface ProviderLogoutContext {
  readonly userId: string;
  readonly issuer: string;
  /** The provider's session id: the ID token's `sid`, or what the login stored (Transmit's `session_id`). */
  readonly providerSessionId?: string;
  readonly idToken?: string;
  /** The session token, when the module still holds it (server-side sessions, or the logout request's cookie). */
  readonly sessionToken?: string;
}

/**
 * Called on every logout the module performs (the logout route, `logout(sessionId)` and
 * `logoutAll` of server-side sessions), after the local session has ended and the refresh token
 * was revoked (RFC 7009). A failure is logged; the local logout stands.
 */
export type ProviderLogoutHook = (context: ProviderLogoutContext) => void | Promise<void>;

/** Runs the hook; its failure is logged, never thrown: the local logout has already happened. */
export async function callProviderLogout(hook: ProviderLogoutHook | undefined, context: ProviderLogoutContext, warn: (message: string) => void): Promise<void> {
  if (hook === undefined) return;
  try {
    await hook(context);
  } catch (error) {
    warn(`providerLogout failed for user ${context.userId}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
