import { createParamDecorator, Inject, Injectable, type ExecutionContext, type PipeTransform } from '@nestjs/common';
import { readCookie } from '../extraction/cookie.parser.js';
import type { SessionOptions } from '../options/session-options.js';
import { SESSION_OPTIONS } from '../session.constants.js';
import { graphqlRequest } from '../transport/graphql-request.js';
import { httpRequest } from '../transport/http-request.js';
import { wsRequest } from '../transport/ws-request.js';

/** The `Cookie` header of the invocation: HTTP, GraphQL over HTTP, a gateway's handshake; none for a microservice message. */
function cookieHeaderOf(context: ExecutionContext): string | undefined {
  switch (context.getType<string>()) {
    case 'graphql':
      return graphqlRequest(context).cookieHeader;
    case 'ws':
      return wsRequest(context).cookieHeader;
    case 'rpc':
      return undefined;
    default:
      return httpRequest(context).cookieHeader;
  }
}

/**
 * Reads the module's refresh cookie (`refreshCookieName`, `DSR` by default) from the header:
 * a pipe, so that Nest injects the module's options into it (a decorator's factory has no access).
 */
@Injectable()
export class RefreshCookiePipe implements PipeTransform<string | undefined, string | undefined> {
  constructor(@Inject(SESSION_OPTIONS) private readonly options: SessionOptions) {}

  transform(cookieHeader: string | undefined): string | undefined {
    return readCookie(cookieHeader, this.options.cookies.refreshCookieName ?? 'DSR') || undefined;
  }
}

const CookieHeader = createParamDecorator((_data: unknown, context: ExecutionContext) => cookieHeaderOf(context));

/**
 * The request's refresh token: the module's refresh cookie, `undefined` when there is none.
 * For logout and refresh routes: `logout(session, { refreshToken })`.
 */
export const RefreshToken = (): ParameterDecorator => CookieHeader(undefined, RefreshCookiePipe);
