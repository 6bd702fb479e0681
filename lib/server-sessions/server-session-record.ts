/** One server-side session as the store keeps it. Times are epoch milliseconds. */
export interface ServerSessionRecord {
  /** The public handle (`listSessions`, `logout(sessionId)`): a digest of the cookie value, never the value itself. */
  readonly id: string;
  readonly userId: string;
  /** The issuer whose token endpoint refreshes it. */
  readonly issuer: string;
  /** The session token the guard validates (access or ID token, as `sessionTokenFrom` says); sealed when an encryption key is set. */
  readonly sessionToken: string;
  readonly refreshToken?: string;
  /** Kept for RP-initiated logout (`id_token_hint`). */
  readonly idToken?: string;
  /** The provider's own session id (the ID token's `sid`, Transmit's `session_id`), for provider logout. */
  readonly providerSessionId?: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  /** Absolute end: `createdAt + absoluteLifetime`. */
  readonly expiresAt: number;
  readonly userAgent?: string;
}

/** What `SessionService.listSessions(userId)` gives for each session: no token in it. */
export interface ServerSessionInfo {
  readonly id: string;
  readonly userId: string;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly expiresAt: Date;
  readonly userAgent?: string;
}

export function sessionInfo(record: ServerSessionRecord): ServerSessionInfo {
  return Object.freeze({
    id: record.id,
    userId: record.userId,
    createdAt: new Date(record.createdAt),
    lastSeenAt: new Date(record.lastSeenAt),
    expiresAt: new Date(record.expiresAt),
    ...(record.userAgent !== undefined && { userAgent: record.userAgent }),
  });
}
