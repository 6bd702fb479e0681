import { Logger, type LoggerService } from '@nestjs/common';
import {
  compactVerify,
  errors,
  jwtVerify,
  type CompactJWSHeaderParameters,
  type CompactVerifyResult,
  type JWSHeaderParameters,
  type JWTPayload,
  type JWTVerifyOptions,
  type JWTVerifyResult,
} from 'jose';
import { SessionError } from '../errors/session-error.js';
import { HMAC_MIN_SECRET_BYTES, isHmacAlgorithm } from '../keys/algorithms.js';
import type { KeyResolver, VerificationKey } from '../keys/key-resolver.interface.js';
import type { IssuerConfig } from '../options/issuer-config.js';
import type { VerificationConfig } from './verification-options.js';
import { claimFailureMessage, type ClaimRules } from './claim-failure-message.js';
import { ClaimsCheck } from './claims-check.js';
import { reasonForJoseError } from './jose-error-reason.js';
import { ProviderMismatchLog } from './provider-mismatch-log.js';

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

/** Also read by token introspection. */
export { isNumericDate } from './claims-check.js';

/**
 * Verifies tokens of one issuer with jose: allow-list, `crit`, signature (`compactVerify`, the key
 * chosen by the issuer's resolver); then the claims, parsed and checked once (`ClaimsCheck`):
 * `typ`, `iss`, `aud`, `exp`, `nbf`, `maxTokenAge` as jose's `jwtVerify` would, and what it leaves.
 */
export class IssuerVerifier {
  private readonly algorithms: { readonly algorithms: string[] };
  private readonly claims: ClaimsCheck;
  private readonly rules: ClaimRules;
  private readonly mismatches: ProviderMismatchLog;

  constructor(
    readonly config: IssuerConfig,
    readonly keys: KeyResolver,
    options: VerificationConfig,
    logger: Pick<LoggerService, 'warn'> = new Logger('SessionVerification'),
  ) {
    this.mismatches = new ProviderMismatchLog(logger, config.issuers.join(', '));
    this.rules = Object.freeze({ tokenType: options.tokenType, maxTokenAge: options.maxTokenAge });
    this.algorithms = Object.freeze({ algorithms: [...config.algorithms] });
    this.claims = new ClaimsCheck({ issuers: config.issuers, ...(config.audience && { audience: config.audience }) }, options);
  }

  async verify(token: string): Promise<JWTPayload> {
    let signed = false;
    try {
      const { payload, protectedHeader } = await this.withCandidates((getKey) => compactVerify(token, getKey, this.algorithms));
      signed = true;
      return this.checkClaims(protectedHeader, payload);
    } catch (error) {
      this.mismatches.refused(error, signed);
      throw error;
    }
  }

  /**
   * Another kind of JWT from this issuer (a logout token, a Security Event Token): this issuer's keys
   * and algorithm allow-list, the caller's claim rules. Failures are `SessionError`s as for `verify`.
   */
  async verifyJwt(token: string, rules: Omit<JWTVerifyOptions, 'algorithms'>): Promise<JWTVerifyResult> {
    return this.withCandidates((getKey) => jwtVerify(token, getKey, { ...rules, algorithms: this.algorithms.algorithms }));
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
        if (!another) throw new SessionError(reasonForJoseError(error), { message: claimFailureMessage(error, this.rules), cause: error });
      }
    }
  }

  /** jose's claim errors become the reason a client can act on, with the rule named. */
  private checkClaims(header: JWSHeaderParameters, payload: Uint8Array): JWTPayload {
    try {
      return this.claims.check(header, payload);
    } catch (error) {
      if (error instanceof SessionError) throw error;
      throw new SessionError(reasonForJoseError(error), { message: claimFailureMessage(error, this.rules), cause: error });
    }
  }
}
