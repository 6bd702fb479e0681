import type { ExecutionContext } from '@nestjs/common';
import type { SessionError } from '../errors/session-error.js';
import type { GuardedRequest } from './guarded-request.js';
import { SocketHandshake } from './socket-handshake.js';
import type { TransportAdapter } from './transport-adapter.js';
import { wsRefusal } from './transport-refusal.js';

/**
 * A gateway message (`@nestjs/websockets`, args `[client, data, ...]`), on socket.io or `ws`: the
 * token is the one the connection was opened with, checked again on every message (so an expired
 * token stops being accepted); the tenant may be named by the message (`{ tenantId }`).
 */
class WsGuardedRequest implements GuardedRequest {
  private readonly handshake: SocketHandshake;

  constructor(private readonly context: ExecutionContext) {
    const client: unknown = context.getArgByIndex(0);
    this.handshake = new SocketHandshake(typeof client === 'object' && client !== null ? client : {});
  }

  get raw(): unknown {
    return this.handshake.raw;
  }

  header(name: string): string | undefined {
    return this.handshake.header(name);
  }

  get cookieHeader(): string | undefined {
    return this.handshake.cookieHeader;
  }

  param(name: string): string | undefined {
    const data: unknown = this.context.getArgByIndex(1);
    if (typeof data === 'object' && data !== null && Object.hasOwn(data, name)) {
      const value = (data as Record<string, unknown>)[name];
      if (typeof value === 'string') return value;
    }
    return this.handshake.param(name);
  }

  /** A message's fields are the client's choice: only `@RequireTenant()` makes a handler tenant-scoped. */
  declaresParam(): boolean {
    return false;
  }

  /** A WebSocket message has no response headers. */
  setResponseHeader(): void {}

  describe(): string {
    return `WS ${this.context.getClass().name}.${this.context.getHandler().name}`;
  }

  get sessionCarriers(): readonly unknown[] {
    return wsCarriers(this.context);
  }

  /** A `WsException` carrying `{ status: 'error', statusCode, message, reason }`, emitted as `exception`. */
  refusal(error: SessionError): Promise<Error> {
    return wsRefusal(error);
  }
}

/**
 * A connection being opened (`SocketSessions.admit`): the handshake's credentials; an accepted
 * session is kept on the client.
 */
class SocketConnectionRequest extends SocketHandshake implements GuardedRequest {
  declaresParam(): boolean {
    return false;
  }

  setResponseHeader(): void {}

  describe(): string {
    return 'WS connection';
  }

  get sessionCarriers(): readonly unknown[] {
    return [this.raw];
  }

  refusal(error: SessionError): Promise<Error> {
    return wsRefusal(error);
  }
}

export function socketConnectionRequest(client: object): GuardedRequest {
  return new SocketConnectionRequest(client);
}

/** The message when it is an object, then the client. */
function wsCarriers(context: ExecutionContext): unknown[] {
  return [context.getArgByIndex(1), context.getArgByIndex(0)];
}

/** `@nestjs/websockets` gateway messages, args `[client, data, ...]`, on socket.io or `ws`. */
export const wsTransport: TransportAdapter = {
  type: 'ws',
  request: (context) => new WsGuardedRequest(context),
  carriers: wsCarriers,
};
