import { SetMetadata } from '@nestjs/common';
import { SessionError } from '../errors/session-error.js';

const LOGOUT_ROUTE = 'nestjs-jwt-session:logout-route';

/**
 * Marks a route whose only effect is to end the session (it calls `logout` or `logoutAll`). When
 * the revocation store cannot answer, the guard lets a verified session through to it instead of
 * refusing with 503 `revocation_unavailable` (fail closed): logging out must work in an outage.
 * Everything else is checked as on any route: the token, CSRF for cookies, a session already
 * known to be revoked (401), the route's requirements. Put it on nothing that does more.
 */
export const LogoutRoute = (): MethodDecorator => SetMetadata(LOGOUT_ROUTE, true);

/** The guard's question: does `error` only stop a logout route? Metadata is read only then (an outage), never per request. */
export function isOutageOnLogoutRoute(error: unknown, handler: object): boolean {
  return error instanceof SessionError && error.reason === 'revocation_unavailable' && Reflect.getMetadata(LOGOUT_ROUTE, handler) === true;
}
