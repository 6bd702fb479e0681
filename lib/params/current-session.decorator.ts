import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Session } from '../claims/session.interface.js';
import { invocationSession } from './invocation-session.js';

/**
 * The invocation's `Session` (`undefined` without one); `@CurrentSession('userId')` for one field.
 * Works in controllers, GraphQL resolvers, gateway message handlers and microservice handlers.
 */
export const CurrentSession = createParamDecorator((field: keyof Session | undefined, context: ExecutionContext) => {
  const session = invocationSession(context)?.session;
  return field === undefined ? session : session?.[field];
});
