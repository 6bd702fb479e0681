import type { ExecutionContext } from '@nestjs/common';

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/** The GraphQL context's HTTP request (Apollo puts it in `req`), else the context itself. */
export function graphqlRequestCarrier(graphqlContext: unknown): object | undefined {
  if (!isObject(graphqlContext)) return undefined;
  const request = (graphqlContext as { req?: unknown }).req;
  return isObject(request) ? request : graphqlContext;
}

/**
 * The objects one handler invocation is known by, most specific first: where the guard keeps the
 * session it accepted and where `@CurrentSession()` and `@Tenant()` look for it.
 *
 * - HTTP: the request.
 * - GraphQL (`[root, args, context, info]`): `info`, made afresh for each resolver call, so that
 *   two root fields of one operation naming different tenants never see each other's tenant;
 *   then the HTTP request, for field resolvers the guard does not run on.
 * - WebSocket (`[client, data, ...]`): the message when it is an object, then the client.
 * - Microservice (`[data, context]`): the transport context (one per message), then the message.
 */
export function sessionCarriers(context: ExecutionContext): object[] {
  const carriers: unknown[] = [];
  switch (context.getType<string>()) {
    case 'graphql':
      carriers.push(context.getArgByIndex(3), graphqlRequestCarrier(context.getArgByIndex(2)));
      break;
    case 'ws':
      carriers.push(context.getArgByIndex(1), context.getArgByIndex(0));
      break;
    case 'rpc':
      carriers.push(context.getArgByIndex(1), context.getArgByIndex(0));
      break;
    default:
      carriers.push(context.switchToHttp().getRequest());
  }
  return carriers.filter(isObject);
}
