import { errors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { SessionError } from '../errors/session-error.js';
import type { KeyResolver, VerificationKey } from '../keys/key-resolver.interface.js';
import type { SessionOptions } from '../options/session-options.js';
import { reasonForJoseError } from './jose-error-reason.js';

/** Three base64url segments; the signature may be empty only so that `alg: none` is named as such. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** A base64url segment can never be 1 character past a multiple of 4. */
function hasImpossibleSegment(token: string): boolean {
  return token.split('.').some((segment) => segment.length % 4 === 1);
}

/**
 * Verifies a compact JWS offline: length and shape first, then jose (allow-list, `crit`,
 * signature, `typ`, `exp`, `nbf`, `iss`, `aud`, `maxTokenAge`), then what jose leaves to us.
 */
export class TokenVerifier {
  private readonly joseOptions: JWTVerifyOptions;

  constructor(
    private readonly options: SessionOptions,
    private readonly keys: KeyResolver,
  ) {
    this.joseOptions = Object.freeze({
      algorithms: [...options.algorithms],
      issuer: [...options.issuers],
      ...(options.audience && { audience: [...options.audience] }),
      clockTolerance: options.clockTolerance,
      ...(options.maxTokenAge !== undefined && { maxTokenAge: options.maxTokenAge }),
      ...(options.tokenType !== undefined && { typ: options.tokenType }),
      requiredClaims: [...options.requiredClaims],
    });
  }

  async verify(token: string): Promise<JWTPayload> {
    if (typeof token !== 'string' || token.length > this.options.maxTokenLength) {
      throw new SessionError('token_malformed', { message: 'The session token is missing or too long' });
    }
    if (!COMPACT_JWS.test(token) || hasImpossibleSegment(token)) throw new SessionError('token_malformed');
    const payload = await this.verifyWithCandidates(token);
    this.checkWhatJoseLeaves(payload);
    return payload;
  }

  /** When several keys match (no `kid`, or a shared one), each is tried before giving up. */
  private async verifyWithCandidates(token: string): Promise<JWTPayload> {
    let candidates: readonly VerificationKey[] | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        const { payload } = await jwtVerify(
          token,
          async (header) => (candidates ??= await this.keys.resolve(header))[attempt]!,
          this.joseOptions,
        );
        return payload;
      } catch (error) {
        if (error instanceof SessionError) throw error;
        const another = error instanceof errors.JWSSignatureVerificationFailed && candidates && attempt + 1 < candidates.length;
        if (!another) throw new SessionError(reasonForJoseError(error), { cause: error });
      }
    }
  }

  private checkWhatJoseLeaves(payload: JWTPayload): void {
    if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
      throw new SessionError('claim_invalid', { message: 'The session token has no subject' });
    }
    // jose checks `iat` against the clock only with maxTokenAge; a token from the future is never fine.
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + this.options.clockTolerance) {
      throw new SessionError('claim_invalid', { message: 'The session token was issued in the future' });
    }
  }
}
