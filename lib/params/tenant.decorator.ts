import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { TenantContext } from '../claims/session.interface.js';
import { invocationSession } from './invocation-session.js';

/**
 * The resolved `TenantContext`; `@Tenant('id')` for the id alone; `undefined` when none resolved.
 * Works on every transport, like `@CurrentSession()`.
 */
export const Tenant = createParamDecorator((field: keyof TenantContext | undefined, context: ExecutionContext) => {
  const tenant = invocationSession(context)?.tenant;
  return field === undefined ? tenant : tenant?.[field];
});
