import { SessionConfigError } from '../errors/session-config.error.js';
import { isPlainRecord } from '../claims/safe-values.js';

/** The CSRF check for cookie sessions (`csrf` option). */
export interface CsrfOptions {
  /**
   * Origins (`https://app.example.com`) whose pages may send unsafe requests with the session
   * cookie, besides the app's own origin (the request's `Host`).
   */
  allowedOrigins?: string[];
  /**
   * A request header whose presence passes the check whatever the origin: a cross-site form
   * cannot set headers, and a cross-site script cannot without a CORS preflight the app allows.
   * Default `x-requested-with`; `false` to rely on origins alone.
   */
  header?: string | false;
}

/** The checked `csrf` option. */
export interface CsrfPolicy {
  readonly allowedOrigins: ReadonlySet<string>;
  /** Lower case. */
  readonly header?: string;
}

export const CSRF_OPTION_KEYS = Object.freeze(['csrf'] as const);

const FIELDS: ReadonlySet<string> = new Set(['allowedOrigins', 'header']);

function origin(value: unknown): string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new SessionConfigError('csrf.allowedOrigins', `holds ${JSON.stringify(value)}, not an origin such as "https://app.example.com"`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin === 'null') {
    throw new SessionConfigError('csrf.allowedOrigins', `holds ${JSON.stringify(value)}, not an http(s) origin`);
  }
  return url.origin;
}

/** `true` or omitted: on, with the defaults. `false`: off (cookie sessions then rely on SameSite alone). */
export function readCsrfOption(value: unknown): CsrfPolicy | false {
  if (value === false) return false;
  if (value === undefined || value === true) return Object.freeze({ allowedOrigins: new Set<string>(), header: 'x-requested-with' });
  if (!isPlainRecord(value)) throw new SessionConfigError('csrf', 'must be true, false or { allowedOrigins?, header? }');
  for (const key of Object.keys(value)) {
    if (!FIELDS.has(key)) throw new SessionConfigError(`csrf.${key}`, 'is not an option of csrf (known: allowedOrigins, header)');
  }
  const input = value as CsrfOptions;
  if (input.allowedOrigins !== undefined && !Array.isArray(input.allowedOrigins)) {
    throw new SessionConfigError('csrf.allowedOrigins', 'must be an array of origins');
  }
  const header = input.header ?? 'x-requested-with';
  if (header !== false && (typeof header !== 'string' || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(header))) {
    throw new SessionConfigError('csrf.header', 'must be a header name or false');
  }
  return Object.freeze({
    allowedOrigins: new Set((input.allowedOrigins ?? []).map(origin)),
    ...(header !== false && { header: header.toLowerCase() }),
  });
}
