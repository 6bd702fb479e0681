/**
 * What a revocation check needs to know about a session: never the token string (ECDSA
 * signatures are malleable, so one token has several valid spellings), only its claims.
 */
export interface RevocationSubject {
  /** `sid`, else `jti`. */
  readonly sessionId?: string;
  /** `sub`. */
  readonly userId: string;
  /**
   * When the session began, in epoch seconds: the earlier of `iat` and `auth_time`, so a token
   * refreshed after `logoutAll` from a login made before it is still refused. `undefined` when
   * the token carries neither (such a session cannot be shown to postdate a `logoutAll`).
   */
  readonly startedAt?: number;
}

/**
 * Where logouts are recorded and checked. The per-request `isRevoked` reads local state where it
 * can (see `RevocationLedger`), so steady state costs no network round trip. Session data
 * (`SessionDataStore`) and one-time ids (`ReplayStore`) are separate interfaces; the built-in
 * stores implement all three.
 *
 * Times are epoch milliseconds unless named otherwise; every record expires at its `until`.
 */
export interface RevocationStore {
  /** Called once when the module starts (connect, first sync). Must not throw for an unreachable backend. */
  start?(): Promise<void>;
  /** Called when the module stops. */
  close?(): Promise<void>;

  /** The session `sessionId` is refused until `until`. A write never weakens a stronger record. */
  revokeSession(sessionId: string, until: number): Promise<void>;
  /** Every session of `userId` that began at or before `cutoff` (epoch seconds) is refused, until `until`. */
  revokeUserSessions(userId: string, cutoff: number, until: number): Promise<void>;
  /**
   * `true` when the session is revoked. Throws `SessionError('revocation_unavailable')` when
   * the store cannot tell (a shared backend unreachable and nothing known locally).
   */
  isRevoked(subject: RevocationSubject): boolean | Promise<boolean>;
}
