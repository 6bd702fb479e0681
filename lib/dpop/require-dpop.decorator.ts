const REQUIRE_DPOP = Symbol('nestjs-jwt-session:require-dpop');

/**
 * The route (or every route of the class) accepts DPoP-bound tokens only, with a valid proof
 * (RFC 9449), whatever the global `dpop` option says.
 */
export function RequireDpop(): ClassDecorator & MethodDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    Reflect.defineMetadata(REQUIRE_DPOP, true, descriptor ? (descriptor.value as object) : target);
  };
}

export function requiresDpop(controller: object, handler: object): boolean {
  return Reflect.getMetadata(REQUIRE_DPOP, handler) === true || Reflect.getMetadata(REQUIRE_DPOP, controller) === true;
}
