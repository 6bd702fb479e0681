import type { ClaimValidator } from './claim-validator.interface.js';

/** One grant requirement from `@Roles`, `@AnyRole`, `@Permissions`, `@AnyPermission` or their top-level forms. */
export interface GrantRequirement {
  readonly kind: 'roles' | 'permissions';
  readonly match: 'all' | 'any';
  readonly names: readonly string[];
  /** `tenant`: the resolved tenant's grants when one resolves, else the top level. `top`: the top level always. */
  readonly scope: 'tenant' | 'top';
}

/** Everything a class or a method can declare; decorators append, nothing overwrites. */
export interface RouteMetadata {
  access?: 'public' | 'optional';
  grants?: GrantRequirement[];
  requireTenant?: boolean;
  claimValidators?: ClaimValidator[];
  /** `@RequireDpop()`: DPoP-bound tokens with a proof only (RFC 9449). */
  requireDpop?: boolean;
  /** `true` drops every global validator; a list drops those names. */
  skipGlobalClaims?: true | string[];
}

export const ROUTE_METADATA = Symbol('nestjs-jwt-session:route');

/** The metadata of a class (including what it inherits) or of a method. */
export function readRouteMetadata(target: object): RouteMetadata | undefined {
  return Reflect.getMetadata(ROUTE_METADATA, target) as RouteMetadata | undefined;
}

/**
 * A decorator usable on a class or a method that merges `update` into the target's route
 * metadata. Class metadata lives on the class, method metadata on the method's function.
 */
export function routeDecorator(update: (current: RouteMetadata) => RouteMetadata): ClassDecorator & MethodDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder: object = descriptor ? (descriptor.value as object) : target;
    Reflect.defineMetadata(ROUTE_METADATA, update({ ...readRouteMetadata(holder) }), holder);
  };
}
