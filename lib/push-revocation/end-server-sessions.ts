import type { ServerSessionManager } from '../server-sessions/server-session-manager.js';
import type { PushedRevocation } from './pushed-revocation.js';

/**
 * Server-side sessions end with what the provider ended: every session of a user, or the ones
 * whose provider session id is the revoked `sid` (found among the user's sessions when the message
 * names the user; without a user, the revoked `sid` alone refuses their tokens). The provider is
 * not called back: it ended the session itself. Returns how many ended.
 */
export async function endServerSessions(manager: ServerSessionManager | undefined, revocation: PushedRevocation): Promise<number> {
  if (manager === undefined) return 0;
  if (!('sessionId' in revocation)) return (await manager.endAll(revocation.userId)).length;
  if (revocation.userId === undefined) return 0;
  let ended = 0;
  for (const record of await manager.list(revocation.userId)) {
    if (record.providerSessionId === revocation.sessionId && (await manager.end(record.id)) !== undefined) ended++;
  }
  return ended;
}
