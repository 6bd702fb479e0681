import type { ClaimValidator } from './claim-validator.interface.js';
import { readRouteMetadata, type GrantRequirement, type RouteMetadata } from './route-metadata.js';

/** What one route needs, read once from its class and method together. */
export interface RoutePolicy {
  /** `optional`: a request without a token goes through with no session. */
  readonly access: 'public' | 'optional' | 'required';
  readonly grants: readonly GrantRequirement[];
  readonly requireTenant: boolean;
  readonly claimValidators: readonly ClaimValidator[];
  /** `@RequireDpop()` on the class or the method. */
  readonly requireDpop?: boolean;
}

const PUBLIC: RoutePolicy = Object.freeze({ access: 'public', grants: [], requireTenant: false, claimValidators: [] });

function declaresRequirements(meta: RouteMetadata): boolean {
  return Boolean(meta.grants?.length || meta.requireTenant || meta.claimValidators?.length);
}

function keptGlobals(globals: readonly ClaimValidator[], skips: Array<RouteMetadata['skipGlobalClaims']>): ClaimValidator[] {
  if (skips.includes(true)) return [];
  const dropped = new Set(skips.flatMap((skip) => (Array.isArray(skip) ? skip : [])));
  return globals.filter((validator) => !dropped.has(validator.name));
}

/**
 * Class and method requirements both apply. A class-level `@Public()` or `@OptionalSession()`
 * never hides a requirement its method declares; a method-level `@Public()` opts the method out
 * of its class's requirements, unless the method itself declares some (then it is not public).
 */
export function compileRoutePolicy(
  classMeta: RouteMetadata,
  methodMeta: RouteMetadata,
  globalValidators: readonly ClaimValidator[],
): RoutePolicy {
  const methodDeclares = declaresRequirements(methodMeta);
  const declaredAccess = methodMeta.access ?? (methodDeclares ? undefined : classMeta.access);
  if (declaredAccess === 'public' && !methodDeclares) return PUBLIC;

  const grants = [...(classMeta.grants ?? []), ...(methodMeta.grants ?? [])];
  const requireTenant = Boolean(classMeta.requireTenant || methodMeta.requireTenant);
  const routeValidators = [...(classMeta.claimValidators ?? []), ...(methodMeta.claimValidators ?? [])];
  const claimValidators = [
    ...keptGlobals(globalValidators, [classMeta.skipGlobalClaims, methodMeta.skipGlobalClaims]),
    ...routeValidators,
  ];
  // A route that asks for grants, a tenant or claims cannot be met without a session.
  const needsSession = grants.length > 0 || requireTenant || routeValidators.length > 0;
  const access = declaredAccess === 'optional' && !needsSession ? 'optional' : 'required';
  const requireDpop = Boolean(classMeta.requireDpop || methodMeta.requireDpop);
  return Object.freeze({ access, grants, requireTenant, claimValidators, ...(requireDpop && { requireDpop }) });
}

/** Compiles each route's policy on its first request and keeps it: no metadata reads per request. */
export class RoutePolicies {
  private readonly byClass = new WeakMap<object, WeakMap<object, RoutePolicy>>();

  constructor(private readonly globalValidators: readonly ClaimValidator[]) {}

  forRoute(controller: object, handler: object): RoutePolicy {
    let byHandler = this.byClass.get(controller);
    if (!byHandler) this.byClass.set(controller, (byHandler = new WeakMap()));
    let policy = byHandler.get(handler);
    if (!policy) {
      policy = compileRoutePolicy(readRouteMetadata(controller) ?? {}, readRouteMetadata(handler) ?? {}, this.globalValidators);
      byHandler.set(handler, policy);
    }
    return policy;
  }
}

const accessOnly = new RoutePolicies([]);

/** `@Public()` routes: the guard does not run there, so no session may be read there either. */
export function isPublicRoute(controller: object, handler: object): boolean {
  return accessOnly.forRoute(controller, handler).access === 'public';
}
