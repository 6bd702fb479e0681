import { routeDecorator } from '../route-metadata.js';

/** No session needed: the guard runs none of its checks on this route. */
export const Public = (): ClassDecorator & MethodDecorator => routeDecorator((meta) => ({ ...meta, access: 'public' }));
