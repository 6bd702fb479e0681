import { decodeJwt, decodeProtectedHeader, errors, type JWTPayload } from 'jose';
import { SessionError } from '../errors/session-error.js';
import type { SessionErrorReason } from '../errors/session-error-reason.js';
import type { ReplayStore } from '../replay/replay-store.interface.js';
import type { TokenVerifier } from '../verification/token-verifier.js';
import { PushRejection, type PushErrorCode } from './push-rejection.js';

/** What a kind of pushed token must satisfy besides its issuer's signature. */
export interface PushedTokenRules {
  /** Namespace of its `jti` in the replay store (`bcl`, `set`). */
  readonly kind: string;
  /** Expected `typ` header (compared as a media type, as jose does). */
  readonly typ: string;
  /** `true`: the `typ` header must be present; `false`: checked only when sent. */
  readonly typRequired: boolean;
  readonly issuers: readonly string[];
  readonly audience: readonly string[];
  /** Seconds after `iat` the token is accepted. */
  readonly maxTokenAge: number;
  readonly clockTolerance: number;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_JTI_LENGTH = 256;

const CODE_BY_REASON: Partial<Record<SessionErrorReason, PushErrorCode>> = {
  signature_invalid: 'invalid_key',
  key_not_found: 'invalid_key',
  algorithm_not_allowed: 'invalid_key',
  issuer_mismatch: 'invalid_issuer',
  audience_mismatch: 'invalid_audience',
  keys_unavailable: 'temporarily_unavailable',
  revocation_unavailable: 'temporarily_unavailable',
};

function rejection(error: unknown): PushRejection {
  if (error instanceof PushRejection) return error;
  if (error instanceof SessionError) {
    // jose's own message names the claim or header and the rule (never the token or a key).
    const detail = error.cause instanceof errors.JOSEError ? error.cause.message : error.message.replace(/session token/g, 'token');
    return new PushRejection(CODE_BY_REASON[error.reason] ?? 'invalid_request', detail);
  }
  return new PushRejection('invalid_request', 'The token could not be verified');
}

function unverifiedParts(token: string): { typ: unknown; iss: unknown } {
  try {
    return { typ: decodeProtectedHeader(token).typ, iss: decodeJwt(token).iss };
  } catch {
    throw new PushRejection('invalid_request', 'The token is not a signed JWT');
  }
}

/**
 * Verifies a pushed JWT with the keys of the configured issuer that signed it (the module's own key
 * resolution), then claims its `jti` once in the shared replay store: a replay, on any instance,
 * is refused. Never accepts an encrypted, unsigned or oversized token.
 */
export class PushedTokenVerifier {
  constructor(
    private readonly tokens: TokenVerifier,
    private readonly replays: ReplayStore,
    private readonly maxTokenLength: number,
  ) {}

  /** `read` checks the claims of this kind of token (and says what it means) before its `jti` is claimed. */
  async verify<T>(token: unknown, rules: PushedTokenRules, read: (payload: JWTPayload) => T): Promise<T> {
    try {
      const payload = await this.verifySigned(token, rules);
      const meaning = read(payload);
      await this.claimJti(payload, rules);
      return meaning;
    } catch (error) {
      throw rejection(error);
    }
  }

  private async verifySigned(token: unknown, rules: PushedTokenRules): Promise<JWTPayload> {
    if (typeof token !== 'string' || token.length === 0) throw new PushRejection('invalid_request', 'No token was sent');
    if (token.length > this.maxTokenLength || !COMPACT_JWS.test(token)) throw new PushRejection('invalid_request', 'The token is not a compact signed JWT');
    const { typ, iss } = unverifiedParts(token);
    if (typ === undefined && rules.typRequired) throw new PushRejection('invalid_request', `The token has no typ header (${rules.typ} expected)`);
    if (typeof iss !== 'string' || !rules.issuers.includes(iss)) throw new PushRejection('invalid_issuer', 'The token issuer is not accepted');
    const verifier = this.tokens.verifiers.find((candidate) => candidate.config.issuers.includes(iss));
    if (!verifier) throw new PushRejection('invalid_issuer', 'The token issuer is not accepted');
    const { payload } = await verifier.verifyJwt(token, {
      issuer: iss,
      audience: [...rules.audience],
      clockTolerance: rules.clockTolerance,
      maxTokenAge: rules.maxTokenAge,
      requiredClaims: ['iat', 'jti'],
      ...(typ !== undefined && { typ: rules.typ }),
    });
    if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > MAX_JTI_LENGTH) {
      throw new PushRejection('invalid_request', 'The token jti must be a non-empty string');
    }
    return payload;
  }

  /** Kept until the token could no longer be accepted anyway: its `exp` or the end of the `iat` window. */
  private async claimJti(payload: JWTPayload, rules: PushedTokenRules): Promise<void> {
    const windowEnd = payload.iat! + rules.maxTokenAge;
    const lastAccepted = Math.min(typeof payload.exp === 'number' ? payload.exp : windowEnd, windowEnd) + rules.clockTolerance;
    const id = `${rules.kind}:${JSON.stringify([payload.iss, payload.jti])}`;
    if (!(await this.replays.claimOnce(id, (lastAccepted + 1) * 1000))) {
      throw new PushRejection('invalid_request', 'The token was already received (jti replayed)');
    }
  }
}
