import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Session } from '../claims/session.interface.js';
import { SessionError } from '../errors/session-error.js';
import { SessionGuard } from '../guard/session.guard.js';
import type { SessionOptions } from '../options/session-options.js';
import { compileRoutePolicy, type RoutePolicy } from '../requirements/route-policy.js';
import { SESSION_OPTIONS } from '../session.constants.js';
import { rememberUpgradeRequest } from './socket-handshake.js';
import { refusalPayload, type TransportRefusalPayload } from './transport-refusal.js';
import { socketConnectionRequest } from './ws-request.js';

/** A socket.io `Socket` or a `ws` `WebSocket`, as far as refusing one goes. */
interface SocketLike {
  readyState?: unknown;
  emit?: (event: string, payload: unknown) => unknown;
  disconnect?: (close?: boolean) => unknown;
  send?: (data: string) => unknown;
  close?: (code?: number, reason?: string) => unknown;
}

/**
 * Checks a WebSocket connection when it opens. Nest runs no guard on a connection, only on
 * messages, so a gateway calls this from `handleConnection`:
 *
 * ```ts
 * handleConnection(client: Socket, request?: IncomingMessage) {
 *   return this.sockets.admit(client, request);
 * }
 * ```
 *
 * The connection goes through the guard's own admission pipeline (the module's `SessionGuard`,
 * or the subclass given as `guard`): token from the handshake (`Authorization` header, socket.io
 * `auth.token`, `DS` cookie), valid session, membership of the tenant the handshake names, the
 * global claim validators. A refused connection receives the `exception` event (the payload a
 * refused message gets) and is closed (`ws`: close code 4000 + status, e.g. 4401, reason as close
 * reason). The guard then checks every message again with the same token, with the handler's
 * decorators. With `ws`, pass the upgrade request: it is where the headers are.
 */
@Injectable()
export class SocketSessions {
  private readonly logger = new Logger(SocketSessions.name);
  private readonly connectionPolicy: RoutePolicy;

  constructor(
    @Inject(SESSION_OPTIONS) options: SessionOptions,
    private readonly guard: SessionGuard,
  ) {
    this.connectionPolicy = compileRoutePolicy({}, {}, options.claimValidators);
  }

  /**
   * The connection's session, or `undefined` once a refused connection is closed. Never rejects:
   * Nest does not wait for `handleConnection`, so a rejection would go unhandled.
   */
  async admit(client: object, upgradeRequest?: unknown): Promise<Session | undefined> {
    if (upgradeRequest !== undefined) rememberUpgradeRequest(client, upgradeRequest);
    try {
      return await this.guard.admit(socketConnectionRequest(client), this.connectionPolicy);
    } catch (error) {
      if (error instanceof SessionError) {
        this.logger.debug(`Refused a WebSocket connection: ${error.reason}`);
        refuseConnection(client, refusalPayload(error));
      } else {
        this.logger.error('WebSocket connection check failed', error instanceof Error ? error.stack : String(error));
        refuseConnection(client, { status: 'error', statusCode: 500, message: 'Internal server error', reason: 'internal_error' });
      }
      return undefined;
    }
  }
}

/** Tells the client why, then closes: socket.io emits the event; `ws` sends it as `{ event, data }` (Nest's format) and closes with 4000 + status. */
function refuseConnection(client: object, payload: TransportRefusalPayload): void {
  const socket = client as SocketLike;
  try {
    if (typeof socket.readyState === 'number' && typeof socket.send === 'function') {
      socket.send(JSON.stringify({ event: 'exception', data: payload }));
      socket.close?.(4000 + payload.statusCode, payload.reason);
    } else {
      socket.emit?.('exception', payload);
      socket.disconnect?.(true);
    }
  } catch {
    // The client went away first: nothing left to refuse.
  }
}
