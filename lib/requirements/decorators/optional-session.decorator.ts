import { routeDecorator } from '../route-metadata.js';

/**
 * Without a token the handler runs with no session; a token that is present is still
 * verified, and an invalid one is refused.
 */
export const OptionalSession = (): ClassDecorator & MethodDecorator =>
  routeDecorator((meta) => ({ ...meta, access: 'optional' }));
