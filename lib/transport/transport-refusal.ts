import { HttpException, type ArgumentsHost } from '@nestjs/common';
import { refusalBody } from '../errors/http-answer.js';
import type { SessionError } from '../errors/session-error.js';
import { optionalClass } from './optional-package.js';

/** What a gateway client or a microservice caller receives: Nest's `{ status: 'error', message }` plus our fields. */
export interface TransportRefusalPayload {
  status: 'error';
  statusCode: number;
  message: string;
  reason: string;
  failedValidators?: readonly string[];
  /** Step-up (RFC 9470): as in the HTTP challenge. */
  acr_values?: string;
  max_age?: number;
}

export function refusalPayload(error: SessionError): TransportRefusalPayload {
  const { statusCode, message, reason, failedValidators, acr_values, max_age } = refusalBody(error);
  return { status: 'error', statusCode, message, reason, ...(failedValidators && { failedValidators }), ...(acr_values !== undefined && { acr_values }), ...(max_age !== undefined && { max_age }) };
}

/** GraphQL `extensions.code` by status, as Apollo names them. */
const GRAPHQL_CODE: Readonly<Record<number, string>> = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 503: 'SERVICE_UNAVAILABLE' };

/**
 * A refusal in a resolver. An `HttpException`, so Nest does not log it as an unexpected error and
 * the Apollo driver maps its status; `extensions`, which graphql-js copies onto the GraphQL error
 * it builds from whatever a resolver throws, so the client reads `code` and `reason` there.
 */
export class GraphQLRefusal extends HttpException {
  readonly extensions: { code: string; reason: string; failedValidators?: readonly string[]; acr_values?: string; max_age?: number };

  constructor(error: SessionError) {
    const body = refusalBody(error);
    super(body, error.status, { cause: error });
    const { reason, failedValidators, acr_values, max_age } = body;
    this.extensions = { code: GRAPHQL_CODE[error.status] ?? 'INTERNAL_SERVER_ERROR', reason, ...(failedValidators && { failedValidators }), ...(acr_values !== undefined && { acr_values }), ...(max_age !== undefined && { max_age }) };
    // A refusal is not a crash: no frames, whatever the environment (Apollo copies `stack` into
    // `extensions.stacktrace` unless NODE_ENV is production or test).
    this.stack = `GraphQLRefusal: ${this.message}`;
  }
}

/** `WsException` / `RpcException`: the error object a Nest exception filter sends as it is. */
type NestTransportException = new (error: object) => Error;

/**
 * Stands in for `WsException` / `RpcException` should the package not load: the same shape
 * (`getError()`), though Nest's filters, which test `instanceof`, then answer "Internal server error".
 */
export class TransportRefusal extends Error {
  constructor(
    override readonly name: string,
    private readonly error: TransportRefusalPayload,
  ) {
    super(error.message);
  }

  getError(): TransportRefusalPayload {
    return this.error;
  }
}

async function nestTransportException(specifier: string, className: string, error: SessionError): Promise<Error> {
  const payload = refusalPayload(error);
  const Exception = await optionalClass<NestTransportException>(specifier, className);
  return Exception ? new Exception(payload) : new TransportRefusal(className, payload);
}

/** The `WsException` a gateway's exception filter emits to the client as the `exception` event. */
export function wsRefusal(error: SessionError): Promise<Error> {
  return nestTransportException('@nestjs/websockets', 'WsException', error);
}

/** Nest's own gateway filter, loaded only where a gateway runs. */
type WsFilter = new () => { catch(exception: unknown, host: ArgumentsHost): void };

/** Sends the guard's `WsException` for `error` to the gateway client, as Nest's gateway filter does. */
export async function sendWsRefusal(error: SessionError, host: ArgumentsHost): Promise<void> {
  const Filter = await optionalClass<WsFilter>('@nestjs/websockets', 'BaseWsExceptionFilter');
  if (Filter === undefined) return;
  new Filter().catch(await wsRefusal(error), host);
}

/** The `RpcException` a microservice's exception filter sends back to the caller. */
export function rpcRefusal(error: SessionError): Promise<Error> {
  return nestTransportException('@nestjs/microservices', 'RpcException', error);
}
