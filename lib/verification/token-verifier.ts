import { decodeJwt, type CompactVerifyResult, type JWTPayload } from 'jose';
import type { ClaimsMapper } from '../claims/claims-mapper.interface.js';
import { SessionError } from '../errors/session-error.js';
import type { VerificationConfig } from './verification-options.js';
import type { IssuerVerifier } from './issuer-verifier.js';

/** Three base64url segments; the signature may be empty only so that `alg: none` is named as such. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Each bytes value has one base64url spelling (RFC 4648 section 3.5): a segment is never one
 * character past a multiple of 4, and the bits its last character carries beyond the final byte
 * are zero. Lenient decoders accept other spellings, so two different tokens would carry the same
 * bytes; only the canonical one is accepted.
 */
function hasNonCanonicalSegment(token: string): boolean {
  return token.split('.').some((segment) => {
    const extra = segment.length % 4;
    if (extra === 0) return false;
    if (extra === 1) return true;
    const unusedBits = extra === 2 ? 0b1111 : 0b11;
    return (BASE64URL.indexOf(segment[segment.length - 1]!) & unusedBits) !== 0;
  });
}

export interface VerifiedToken {
  readonly payload: JWTPayload;
  /** The claim layout of the issuer that signed it. */
  readonly mapClaims: ClaimsMapper;
}

/**
 * Verifies a compact JWS offline: length and shape before any parsing, then the issuer's own
 * verifier. With several issuers, the unverified `iss` only picks which one; an unknown `iss`
 * is refused before any key is fetched.
 */
export class TokenVerifier {
  private readonly byIssuer = new Map<string, IssuerVerifier>();

  constructor(
    private readonly options: Pick<VerificationConfig, 'maxTokenLength'>,
    readonly verifiers: readonly IssuerVerifier[],
  ) {
    for (const verifier of verifiers) for (const iss of verifier.config.issuers) this.byIssuer.set(iss, verifier);
  }

  async verify(token: string): Promise<VerifiedToken> {
    const verifier = this.admit(token);
    return { payload: await verifier.verify(token), mapClaims: verifier.config.mapClaims };
  }

  /** The configuration of the issuer named `iss`, if it is one of ours. */
  issuerConfig(iss: string): IssuerVerifier['config'] | undefined {
    return this.byIssuer.get(iss)?.config;
  }

  /** The guard's path without the claims step: length, shape, issuer, keys and signature. */
  async verifySignature(token: string): Promise<CompactVerifyResult> {
    return this.admit(token).verifySignature(token);
  }

  /** Length and shape before any parsing; then the issuer whose keys must have signed it. */
  private admit(token: string): IssuerVerifier {
    if (typeof token !== 'string' || token.length > this.options.maxTokenLength) {
      throw new SessionError('token_malformed', { message: 'The session token is missing or too long' });
    }
    if (!COMPACT_JWS.test(token) || hasNonCanonicalSegment(token)) throw new SessionError('token_malformed');
    return this.verifierFor(token);
  }

  /** One issuer: jose checks `iss` itself, no extra parse. Several: route on the unverified `iss`. */
  private verifierFor(token: string): IssuerVerifier {
    if (this.verifiers.length === 1) return this.verifiers[0]!;
    let iss: unknown;
    try {
      iss = decodeJwt(token).iss;
    } catch (error) {
      throw new SessionError('token_malformed', { cause: error });
    }
    const verifier = typeof iss === 'string' ? this.byIssuer.get(iss) : undefined;
    if (!verifier) throw new SessionError('issuer_mismatch');
    return verifier;
  }
}
