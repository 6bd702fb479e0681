import type { ExecutionContext } from '@nestjs/common';
import { appendSetCookie } from '../cookies/response-cookies.js';
import { toHttpAnswer, type ChallengeParams } from '../errors/http-answer.js';
import type { DpopForwardedHeaders } from '../dpop/dpop-options.js';
import type { DpopRequestUrl } from '../dpop/dpop-proof-check.js';
import { dpopRequestUrl } from '../dpop/dpop-request-url.js';
import type { SessionError } from '../errors/session-error.js';
import { refuseRepeatedHeader } from '../extraction/single-valued-header.js';
import type { GuardedRequest } from './guarded-request.js';
import { firstHeaderValue } from './header-value.js';
import type { TransportAdapter } from './transport-adapter.js';

/** What Express and Fastify requests both offer. */
interface HttpRequestLike {
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, unknown>;
  method?: string;
  url?: string;
}

/** Express (`setHeader`) and Fastify (`header`: the reply, without @fastify/cookie or any plugin) responses. */
interface HttpResponseLike {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string) => unknown;
}

/**
 * An HTTP request on Express or Fastify, read lazily (nothing is parsed that the guard does not
 * ask for). A class rather than an object of closures: one allocation per request.
 */
class HttpGuardedRequest implements GuardedRequest {
  constructor(
    readonly raw: HttpRequestLike,
    private readonly context: ExecutionContext,
  ) {}

  header(name: string): string | undefined {
    refuseRepeatedHeader(this.raw, name);
    return firstHeaderValue(this.raw.headers[name]);
  }

  get cookieHeader(): string | undefined {
    return firstHeaderValue(this.raw.headers.cookie);
  }

  param(name: string): string | undefined {
    const value = this.raw.params?.[name];
    return typeof value === 'string' ? value : undefined;
  }

  /** Declared by the route's path (`:tenantId`): Express and Fastify set only the parameters a route declares. */
  declaresParam(name: string): boolean {
    return typeof this.raw.params === 'object' && this.raw.params !== null && Object.hasOwn(this.raw.params, name);
  }

  setResponseHeader(name: string, value: string): void {
    const response = this.context.switchToHttp().getResponse<HttpResponseLike>();
    if (typeof response.header === 'function') response.header(name, value);
    else response.setHeader?.(name, value);
  }

  requestUrl(forwarded: DpopForwardedHeaders | undefined): DpopRequestUrl | undefined {
    return dpopRequestUrl(this.raw, this, forwarded);
  }

  describe(): string {
    return `${this.raw.method ?? ''} ${this.raw.url ?? ''}`.trim();
  }

  get sessionCarriers(): readonly unknown[] {
    return [this.raw];
  }

  /** Nest's HTTP exception (status and JSON body), with the RFC 6750 challenge set on the response. */
  refusal(error: SessionError, challenge: ChallengeParams): unknown {
    const answer = toHttpAnswer(error, challenge);
    if (answer.wwwAuthenticate) this.setResponseHeader('WWW-Authenticate', answer.wwwAuthenticate);
    if (answer.dpopNonce) this.setResponseHeader('DPoP-Nonce', answer.dpopNonce);
    return answer.exception;
  }

  get method(): string | undefined {
    return this.raw.method;
  }

  appendSetCookie(cookies: readonly string[]): void {
    appendSetCookie(this.context.switchToHttp().getResponse(), cookies);
  }
}

/** Express and Fastify: the session is kept on the framework's request. */
export const httpTransport: TransportAdapter = {
  type: 'http',
  request: (context) => new HttpGuardedRequest(context.switchToHttp().getRequest<HttpRequestLike>(), context),
  carriers: (context) => [context.switchToHttp().getRequest()],
};
