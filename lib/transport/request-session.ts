import type { Session, TenantContext } from '../claims/session.interface.js';

interface RequestSession {
  readonly session: Session;
  readonly tenant?: TenantContext;
}

/** Sessions by request object: nothing is written onto the framework's request. */
const sessions = new WeakMap<object, RequestSession>();

export function attachSession(request: object, session: Session, tenant: TenantContext | undefined): void {
  sessions.set(request, tenant ? { session, tenant } : { session });
}

/** The session the guard accepted for this request (`undefined` on public routes or without a token). */
export function getSession(request: object): Session | undefined {
  return sessions.get(request)?.session;
}

/** The tenant the guard resolved for this request. */
export function getTenant(request: object): TenantContext | undefined {
  return sessions.get(request)?.tenant;
}
