import type { RequestCredentials } from '../extraction/token-extractor.interface.js';
import type { TenantHints } from '../tenants/tenant-resolver.js';

/** One incoming request as the guard sees it, whatever the transport. */
export interface GuardedRequest extends RequestCredentials, TenantHints {
  /** Sets a response header (the RFC 6750 challenge), where the transport has one. */
  setResponseHeader(name: string, value: string): void;
  /** For logs: `GET /path`. */
  describe(): string;
}
