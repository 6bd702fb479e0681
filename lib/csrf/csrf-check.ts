import { SessionError } from '../errors/session-error.js';
import type { CsrfPolicy } from './csrf-options.js';

/** What the check reads from a request. */
export interface CsrfRequest {
  /** The HTTP method; without one (not HTTP) there is nothing to check. */
  readonly method?: string;
  header(name: string): string | undefined;
}

/** Methods a browser sends cross-site without asking; all others change state. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

function originOf(value: string | undefined): string | undefined {
  if (value === undefined || value === '' || value === 'null') return undefined;
  try {
    const url = new URL(value);
    return url.origin === 'null' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}

/**
 * For a request whose session comes from a cookie: an unsafe method must carry the anti-CSRF
 * header, or come from an allowed origin (its `Origin`, else its `Referer`): the app's own
 * (same host as the request) or one of `allowedOrigins`. Otherwise 403 `csrf_failed`.
 */
export function checkCsrf(policy: CsrfPolicy, request: CsrfRequest): void {
  const method = request.method?.toUpperCase();
  if (method === undefined || SAFE_METHODS.has(method)) return;
  if (policy.header !== undefined && request.header(policy.header)) return;
  const source = originOf(request.header('origin')) ?? originOf(request.header('referer'));
  if (source !== undefined) {
    if (policy.allowedOrigins.has(source)) return;
    const host = request.header('host');
    if (host !== undefined && new URL(source).host === host.toLowerCase()) return;
  }
  throw new SessionError('csrf_failed');
}
