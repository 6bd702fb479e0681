import { Catch, Inject, Injectable, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { throwError, type Observable } from 'rxjs';
import type { SessionOptions } from '../options/session-options.js';
import { SESSION_OPTIONS } from '../session.constants.js';
import { GraphQLRefusal, refusalPayload, sendWsRefusal } from '../transport/transport-refusal.js';
import { toHttpAnswer } from './http-answer.js';
import { SessionError } from './session-error.js';

/**
 * Answers a `SessionError` thrown from a controller, a resolver, a gateway or a service they call
 * (`sessions.logout()` during an outage, `refreshSession()` refused) exactly as the guard answers
 * it, instead of Nest's 500:
 *
 * - HTTP (Express, Fastify): the status, the JSON body `{ statusCode, error, message, reason }` and
 *   the RFC 6750 `WWW-Authenticate` challenge of the contract's error table.
 * - GraphQL: the `GraphQLRefusal` the guard throws (`extensions.code`, `extensions.reason`).
 * - WebSocket gateways and microservices: the payload of the guard's `WsException` /
 *   `RpcException`, sent the way Nest's own filters send it.
 *
 * Registered globally (`APP_FILTER`) by `SessionModule` unless `errorFilter: false`; every other
 * exception is left to Nest.
 */
@Catch(SessionError)
@Injectable()
export class SessionErrorFilter implements ExceptionFilter<SessionError> {
  private readonly logger = new Logger(SessionErrorFilter.name);

  constructor(
    @Inject(SESSION_OPTIONS) private readonly options: SessionOptions,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  catch(error: SessionError, host: ArgumentsHost): unknown {
    this.logger.debug(`Answered ${error.reason} thrown by a handler`);
    switch (host.getType<string>()) {
      case 'graphql':
        // A resolver's filter returns the error; graphql-js reports it as the field's error.
        return new GraphQLRefusal(error);
      case 'rpc':
        return this.rpc(error);
      case 'ws':
        void this.ws(error, host);
        return undefined;
      default:
        return this.http(error, host);
    }
  }

  private http(error: SessionError, host: ArgumentsHost): void {
    const adapter = this.adapterHost.httpAdapter;
    const response: unknown = host.switchToHttp().getResponse();
    if (adapter.isHeadersSent(response)) {
      adapter.end(response);
      return;
    }
    const { exception, wwwAuthenticate, dpopNonce } = toHttpAnswer(error, this.options.challenge);
    if (wwwAuthenticate !== undefined) adapter.setHeader(response, 'WWW-Authenticate', wwwAuthenticate);
    if (dpopNonce !== undefined) adapter.setHeader(response, 'DPoP-Nonce', dpopNonce);
    adapter.reply(response, exception.getResponse(), error.status);
  }

  /** What Nest's `BaseRpcExceptionFilter` sends for the guard's `RpcException`: its payload object. */
  private rpc(error: SessionError): Observable<never> {
    const payload = refusalPayload(error);
    return throwError(() => payload);
  }

  private ws(error: SessionError, host: ArgumentsHost): Promise<void> {
    return sendWsRefusal(error, host);
  }
}
