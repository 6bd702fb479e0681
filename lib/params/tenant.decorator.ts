import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { TenantContext } from '../claims/session.interface.js';
import { getTenant } from '../transport/request-session.js';

/** The resolved `TenantContext`; `@Tenant('id')` for the id alone; `undefined` when none resolved. */
export const Tenant = createParamDecorator((field: keyof TenantContext | undefined, context: ExecutionContext) => {
  const tenant = getTenant(context.switchToHttp().getRequest<object>());
  return field === undefined ? tenant : tenant?.[field];
});
