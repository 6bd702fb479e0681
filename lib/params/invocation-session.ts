import type { ExecutionContext } from '@nestjs/common';
import type { Session, TenantContext } from '../claims/session.interface.js';
import { isPublicRoute } from '../requirements/route-policy.js';
import { findSession } from '../transport/request-session.js';
import { sessionCarriers } from '../transport/transport-registry.js';

/**
 * The session the guard accepted for this invocation. `undefined` on `@Public()` handlers, on
 * every transport: a gateway client keeps the session it was admitted with, and a public message
 * handler must not be handed it after a logout or expiry (the guard did not check it).
 */
export function invocationSession(context: ExecutionContext): { session: Session; tenant?: TenantContext } | undefined {
  if (isPublicRoute(context.getClass(), context.getHandler())) return undefined;
  return findSession(sessionCarriers(context));
}
