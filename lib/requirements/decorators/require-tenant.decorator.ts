import { routeDecorator } from '../route-metadata.js';

/** The request must resolve a tenant the session is a member of (403 `tenant_required`). */
export const RequireTenant = (): ClassDecorator & MethodDecorator =>
  routeDecorator((meta) => ({ ...meta, requireTenant: true }));
