import type { GrantRequirement } from '../route-metadata.js';
import { routeDecorator } from '../route-metadata.js';

type RouteDecorator = ClassDecorator & MethodDecorator;

function grantDecorator(kind: GrantRequirement['kind'], match: GrantRequirement['match'], scope: GrantRequirement['scope'], names: string[]) {
  const requirement: GrantRequirement = Object.freeze({ kind, match, scope, names: Object.freeze([...names]) });
  return routeDecorator((meta) => ({ ...meta, grants: [...(meta.grants ?? []), requirement] }));
}

/** Every named role is required: from the resolved tenant's roles, else the top-level roles. */
export const Roles = (...roles: string[]): RouteDecorator => grantDecorator('roles', 'all', 'tenant', roles);

/** At least one of the named roles is required (tenant's roles, else top level). */
export const AnyRole = (...roles: string[]): RouteDecorator => grantDecorator('roles', 'any', 'tenant', roles);

/** Every named permission is required: from the resolved tenant's permissions, else the top level. */
export const Permissions = (...permissions: string[]): RouteDecorator => grantDecorator('permissions', 'all', 'tenant', permissions);

/** At least one of the named permissions is required (tenant's permissions, else top level). */
export const AnyPermission = (...permissions: string[]): RouteDecorator => grantDecorator('permissions', 'any', 'tenant', permissions);

/**
 * Every named role is required among the top-level roles, whatever tenant the request names.
 * For platform-wide routes: under `@Roles`, a tenant's `admin` passes once the request names
 * that tenant (header or `dct`), which is right for tenant routes and wrong for global ones.
 */
export const TopLevelRoles = (...roles: string[]): RouteDecorator => grantDecorator('roles', 'all', 'top', roles);

/** Every named permission is required among the top-level permissions, whatever tenant the request names. */
export const TopLevelPermissions = (...permissions: string[]): RouteDecorator => grantDecorator('permissions', 'all', 'top', permissions);
