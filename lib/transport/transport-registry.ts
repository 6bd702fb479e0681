import type { ExecutionContext } from '@nestjs/common';
import { graphqlTransport } from './graphql-request.js';
import type { GuardedRequest } from './guarded-request.js';
import { httpTransport } from './http-request.js';
import { rpcTransport } from './rpc-request.js';
import type { TransportAdapter } from './transport-adapter.js';
import type { TransportConfig } from './transport-options.js';
import { wsTransport } from './ws-request.js';

/** Adapters by Nest context type. Nothing here imports GraphQL, WebSocket or microservice packages: they stay optional. */
const adapters = new Map<string, TransportAdapter>([httpTransport, graphqlTransport, wsTransport, rpcTransport].map((adapter) => [adapter.type, adapter]));

/** Adds (or replaces) the adapter of a transport, for Nest context types this module does not know. */
export function registerTransport(adapter: TransportAdapter): void {
  const valid =
    typeof adapter === 'object' && adapter !== null && typeof adapter.type === 'string' && adapter.type.length > 0 &&
    typeof adapter.request === 'function' && typeof adapter.carriers === 'function';
  if (!valid) throw new TypeError('registerTransport needs an adapter { type, request(context, config), carriers(context) }');
  adapters.set(adapter.type, adapter);
}

/** The adapter of this invocation's transport; an unknown context type is read as HTTP. */
export function transportFor(context: ExecutionContext): TransportAdapter {
  return adapters.get(context.getType<string>()) ?? httpTransport;
}

export function guardedRequest(context: ExecutionContext, config: TransportConfig): GuardedRequest {
  return transportFor(context).request(context, config);
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/** Where this invocation's session is kept and found (see `TransportAdapter.carriers`). */
export function sessionCarriers(context: ExecutionContext): object[] {
  return transportFor(context).carriers(context).filter(isObject);
}
