import type { ModulesContainer } from '@nestjs/core';
import { readRouteMetadata, type RouteMetadata } from '../requirements/route-metadata.js';

function permissionNames(meta: RouteMetadata | undefined, into: Set<string>): void {
  for (const grant of meta?.grants ?? []) if (grant.kind === 'permissions') for (const name of grant.names) into.add(name);
}

/** The class's own and inherited methods, each once. */
function methodsOf(type: Function): Function[] {
  const methods = new Set<Function>();
  for (let proto = type.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const value = Object.getOwnPropertyDescriptor(proto, key)?.value;
      if (typeof value === 'function' && key !== 'constructor') methods.add(value);
    }
  }
  return [...methods];
}

/**
 * Every permission a route of the app requires (`@Permissions`, `@AnyPermission` and their
 * top-level forms) on controllers, resolvers and gateways, sorted: the scopes a client may need
 * when the app's permissions are OAuth scopes.
 */
export function routePermissionNames(modules: ModulesContainer): string[] {
  const names = new Set<string>();
  for (const module of modules.values()) {
    for (const wrapper of [...module.controllers.values(), ...module.providers.values()]) {
      const type = wrapper.metatype;
      if (typeof type !== 'function' || !type.prototype) continue;
      permissionNames(readRouteMetadata(type), names);
      for (const method of methodsOf(type)) permissionNames(readRouteMetadata(method), names);
    }
  }
  return [...names].sort();
}
