import type { JWTPayload } from 'jose';
import { isPlainRecord } from '../claims/safe-values.js';
import { PushRejection } from './push-rejection.js';
import { userRevocation, type PushedRevocation } from './pushed-revocation.js';

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

function optionalId(payload: JWTPayload, claim: 'sid' | 'sub'): string | undefined {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw new PushRejection('invalid_request', `The logout token ${claim} must be a non-empty string`);
  return value;
}

/**
 * The claims OpenID Connect Back-Channel Logout 1.0 section 2.6 asks the RP to check once the
 * signature, `iss`, `aud`, `iat` and `typ` are: the back-channel logout event, no `nonce` (so an ID
 * token is never taken for a logout token), and `sid` and/or `sub`. `sid` ends that session;
 * `sub` alone ends every session of the user.
 */
export function readLogoutToken(payload: JWTPayload, logoutUser = false): PushedRevocation {
  const events = payload.events;
  if (!isPlainRecord(events) || !isPlainRecord(events[BACKCHANNEL_LOGOUT_EVENT])) {
    throw new PushRejection('invalid_request', `The logout token events must hold ${BACKCHANNEL_LOGOUT_EVENT} as an object`);
  }
  if (Object.hasOwn(payload, 'nonce')) throw new PushRejection('invalid_request', 'A logout token must not contain a nonce');
  const sid = optionalId(payload, 'sid');
  const sub = optionalId(payload, 'sub');
  // `logoutUser`: the app's session tokens carry no provider `sid`, so only `sub` can find them.
  if (sub !== undefined && (sid === undefined || logoutUser)) return userRevocation(sub);
  if (sid !== undefined) return { sessionId: sid, ...(sub !== undefined && { userId: sub }) };
  throw new PushRejection('invalid_request', 'The logout token has neither sid nor sub');
}
