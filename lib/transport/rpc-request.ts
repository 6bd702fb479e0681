import type { ExecutionContext } from '@nestjs/common';
import type { SessionError } from '../errors/session-error.js';
import type { GuardedRequest } from './guarded-request.js';
import { asAuthorization } from '../extraction/bearer-token.extractor.js';
import type { TransportAdapter } from './transport-adapter.js';
import { rpcRefusal } from './transport-refusal.js';

/** The value at a path of own properties (never one inherited from a prototype). */
function fieldAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * A microservice message (`@nestjs/microservices`, args `[data, context]`): the token is a field
 * of the message (`rpcTokenField`, default `token`), presented to the extractors as the
 * `Authorization` header; the tenant may be named by the message (`{ tenantId }`).
 */
class RpcGuardedRequest implements GuardedRequest {
  constructor(
    private readonly context: ExecutionContext,
    private readonly tokenPath: readonly string[],
  ) {}

  /** The message, for custom extractors. */
  get raw(): unknown {
    return this.context.getArgByIndex(0);
  }

  header(name: string): string | undefined {
    if (name !== 'authorization') return undefined;
    const token = fieldAt(this.raw, this.tokenPath);
    if (typeof token !== 'string') return undefined;
    return asAuthorization(token);
  }

  /** Messages carry no cookies. */
  get cookieHeader(): undefined {
    return undefined;
  }

  param(name: string): string | undefined {
    const value = fieldAt(this.raw, [name]);
    return typeof value === 'string' ? value : undefined;
  }

  /** A message's fields are the client's choice: only `@RequireTenant()` makes a handler tenant-scoped. */
  declaresParam(): boolean {
    return false;
  }

  /** A message has no response headers. */
  setResponseHeader(): void {}

  describe(): string {
    const transportContext = this.context.getArgByIndex(1) as { getPattern?: () => unknown } | undefined;
    const pattern = typeof transportContext?.getPattern === 'function' ? transportContext.getPattern() : undefined;
    return `RPC ${typeof pattern === 'string' ? pattern : `${this.context.getClass().name}.${this.context.getHandler().name}`}`;
  }

  get sessionCarriers(): readonly unknown[] {
    return rpcCarriers(this.context);
  }

  /** An `RpcException` carrying `{ status: 'error', statusCode, message, reason }`, sent back to the caller. */
  refusal(error: SessionError): Promise<Error> {
    return rpcRefusal(error);
  }
}

/** The transport context (one per message), then the message. */
function rpcCarriers(context: ExecutionContext): unknown[] {
  return [context.getArgByIndex(1), context.getArgByIndex(0)];
}

/** `@nestjs/microservices` handlers, args `[data, context]`; the token is a field of the message (`rpcTokenField`). */
export const rpcTransport: TransportAdapter = {
  type: 'rpc',
  request: (context, config) => new RpcGuardedRequest(context, config.rpcTokenPath),
  carriers: rpcCarriers,
};
