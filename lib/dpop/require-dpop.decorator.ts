import { routeDecorator } from '../requirements/route-metadata.js';

/**
 * The route (or every route of the class) accepts DPoP-bound tokens only, with a valid proof
 * (RFC 9449), whatever the global `dpop` option says.
 */
export function RequireDpop(): ClassDecorator & MethodDecorator {
  return routeDecorator((current) => ({ ...current, requireDpop: true }));
}
