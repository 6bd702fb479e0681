import type { Session } from '../claims/session.interface.js';
import type { RevocationSubject } from './revocation-store.interface.js';

function epochSeconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The claims a revocation is keyed on: `sid`/`jti` (as `sessionId`), `sub`, and `iat`/`auth_time`. */
export function revocationSubject(session: Session): RevocationSubject {
  const iat = epochSeconds(session.claims.iat);
  const authTime = epochSeconds(session.claims.auth_time);
  const starts = [iat, authTime].filter((value): value is number => value !== undefined);
  const startedAt = starts.length ? Math.min(...starts) : undefined;
  return {
    userId: session.userId,
    ...(session.sessionId !== undefined && { sessionId: session.sessionId }),
    ...(startedAt !== undefined && { startedAt }),
  };
}
