import { compactVerify, errors, type CompactJWSHeaderParameters, type CompactVerifyResult, type JWTPayload } from 'jose';
import { SessionError } from '../errors/session-error.js';
import { HMAC_MIN_SECRET_BYTES, isHmacAlgorithm } from '../keys/algorithms.js';
import type { KeyResolver, VerificationKey } from '../keys/key-resolver.interface.js';
import type { IssuerConfig, SessionOptions } from '../options/session-options.js';
import { ClaimsCheck } from './claims-check.js';
import { reasonForJoseError } from './jose-error-reason.js';

/**
 * RFC 7518 section 3.2, which jose does not check. The options already keep such algorithms out of
 * the allow-list; this holds for any `KeyResolver` an application plugs in.
 */
function strongEnough(alg: string | undefined, key: VerificationKey): VerificationKey {
  const min = alg !== undefined && isHmacAlgorithm(alg) ? HMAC_MIN_SECRET_BYTES[alg] : 0;
  if (key instanceof Uint8Array && key.byteLength < min) {
    throw new SessionError('key_not_found', { message: `The configured secret is too short for ${alg}` });
  }
  return key;
}

/**
 * Verifies tokens of one issuer with jose: allow-list, `crit`, signature (`compactVerify`, the key
 * chosen by the issuer's resolver); then the claims, parsed and checked once (`ClaimsCheck`):
 * `typ`, `iss`, `aud`, `exp`, `nbf`, `maxTokenAge` as jose's `jwtVerify` would, and what it leaves.
 */
export class IssuerVerifier {
  private readonly algorithms: { readonly algorithms: string[] };
  private readonly claims: ClaimsCheck;

  constructor(
    readonly config: IssuerConfig,
    readonly keys: KeyResolver,
    options: SessionOptions,
  ) {
    this.algorithms = Object.freeze({ algorithms: [...config.algorithms] });
    this.claims = new ClaimsCheck({ issuers: config.issuers, ...(config.audience && { audience: config.audience }) }, options);
  }

  async verify(token: string): Promise<JWTPayload> {
    const { payload, protectedHeader } = await this.withCandidates((getKey) => compactVerify(token, getKey, this.algorithms));
    try {
      return this.claims.check(protectedHeader, payload);
    } catch (error) {
      throw error instanceof SessionError ? error : new SessionError(reasonForJoseError(error), { cause: error });
    }
  }

  /**
   * The signature alone, by the same keys and allow-list as `verify` (jose's `compactVerify`):
   * for payloads that are not JWT claims, such as the Wycheproof JWS vectors. No claim is read.
   */
  async verifySignature(token: string): Promise<CompactVerifyResult> {
    const result = await this.withCandidates((getKey) => compactVerify(token, getKey, this.algorithms));
    // jose understands `b64: false` (RFC 7797); a session token never uses it, as `verify` enforces.
    if (result.protectedHeader.b64 === false) throw new SessionError('token_malformed', { message: 'Unencoded payloads are not accepted' });
    return result;
  }

  /** When several keys match (no `kid`, or a shared one), each is tried before giving up. */
  private async withCandidates<T>(verifyWith: (getKey: (header: CompactJWSHeaderParameters) => Promise<VerificationKey>) => Promise<T>): Promise<T> {
    let candidates: readonly VerificationKey[] | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        return await verifyWith(async (header) => strongEnough(header.alg, (candidates ??= await this.keys.resolve(header))[attempt]!));
      } catch (error) {
        if (error instanceof SessionError) throw error;
        const another = error instanceof errors.JWSSignatureVerificationFailed && candidates && attempt + 1 < candidates.length;
        if (!another) throw new SessionError(reasonForJoseError(error), { cause: error });
      }
    }
  }
}
