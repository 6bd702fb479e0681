import type { Session } from '../claims/session.interface.js';

/**
 * When the verifier stops accepting this session's token, not counting clock tolerance (the
 * cache is never more lenient than a fresh verification): its `exp`, or `iat + maxTokenAge`
 * when that comes sooner. Epoch milliseconds.
 */
export function sessionValidUntil(session: Session, maxTokenAgeSeconds: number | undefined): number {
  const expiry = session.expiresAt.getTime();
  if (maxTokenAgeSeconds === undefined || session.issuedAt === undefined) return expiry;
  return Math.min(expiry, session.issuedAt.getTime() + maxTokenAgeSeconds * 1000);
}
