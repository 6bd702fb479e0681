/** Why a session was refused. Stable strings: applications and clients may branch on them. */
export type SessionErrorReason =
  // 401: no usable token
  | 'token_missing'
  | 'token_malformed'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'signature_invalid'
  | 'algorithm_not_allowed'
  | 'issuer_mismatch'
  | 'audience_mismatch'
  | 'key_not_found'
  | 'claim_invalid'
  | 'token_revoked'
  | 'token_inactive'
  | 'dpop_invalid'
  | 'dpop_nonce_required'
  // 403: a valid session that the route does not admit
  | 'missing_roles'
  | 'missing_permissions'
  | 'tenant_not_member'
  | 'tenant_required'
  | 'claims_failed'
  | 'csrf_failed'
  // 401: a valid session whose authentication is too weak or too old for the route (RFC 9470)
  | 'insufficient_user_authentication'
  // 503: the check could not be made
  | 'keys_unavailable'
  | 'revocation_unavailable'
  // session lifecycle calls
  | 'refresh_failed'
  | 'provider_unavailable';

/** The HTTP status each reason is answered with. */
export const REASON_STATUS: Readonly<Record<SessionErrorReason, 401 | 403 | 503>> = Object.freeze({
  token_missing: 401,
  token_malformed: 401,
  token_expired: 401,
  token_not_yet_valid: 401,
  signature_invalid: 401,
  algorithm_not_allowed: 401,
  issuer_mismatch: 401,
  audience_mismatch: 401,
  key_not_found: 401,
  claim_invalid: 401,
  token_revoked: 401,
  token_inactive: 401,
  dpop_invalid: 401,
  dpop_nonce_required: 401,
  missing_roles: 403,
  missing_permissions: 403,
  tenant_not_member: 403,
  tenant_required: 403,
  claims_failed: 403,
  csrf_failed: 403,
  insufficient_user_authentication: 401,
  keys_unavailable: 503,
  revocation_unavailable: 503,
  refresh_failed: 401,
  provider_unavailable: 503,
});

/** Default messages: short, and never echoing the token or a key. */
export const REASON_MESSAGE: Readonly<Record<SessionErrorReason, string>> = Object.freeze({
  token_missing: 'No session token was presented',
  token_malformed: 'The session token is malformed',
  token_expired: 'The session token has expired',
  token_not_yet_valid: 'The session token is not valid yet',
  signature_invalid: 'The session token signature is invalid',
  algorithm_not_allowed: 'The session token algorithm is not allowed',
  issuer_mismatch: 'The session token issuer is not accepted',
  audience_mismatch: 'The session token audience is not accepted',
  key_not_found: 'No key matches the session token',
  claim_invalid: 'A session token claim is invalid',
  token_revoked: 'The session has been revoked',
  token_inactive: 'The identity provider says the session token is not active',
  dpop_invalid: 'The DPoP proof or the token binding is invalid',
  dpop_nonce_required: 'The DPoP proof must carry the nonce the server provided',
  missing_roles: 'The session lacks a required role',
  missing_permissions: 'The session lacks a required permission',
  tenant_not_member: 'The session is not a member of the requested tenant',
  tenant_required: 'This route requires a tenant',
  claims_failed: 'The session does not satisfy the route claim requirements',
  csrf_failed: 'The request failed the cross-site request forgery check',
  insufficient_user_authentication: 'A stronger or more recent authentication is required',
  keys_unavailable: 'Signing keys are unavailable',
  revocation_unavailable: 'The revocation store is unavailable',
  refresh_failed: 'The session could not be refreshed',
  provider_unavailable: 'The identity provider could not be reached',
});
