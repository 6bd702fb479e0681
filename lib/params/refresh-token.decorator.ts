import { createParamDecorator, Inject, Injectable, type ExecutionContext, type PipeTransform } from '@nestjs/common';
import { readCookie } from '../extraction/cookie.parser.js';
import type { SessionOptions } from '../options/session-options.js';
import { SESSION_OPTIONS } from '../session.constants.js';
import type { TransportConfig } from '../transport/transport-options.js';
import { guardedRequest } from '../transport/transport-registry.js';

/** The invocation's `Cookie` header, read once the module's transport settings are at hand. */
type CookieHeaderReader = (config: TransportConfig) => string | undefined;

/**
 * Reads the module's refresh cookie (`refreshCookieName`, `DSR` by default): a pipe, so that Nest
 * injects the module's options into it (a decorator's factory has no access to them).
 */
@Injectable()
export class RefreshCookiePipe implements PipeTransform<CookieHeaderReader, string | undefined> {
  constructor(@Inject(SESSION_OPTIONS) private readonly options: SessionOptions) {}

  transform(cookieHeader: CookieHeaderReader): string | undefined {
    return readCookie(cookieHeader(this.options.transport), this.options.cookies.refreshCookieName ?? 'DSR') || undefined;
  }
}

const CookieHeader = createParamDecorator((_data: unknown, context: ExecutionContext): CookieHeaderReader => (config) => guardedRequest(context, config).cookieHeader);

/**
 * The request's refresh token: the module's refresh cookie, `undefined` when there is none. HTTP
 * (Express, Fastify), GraphQL over HTTP and a gateway's handshake carry cookies; a microservice
 * message has none. For logout and refresh routes: `logout(session, { refreshToken })`.
 */
export const RefreshToken = (): ParameterDecorator => CookieHeader(undefined, RefreshCookiePipe);
