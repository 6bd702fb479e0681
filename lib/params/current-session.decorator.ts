import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Session } from '../claims/session.interface.js';
import { getSession } from '../transport/request-session.js';

/** The request's `Session` (`undefined` without one); `@CurrentSession('userId')` for one field. */
export const CurrentSession = createParamDecorator((field: keyof Session | undefined, context: ExecutionContext) => {
  const session = getSession(context.switchToHttp().getRequest<object>());
  return field === undefined ? session : session?.[field];
});
