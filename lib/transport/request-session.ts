import type { Session, TenantContext } from '../claims/session.interface.js';

interface RequestSession {
  readonly session: Session;
  readonly tenant?: TenantContext;
}

/** Sessions by request object: nothing is written onto the framework's request. */
const sessions = new WeakMap<object, RequestSession>();

/** Keeps one accepted session under each object an invocation is known by (see `TransportAdapter.carriers`). */
export function keepSession(carriers: readonly unknown[], session: Session, tenant: TenantContext | undefined): void {
  const entry: RequestSession = tenant ? { session, tenant } : { session };
  for (const carrier of carriers) {
    if ((typeof carrier === 'object' && carrier !== null) || typeof carrier === 'function') sessions.set(carrier, entry);
  }
}

/** The session kept under the first of these objects that has one. */
export function findSession(carriers: readonly object[]): RequestSession | undefined {
  for (const carrier of carriers) {
    const entry = sessions.get(carrier);
    if (entry) return entry;
  }
  return undefined;
}

/**
 * The session the guard accepted for this request (`undefined` on public routes or without a
 * token). Also takes a WebSocket client admitted by `SocketSessions`, or a GraphQL context's `req`.
 */
export function getSession(request: object): Session | undefined {
  return sessions.get(request)?.session;
}

/** The tenant the guard resolved for this request. */
export function getTenant(request: object): TenantContext | undefined {
  return sessions.get(request)?.tenant;
}
