import type { ExecutionContext } from '@nestjs/common';
import type { GuardedRequest } from './guarded-request.js';
import type { TransportConfig } from './transport-options.js';

/**
 * How the module reads one kind of Nest invocation (`context.getType()`): where its credentials
 * are, where an accepted session is kept, how it is refused. One adapter per transport; a new
 * transport is one adapter passed to `registerTransport`.
 */
export interface TransportAdapter {
  /** Nest's context type: `http`, `graphql`, `ws`, `rpc`, or a custom transport's own. */
  readonly type: string;
  /** The invocation as the guard reads it. */
  request(context: ExecutionContext, config: TransportConfig): GuardedRequest;
  /**
   * The objects this invocation is known by, most specific first: the guard keeps the accepted
   * session under each, and `@CurrentSession()` / `@Tenant()` look for it there.
   */
  carriers(context: ExecutionContext): unknown[];
}
