import type { ClaimsMapper } from '../claims-mapper.interface.js';
import { scopeList } from '../safe-values.js';

/**
 * Any OpenID Connect / OAuth 2.0 provider issuing JWT access tokens (RFC 9068): Scalekit,
 * Transmit, oidc-provider, Okta, Entra ID and the like.
 * - permissions: the granted `scope` (space-separated), else `scp` (a string or an array)
 * - roles: `roles` (an array, as RFC 9068 section 2.2.3.1 and Entra ID put it)
 * - authentication methods: `amr`; session id: `sid`, else `jti`
 *
 * ```json
 * { "iss": "https://auth.example.com", "sub": "user_8f2k", "aud": "https://api.example.com",
 *   "client_id": "web-app", "scope": "openid orders:read orders:write", "roles": ["support"],
 *   "amr": ["pwd", "otp"], "sid": "ses_41c9", "jti": "at_77x", "iat": 1767225600, "exp": 1767229200 }
 * ```
 */
export const oidcClaims: ClaimsMapper = (payload) => ({
  roles: payload.roles,
  permissions: payload.scope !== undefined ? scopeList(payload.scope) : scopeList(payload.scp),
  authMethods: payload.amr,
  sessionId: payload.sid ?? payload.jti,
});
