import type { DpopForwardedHeaders } from '../dpop/dpop-options.js';
import type { DpopRequestUrl } from '../dpop/dpop-proof-check.js';
import type { SessionError } from '../errors/session-error.js';
import type { ChallengeParams } from '../errors/http-answer.js';
import type { RequestCredentials } from '../extraction/token-extractor.interface.js';
import type { TenantHints } from '../tenants/tenant-resolver.js';

/** One incoming request as the guard sees it, whatever the transport. */
export interface GuardedRequest extends RequestCredentials, TenantHints {
  /** Sets a response header (the RFC 6750 challenge), where the transport has one. */
  setResponseHeader(name: string, value: string): void;
  /**
   * Whether this route declares the parameter `name` itself (an HTTP path's `:tenantId`, a GraphQL
   * field's argument); never for message fields, which are the client's choice.
   */
  declaresParam(name: string): boolean;
  /** For logs: `GET /path`. */
  describe(): string;
  /** Keeps the accepted session where this transport's `@CurrentSession()` and `@Tenant()` find it. */
  /**
   * Where this transport keeps the accepted session, for `@CurrentSession()`, `@Tenant()` and
   * `getSession()` to find (the same objects as its adapter's `carriers`).
   */
  readonly sessionCarriers: readonly unknown[];
  /**
   * The transport's own refusal for a `SessionError`: Nest's HTTP exception with its RFC 6750
   * challenge, a GraphQL error, a `WsException`, an `RpcException` (these two may be a promise).
   */
  refusal(error: SessionError, challenge: ChallengeParams): unknown;
  /** The HTTP method, where the transport has one (the CSRF check of cookie sessions reads it). */
  readonly method?: string;
  /** Scheme, host and path the client addressed (a DPoP proof's `htu`), where the transport is HTTP. */
  requestUrl?(forwarded: DpopForwardedHeaders | undefined): DpopRequestUrl | undefined;
  /** Adds `Set-Cookie` values to the response (automatic refresh), where the transport has one. */
  appendSetCookie?(cookies: readonly string[]): void;
}
