import { isPlainRecord } from '../claims/safe-values.js';
import { SessionError } from '../errors/session-error.js';
import type { SessionTokenField } from './lifecycle-options.js';

/** The fields of a successful token response (RFC 6749 section 5.1) the module uses. */
export interface TokenGrant {
  readonly sessionToken: string;
  /** The rotated refresh token; `undefined` when the provider keeps the old one valid. */
  readonly refreshToken?: string;
  /** Seconds the refresh token lives, when the provider says (`refresh_expires_in`, Keycloak and others). */
  readonly refreshExpiresIn?: number;
}

/** RFC 6749 section 5.2: an error code is printable ASCII without `"` and `\`. Anything else is not echoed. */
const ERROR_CODE = /^[\x20\x21\x23-\x5B\x5D-\x7E]{1,64}$/;

function unusable(detail: string): SessionError {
  return new SessionError('provider_unavailable', { message: `The identity provider answered with an unusable token response: ${detail}` });
}

export function parseTokenGrant(body: unknown, field: SessionTokenField): TokenGrant {
  if (!isPlainRecord(body)) throw unusable('not a JSON object');
  const sessionToken = body[field];
  if (typeof sessionToken !== 'string' || sessionToken.length === 0) throw unusable(`no ${field}`);
  const refreshToken = body.refresh_token;
  if (refreshToken !== undefined && (typeof refreshToken !== 'string' || refreshToken.length === 0)) throw unusable('refresh_token is not a string');
  const refreshExpiresIn = body.refresh_expires_in;
  return {
    sessionToken,
    ...(refreshToken !== undefined && { refreshToken }),
    ...(typeof refreshExpiresIn === 'number' && Number.isFinite(refreshExpiresIn) && refreshExpiresIn > 0 && { refreshExpiresIn }),
  };
}

/** The provider's OAuth error code (`invalid_grant` ...), when the body carries a well-formed one. */
export function oauthErrorCode(body: unknown): string | undefined {
  if (!isPlainRecord(body)) return undefined;
  return typeof body.error === 'string' && ERROR_CODE.test(body.error) ? body.error : undefined;
}
