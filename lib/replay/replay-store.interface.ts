/**
 * One-time identifiers shared by every instance: a DPoP proof's `jti`, a logout token's `jti`,
 * a Security Event Token's `jti`. Exactly one claim of an id succeeds until it expires.
 */
export interface ReplayStore {
  /** Called once when the module starts. Must not throw for an unreachable backend. */
  start?(): Promise<void>;
  /** Called when the module stops. */
  close?(): Promise<void>;

  /**
   * Claims `id` until `until` (epoch ms). `true` for the first claim, `false` when it was already
   * claimed (a replay). Throws `SessionError('revocation_unavailable')` when a shared backend
   * cannot answer.
   */
  claimOnce(id: string, until: number): Promise<boolean>;
}

export function isReplayStore(value: unknown): value is ReplayStore {
  return typeof value === 'object' && value !== null && typeof (value as { claimOnce?: unknown }).claimOnce === 'function';
}
