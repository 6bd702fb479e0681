import type { ExecutionContext } from '@nestjs/common';
import { appendSetCookie } from '../cookies/response-cookies.js';
import type { DpopForwardedHeaders } from '../dpop/dpop-options.js';
import type { DpopRequestUrl } from '../dpop/dpop-proof-check.js';
import { dpopRequestUrl } from '../dpop/dpop-request-url.js';
import type { SessionError } from '../errors/session-error.js';
import { refuseRepeatedHeader } from '../extraction/single-valued-header.js';
import type { GuardedRequest } from './guarded-request.js';
import { firstHeaderValue } from './header-value.js';
import type { TransportAdapter } from './transport-adapter.js';
import { GraphQLRefusal } from './transport-refusal.js';

/** The parts of the GraphQL context this module reads: the HTTP request, and the response if the app puts it there. */
interface GraphQLContextLike {
  req?: { headers?: Record<string, string | string[] | undefined>; method?: string };
  res?: unknown;
  reply?: unknown;
}

/** The parts of graphql-js's `GraphQLResolveInfo` used in logs. */
interface ResolveInfoLike {
  fieldName?: unknown;
  parentType?: { name?: unknown };
}

function asObject<T extends object>(value: unknown): Partial<T> {
  return typeof value === 'object' && value !== null ? (value as Partial<T>) : {};
}

/**
 * A resolver call (`@nestjs/graphql`, execution args `[root, args, context, info]`), read without
 * importing GraphQL: headers and cookies from the HTTP request in the context (`req`, which the
 * Apollo driver always sets), the tenant from the resolver's own arguments (`tenantId`).
 */
class GraphQLGuardedRequest implements GuardedRequest {
  private readonly graphqlContext: GraphQLContextLike;
  private readonly args: Record<string, unknown>;
  /**
   * Only when the app's GraphQL context carries the response (`context: ({ req, res }) => ({ req, res })`):
   * automatic refresh runs only where its cookies can be set.
   */
  readonly appendSetCookie?: (cookies: readonly string[]) => void;

  constructor(private readonly context: ExecutionContext) {
    this.args = asObject<Record<string, unknown>>(context.getArgByIndex(1));
    this.graphqlContext = asObject<GraphQLContextLike>(context.getArgByIndex(2));
    const response = this.response;
    if (response !== undefined) this.appendSetCookie = (cookies) => appendSetCookie(response, cookies);
  }

  /** The HTTP request, for custom extractors (as on HTTP routes). */
  get raw(): unknown {
    return this.graphqlContext.req;
  }

  header(name: string): string | undefined {
    refuseRepeatedHeader(this.graphqlContext.req, name);
    return firstHeaderValue(this.graphqlContext.req?.headers?.[name]);
  }

  get cookieHeader(): string | undefined {
    return this.header('cookie');
  }

  /** A resolver argument: `@Args('tenantId')` names the tenant as a route parameter would. */
  param(name: string): string | undefined {
    if (!Object.hasOwn(this.args, name)) return undefined;
    const value = this.args[name];
    return typeof value === 'string' ? value : undefined;
  }

  /** Declared by the resolver's arguments (the schema refuses arguments a field does not declare). */
  declaresParam(name: string): boolean {
    return Object.hasOwn(this.args, name);
  }

  /** The HTTP method (GraphQL over POST is an unsafe method for the CSRF check of cookie sessions). */
  get method(): string | undefined {
    return this.graphqlContext.req?.method;
  }

  private get response(): unknown {
    return this.graphqlContext.res ?? this.graphqlContext.reply;
  }

  /** Only when the app's GraphQL context carries the response. */
  setResponseHeader(name: string, value: string): void {
    const response = asObject<{ header: (n: string, v: string) => unknown; setHeader: (n: string, v: string) => unknown }>(this.response);
    if (typeof response.header === 'function') response.header(name, value);
    else if (typeof response.setHeader === 'function') response.setHeader(name, value);
  }


  requestUrl(forwarded: DpopForwardedHeaders | undefined): DpopRequestUrl | undefined {
    return dpopRequestUrl(this.raw, this, forwarded);
  }

  describe(): string {
    const info = asObject<ResolveInfoLike>(this.context.getArgByIndex(3));
    const parent = typeof info.parentType?.name === 'string' ? info.parentType.name : '?';
    const field = typeof info.fieldName === 'string' ? info.fieldName : '?';
    return `GraphQL ${parent}.${field}`;
  }

  get sessionCarriers(): readonly unknown[] {
    return graphqlCarriers(this.context);
  }

  /** A GraphQL error whose `extensions` carry `code` (`UNAUTHENTICATED`, `FORBIDDEN`) and `reason`. */
  refusal(error: SessionError): unknown {
    return new GraphQLRefusal(error);
  }
}

/** The GraphQL context's HTTP request (Apollo puts it in `req`), else the context itself. */
function requestCarrier(graphqlContext: unknown): unknown {
  const request = asObject<GraphQLContextLike>(graphqlContext).req;
  return typeof request === 'object' && request !== null ? request : graphqlContext;
}

/**
 * `info` first, made afresh for each resolver call, so that two root fields of one operation
 * naming different tenants never see each other's tenant; then the HTTP request, for field
 * resolvers the guard does not run on.
 */
function graphqlCarriers(context: ExecutionContext): unknown[] {
  return [context.getArgByIndex(3), requestCarrier(context.getArgByIndex(2))];
}

/** `@nestjs/graphql` resolvers, execution args `[root, args, context, info]`. */
export const graphqlTransport: TransportAdapter = {
  type: 'graphql',
  request: (context) => new GraphQLGuardedRequest(context),
  carriers: graphqlCarriers,
};
