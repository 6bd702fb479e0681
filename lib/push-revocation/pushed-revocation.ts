import type { RevocationStore } from '../revocation/revocation-store.interface.js';

/**
 * What a pushed token ends: one session (`sid`, with its user when the message names one), or
 * every session of a user begun before `cutoff` (epoch s).
 */
export type PushedRevocation = { readonly sessionId: string; readonly userId?: string } | { readonly userId: string; readonly cutoff: number };

/**
 * Records the revocation in the shared store, so every instance refuses it. The session's expiry
 * is unknown to the provider's message, so the record lasts as long as a login may (`lifetimeMs`).
 */
export async function applyRevocation(store: RevocationStore, revocation: PushedRevocation, lifetimeMs: number, now = Date.now()): Promise<void> {
  const until = now + lifetimeMs;
  if ('sessionId' in revocation) await store.revokeSession(revocation.sessionId, until);
  else await store.revokeUserSessions(revocation.userId, revocation.cutoff, until);
}

/** A user revocation as of now. */
export function userRevocation(userId: string, now = Date.now()): PushedRevocation {
  return { userId, cutoff: Math.floor(now / 1000) };
}
