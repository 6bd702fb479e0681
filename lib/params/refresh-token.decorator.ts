import { createParamDecorator, Inject, Injectable, Optional, type ExecutionContext, type PipeTransform } from '@nestjs/common';
import { readCookie } from '../extraction/cookie.parser.js';
import type { SessionOptions } from '../options/session-options.js';
import type { ServerSessionManager } from '../server-sessions/server-session-manager.js';
import { SERVER_SESSION_MANAGER } from '../server-sessions/server-session.providers.js';
import { readSessionSecret } from '../server-sessions/session-id-cookie.js';
import { SESSION_OPTIONS } from '../session.constants.js';
import type { TransportConfig } from '../transport/transport-options.js';
import { guardedRequest } from '../transport/transport-registry.js';

/** The invocation's `Cookie` header, read once the module's transport settings are at hand. */
type CookieHeaderReader = (config: TransportConfig) => string | undefined;

/**
 * Reads the request's refresh token: the module's refresh cookie (`refreshCookieName`, `DSR` by
 * default), else, with server-side sessions, the refresh token stored with the request's session.
 * A pipe, so that Nest injects the module's options into it (a decorator's factory has none).
 */
@Injectable()
export class RefreshCookiePipe implements PipeTransform<CookieHeaderReader, Promise<string | undefined>> {
  constructor(
    @Inject(SESSION_OPTIONS) private readonly options: SessionOptions,
    @Optional() @Inject(SERVER_SESSION_MANAGER) private readonly serverSessions?: ServerSessionManager,
  ) {}

  async transform(cookieHeaderOf: CookieHeaderReader): Promise<string | undefined> {
    const cookieHeader = cookieHeaderOf(this.options.transport);
    const cookie = readCookie(cookieHeader, this.options.cookies.refreshCookieName);
    if (cookie) return cookie;
    if (this.serverSessions === undefined) return undefined;
    const secret = readSessionSecret(this.serverSessions.config, cookieHeader);
    return secret === undefined ? undefined : (await this.serverSessions.load(secret))?.refreshToken;
  }
}

const CookieHeader = createParamDecorator((_data: unknown, context: ExecutionContext): CookieHeaderReader => (config) => guardedRequest(context, config).cookieHeader);

/**
 * The request's refresh token: the module's refresh cookie, or the server-side session's refresh
 * token (`serverSessions`), `undefined` when there is none. HTTP (Express, Fastify), GraphQL over
 * HTTP and a gateway's handshake carry cookies; a microservice message has none. For logout and
 * refresh routes: `logout(session, { refreshToken })`.
 */
export const RefreshToken = (): ParameterDecorator => CookieHeader(undefined, RefreshCookiePipe);
