import type { JWTPayload } from 'jose';
import { isPlainRecord } from '../claims/safe-values.js';
import { PushRejection } from './push-rejection.js';
import { userRevocation, type PushedRevocation } from './pushed-revocation.js';

const CAEP = 'https://schemas.openid.net/secevent/caep/event-type/';
const RISC = 'https://schemas.openid.net/secevent/risc/event-type/';

/** CAEP: the subject's session ended (all of the user's sessions when the subject is the user). */
export const SESSION_REVOKED_EVENT = `${CAEP}session-revoked`;

/** Events after which no session of the user may go on. */
export const USER_REVOKING_EVENTS: ReadonlySet<string> = new Set([
  `${CAEP}credential-change`,
  `${RISC}credential-change`,
  `${RISC}credential-compromise`,
  `${RISC}account-disabled`,
  `${RISC}account-purged`,
  `${RISC}sessions-revoked`,
]);

type Subject = { readonly sessionId?: string; readonly userId?: string };

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * A subject identifier (RFC 9493, as SSF uses it): `iss_sub` names a user of one of our issuers,
 * `opaque` the session (in `session-revoked`) or the user (elsewhere), `complex` both. Other formats
 * (email, phone number ...) name nothing a session token carries.
 */
function readSubject(id: unknown, issuers: readonly string[], opaqueIsSession: boolean): Subject {
  if (!isPlainRecord(id)) return {};
  switch (id.format) {
    case 'iss_sub':
      return typeof id.iss === 'string' && issuers.includes(id.iss) ? { userId: nonEmpty(id.sub) } : {};
    case 'opaque':
      return opaqueIsSession ? { sessionId: nonEmpty(id.id) } : { userId: nonEmpty(id.id) };
    case 'complex': {
      const session = readSubject(id.session, issuers, true).sessionId;
      const user = readSubject(id.user, issuers, false).userId;
      return { ...(session !== undefined && { sessionId: session }), ...(user !== undefined && { userId: user }) };
    }
    default:
      return {};
  }
}

/** SSF 1.0 puts the subject in `sub_id`; earlier CAEP and RISC drafts in the event's `subject`; RFC 8417 allows `sub`. */
function subjectOf(payload: JWTPayload, event: Record<string, unknown>, issuers: readonly string[], isSessionEvent: boolean): Subject {
  for (const id of [payload.sub_id, event.subject]) {
    const subject = readSubject(id, issuers, isSessionEvent);
    if (subject.sessionId !== undefined || subject.userId !== undefined) return subject;
  }
  return { userId: nonEmpty(payload.sub) };
}

/**
 * What a verified Security Event Token (RFC 8417) revokes. Unknown events, and known ones whose
 * subject cannot be matched to a session, revoke nothing (they are still acknowledged).
 */
export function readSecurityEvents(payload: JWTPayload, issuers: readonly string[]): PushedRevocation[] {
  const events = payload.events;
  if (!isPlainRecord(events) || Object.keys(events).length === 0) throw new PushRejection('invalid_request', 'The SET events claim must be an object with at least one event');
  if (Object.hasOwn(payload, 'nonce')) throw new PushRejection('invalid_request', 'A SET must not contain a nonce');
  const revocations: PushedRevocation[] = [];
  for (const [type, event] of Object.entries(events)) {
    if (!isPlainRecord(event)) throw new PushRejection('invalid_request', `The SET event ${type} must be an object`);
    const isSessionEvent = type === SESSION_REVOKED_EVENT;
    if (!isSessionEvent && !USER_REVOKING_EVENTS.has(type)) continue;
    const subject = subjectOf(payload, event, issuers, isSessionEvent);
    if (isSessionEvent && subject.sessionId !== undefined) revocations.push({ sessionId: subject.sessionId, ...(subject.userId !== undefined && { userId: subject.userId }) });
    else if (subject.userId !== undefined) revocations.push(userRevocation(subject.userId));
  }
  return revocations;
}
