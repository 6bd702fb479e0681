import type { ExecutionContext } from '@nestjs/common';
import type { Session, TenantContext } from '../claims/session.interface.js';
import { appendSetCookie } from '../cookies/response-cookies.js';
import { toHttpAnswer, type ChallengeParams } from '../errors/http-answer.js';
import type { SessionError } from '../errors/session-error.js';
import type { GuardedRequest } from './guarded-request.js';
import { attachSession } from './request-session.js';

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

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
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
    return single(this.raw.headers[name]);
  }

  get cookieHeader(): string | undefined {
    return single(this.raw.headers.cookie);
  }

  param(name: string): string | undefined {
    const value = this.raw.params?.[name];
    return typeof value === 'string' ? value : undefined;
  }

  setResponseHeader(name: string, value: string): void {
    const response = this.context.switchToHttp().getResponse<HttpResponseLike>();
    if (typeof response.header === 'function') response.header(name, value);
    else response.setHeader?.(name, value);
  }

  describe(): string {
    return `${this.raw.method ?? ''} ${this.raw.url ?? ''}`.trim();
  }

  keepSession(session: Session, tenant: TenantContext | undefined): void {
    attachSession(this.raw, session, tenant);
  }

  /** Nest's HTTP exception (status and JSON body), with the RFC 6750 challenge set on the response. */
  refusal(error: SessionError, challenge: ChallengeParams): unknown {
    const answer = toHttpAnswer(error, challenge);
    if (answer.wwwAuthenticate) this.setResponseHeader('WWW-Authenticate', answer.wwwAuthenticate);
    return answer.exception;
  }

  get method(): string | undefined {
    return this.raw.method;
  }

  appendSetCookie(cookies: readonly string[]): void {
    appendSetCookie(this.context.switchToHttp().getResponse(), cookies);
  }
}

export function httpRequest(context: ExecutionContext): GuardedRequest {
  return new HttpGuardedRequest(context.switchToHttp().getRequest<HttpRequestLike>(), context);
}
