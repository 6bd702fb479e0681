import type { GrantRequirement } from '../route-metadata.js';
import { routeDecorator } from '../route-metadata.js';

function grantDecorator(kind: GrantRequirement['kind'], match: GrantRequirement['match'], names: string[]) {
  const requirement: GrantRequirement = Object.freeze({ kind, match, names: Object.freeze([...names]) });
  return routeDecorator((meta) => ({ ...meta, grants: [...(meta.grants ?? []), requirement] }));
}

/** Every named role is required: from the resolved tenant's roles, else the top-level roles. */
export const Roles = (...roles: string[]): ClassDecorator & MethodDecorator => grantDecorator('roles', 'all', roles);

/** At least one of the named roles is required. */
export const AnyRole = (...roles: string[]): ClassDecorator & MethodDecorator => grantDecorator('roles', 'any', roles);

/** Every named permission is required: from the resolved tenant's permissions, else the top level. */
export const Permissions = (...permissions: string[]): ClassDecorator & MethodDecorator =>
  grantDecorator('permissions', 'all', permissions);

/** At least one of the named permissions is required. */
export const AnyPermission = (...permissions: string[]): ClassDecorator & MethodDecorator =>
  grantDecorator('permissions', 'any', permissions);
