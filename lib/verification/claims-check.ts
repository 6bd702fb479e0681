import { errors, type JWSHeaderParameters, type JWTPayload } from 'jose';
import { SessionError } from '../errors/session-error.js';
import type { VerificationConfig } from './verification-options.js';

/** Seconds since the epoch of the latest `Date` (year 275760): any later NumericDate means nothing. */
const LATEST_NUMERIC_DATE = 8.64e12;

export function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= LATEST_NUMERIC_DATE;
}

/** A media type as RFC 7515 section 4.1.9 compares it: `JWT` stands for `application/jwt`. */
function normalizeTyp(value: string): string {
  const lower = value.toLowerCase();
  return value.includes('/') ? lower : `application/${lower}`;
}

/** The claims part of a verified token's issuer: what the claims must say, settled once. */
export interface ClaimsRules {
  readonly issuers: readonly string[];
  readonly audience?: readonly string[];
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const checkFailed = (payload: JWTPayload, claim: string, message = `unexpected "${claim}" claim value`) =>
  new errors.JWTClaimValidationFailed(message, payload, claim, 'check_failed');

/**
 * The claim set of a token whose signature jose has verified (`compactVerify`), parsed once and
 * checked once: first what jose's `jwtVerify` checks, in its order and with its error classes (so
 * each failure maps to the same reason, and an expired token keeps its payload for refresh), then
 * what jose leaves to us. Replaces `jwtVerify`, which parsed and checked the claims in a pass of
 * its own before ours.
 */
export class ClaimsCheck {
  private readonly issuers: readonly string[];
  private readonly audience?: readonly string[];
  /** jose's presence order: `iss`, `aud`, `iat` (under maxTokenAge), then the required claims last to first. */
  private readonly present: readonly string[];
  private readonly typ?: string;
  private readonly clockTolerance: number;
  private readonly maxTokenAge?: number;
  private readonly maxTokenLifetime?: number;

  constructor(rules: ClaimsRules, options: VerificationConfig) {
    this.issuers = [...rules.issuers];
    if (rules.audience) this.audience = [...rules.audience];
    this.typ = options.tokenType === undefined ? undefined : normalizeTyp(options.tokenType);
    this.clockTolerance = options.clockTolerance;
    this.maxTokenAge = options.maxTokenAge;
    this.maxTokenLifetime = options.maxTokenLifetime;
    const wanted = [...options.requiredClaims, ...(this.maxTokenAge !== undefined ? ['iat'] : []), ...(this.audience ? ['aud'] : []), 'iss'];
    this.present = [...new Set(wanted.reverse())];
  }

  /** The verified payload (signature already checked), or a throw: jose's claim errors, then `SessionError`. */
  check(header: JWSHeaderParameters, payloadBytes: Uint8Array): JWTPayload {
    if (header.b64 === false) throw new errors.JWTInvalid('JWTs MUST NOT use unencoded payload');
    const payload = this.parse(payloadBytes);
    this.checkAsJoseDoes(header, payload);
    this.checkWhatJoseLeaves(payload);
    return payload;
  }

  private parse(bytes: Uint8Array): JWTPayload {
    let payload: unknown;
    try {
      payload = JSON.parse(strictUtf8.decode(bytes));
    } catch (cause) {
      throw new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object', { cause });
    }
    // JSON.parse gives plain objects only: no other prototype to rule out.
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      throw new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object');
    }
    return payload as JWTPayload;
  }

  private checkAsJoseDoes(header: JWSHeaderParameters, payload: JWTPayload): void {
    if (this.typ !== undefined && (typeof header.typ !== 'string' || normalizeTyp(header.typ) !== this.typ)) {
      throw checkFailed(payload, 'typ', 'unexpected "typ" JWT header value');
    }
    for (const claim of this.present) {
      if (!Object.hasOwn(payload, claim)) throw new errors.JWTClaimValidationFailed(`missing required "${claim}" claim`, payload, claim, 'missing');
    }
    if (!this.issuers.includes(payload.iss as string)) throw checkFailed(payload, 'iss');
    if (this.audience && !hasAudience(payload.aud, this.audience)) throw checkFailed(payload, 'aud');
    const now = Math.floor(Date.now() / 1000);
    const tolerance = this.clockTolerance;
    const iat = numericClaim(payload, 'iat');
    const nbf = numericClaim(payload, 'nbf');
    if (nbf !== undefined && nbf > now + tolerance) throw checkFailed(payload, 'nbf', '"nbf" claim timestamp check failed');
    const exp = numericClaim(payload, 'exp');
    if (exp !== undefined && exp <= now - tolerance) throw new errors.JWTExpired('"exp" claim timestamp check failed', payload, 'exp', 'check_failed');
    if (this.maxTokenAge !== undefined) {
      const age = now - (iat as number);
      if (age - tolerance > this.maxTokenAge) {
        throw new errors.JWTExpired('"iat" claim timestamp check failed (too far in the past)', payload, 'iat', 'check_failed');
      }
      if (age < -tolerance) throw checkFailed(payload, 'iat', '"iat" claim timestamp check failed (it should be in the past)');
    }
  }

  private checkWhatJoseLeaves(payload: JWTPayload): void {
    if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
      throw new SessionError('claim_invalid', { message: '"sub" must be a non-empty string' });
    }
    // jose checks that these are numbers, but Infinity (`1e400` in JSON), 1e308 or -5 pass as such.
    for (const claim of ['exp', 'nbf', 'iat'] as const) {
      if (payload[claim] !== undefined && !isNumericDate(payload[claim])) {
        throw new SessionError('claim_invalid', { message: `"${claim}" must be a date: seconds from 0 to ${LATEST_NUMERIC_DATE}` });
      }
    }
    // jose compares `iat` with the clock only under maxTokenAge; a token from the future is never fine.
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + this.clockTolerance) {
      throw new SessionError('claim_invalid', { message: '"iat" is in the future' });
    }
    if (this.maxTokenLifetime !== undefined) {
      if (typeof payload.iat !== 'number') throw new SessionError('claim_invalid', { message: '"iat" is missing (maxTokenLifetime needs it)' });
      if ((payload.exp as number) - payload.iat > this.maxTokenLifetime) {
        throw new SessionError('claim_invalid', { message: `"exp" - "iat" is over maxTokenLifetime (${this.maxTokenLifetime} s)` });
      }
    }
  }
}

/** A NumericDate claim as jose reads it: absent, or a number (required ones were checked present). */
function numericClaim(payload: JWTPayload, claim: 'iat' | 'nbf' | 'exp'): number | undefined {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new errors.JWTClaimValidationFailed(`"${claim}" claim must be a number`, payload, claim, 'invalid');
  return value;
}

function hasAudience(aud: unknown, accepted: readonly string[]): boolean {
  if (typeof aud === 'string') return accepted.includes(aud);
  return Array.isArray(aud) && accepted.some((one) => aud.includes(one));
}
