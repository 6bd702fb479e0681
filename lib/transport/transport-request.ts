import type { ExecutionContext } from '@nestjs/common';
import { graphqlRequest } from './graphql-request.js';
import type { GuardedRequest } from './guarded-request.js';
import { httpRequest } from './http-request.js';
import { rpcRequest } from './rpc-request.js';
import type { TransportConfig } from './transport-options.js';
import { wsRequest } from './ws-request.js';

/**
 * The request as the guard reads it, by Nest's context type: nothing here imports GraphQL,
 * WebSocket or microservice packages (they stay optional); the execution arguments are read by
 * position and shape.
 */
export function guardedRequest(context: ExecutionContext, config: TransportConfig): GuardedRequest {
  switch (context.getType<string>()) {
    case 'graphql':
      return graphqlRequest(context);
    case 'ws':
      return wsRequest(context);
    case 'rpc':
      return rpcRequest(context, config.rpcTokenPath);
    default:
      return httpRequest(context);
  }
}
