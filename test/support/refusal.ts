import type { HttpAnswer } from './app.js';

/** The reasons the contract answers with `Bearer error="invalid_token"`. */
const INVALID_TOKEN_REASONS = new Set([
  'token_malformed', 'token_expired', 'token_not_yet_valid', 'signature_invalid', 'algorithm_not_allowed',
  'issuer_mismatch', 'audience_mismatch', 'key_not_found', 'claim_invalid', 'token_revoked', 'token_inactive', 'refresh_failed',
]);
const INSUFFICIENT_SCOPE_REASONS = new Set(['missing_roles', 'missing_permissions']);

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 503: 'Service Unavailable' };

export interface RefusalExpectation {
  /** The `realm` the app is configured with, expected first in the challenge. */
  realm?: string;
  /** Names expected in `failedValidators` (`claims_failed`), in any order. */
  failedValidators?: unknown[];
  /** Strings that must never appear in the answer (the token, key material). */
  secrets?: string[];
  /** `insufficient_user_authentication`: the expected `acr_values` (space-separated) and `max_age`, in the body and the challenge. */
  acrValues?: string;
  maxAge?: number;
}

/** Escapes a literal for use inside a RegExp. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The `WWW-Authenticate` value the contract's error table gives for `reason`, as a pattern (null: no header). */
export function expectedChallenge(reason: string, realm?: string, stepUp: { acrValues?: string; maxAge?: number } = {}): RegExp | null {
  const realmPart = realm === undefined ? '' : `realm="${literal(realm)}"`;
  if (reason === 'token_missing') return new RegExp(`^Bearer${realmPart ? ` ${realmPart}` : ''}$`);
  const prefix = `^Bearer ${realmPart ? `${realmPart}, ` : ''}`;
  if (INVALID_TOKEN_REASONS.has(reason)) return new RegExp(`${prefix}error="invalid_token", error_description="[^"\\\\]*"$`);
  if (reason === 'insufficient_user_authentication') {
    const acr = stepUp.acrValues === undefined ? '' : `, acr_values="${literal(stepUp.acrValues)}"`;
    const maxAge = stepUp.maxAge === undefined ? '' : `, max_age="${stepUp.maxAge}"`;
    return new RegExp(`${prefix}error="insufficient_user_authentication", error_description="[^"\\\\]*"${acr}${maxAge}$`);
  }
  if (INSUFFICIENT_SCOPE_REASONS.has(reason)) return new RegExp(`${prefix}error="insufficient_scope"(, error_description="[^"\\\\]*")?$`);
  return null;
}

/**
 * Asserts a refusal as the contract describes it: status, body `{ statusCode, error, message, reason }`
 * (plus `failedValidators` for `claims_failed`), the RFC 6750 challenge of the error table, and a
 * body with no stack, no key and no token in it.
 */
export function expectRefusal(answer: HttpAnswer, status: 401 | 403 | 503, reason: string, expectation: RefusalExpectation = {}): void {
  const { realm, failedValidators, secrets = [], acrValues, maxAge } = expectation;
  expect({ status: answer.status, reason: answer.body?.reason }).toEqual({ status, reason });
  const body: Record<string, unknown> = {
    statusCode: status,
    error: STATUS_TEXT[status],
    message: expect.any(String),
    reason,
  };
  if (failedValidators) body.failedValidators = expect.arrayContaining(failedValidators);
  if (acrValues !== undefined) body.acr_values = acrValues;
  if (maxAge !== undefined) body.max_age = maxAge;
  expect(answer.body).toEqual(body);
  if (failedValidators) expect((answer.body as { failedValidators: unknown[] }).failedValidators).toHaveLength(failedValidators.length);

  const challenge = expectedChallenge(reason, realm, { acrValues, maxAge });
  const header = answer.headers.get('www-authenticate');
  if (challenge === null) expect(header).toBeNull();
  else expect(header).toMatch(challenge);

  const text = JSON.stringify(answer.body);
  expect(text).not.toMatch(/\bstack\b|\n\s+at |-----BEGIN/);
  for (const secret of secrets) {
    expect(text).not.toContain(secret);
    expect(header ?? '').not.toContain(secret);
  }
}
