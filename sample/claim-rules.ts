import type { Session } from '../lib/index.js';

/**
 * Applied to every guarded route through the `claimValidators` option: a token the issuer marked
 * `suspended: true` is refused (403 `claims_failed`, naming `notSuspended`), except where a route
 * drops it with `@SkipGlobalClaims('notSuspended')`.
 */
export function notSuspended(session: Session): boolean {
  return session.claims.suspended !== true;
}
