import { Logger, type LoggerService } from '@nestjs/common';
import {
  compactVerify,
  errors,
  jwtVerify,
  type CompactJWSHeaderParameters,
  type CompactVerifyResult,
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

/** Seconds since the epoch of the latest `Date` (year 275760): any later NumericDate means nothing. */
const LATEST_NUMERIC_DATE = 8.64e12;

export function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= LATEST_NUMERIC_DATE;
}

/**
 * Verifies tokens of one issuer with jose: allow-list, `crit`, signature, `typ`, `exp`, `nbf`,
 * `iss`, `aud`, `maxTokenAge`; then what jose leaves to us.
 */
export class IssuerVerifier {
  private readonly joseOptions: JWTVerifyOptions;
  private readonly clockTolerance: number;
  private readonly maxTokenLifetime?: number;
  private readonly rules: ClaimRules;
  private readonly mismatches: ProviderMismatchLog;

  constructor(
    readonly config: IssuerConfig,
    readonly keys: KeyResolver,
    options: VerificationConfig,
    logger: Pick<LoggerService, 'warn'> = new Logger('SessionVerification'),
  ) {
    this.mismatches = new ProviderMismatchLog(logger, config.issuers.join(', '));
    this.clockTolerance = options.clockTolerance;
    this.maxTokenLifetime = options.maxTokenLifetime;
    this.rules = Object.freeze({ tokenType: options.tokenType, maxTokenAge: options.maxTokenAge });
    this.joseOptions = Object.freeze({
      algorithms: [...config.algorithms],
      issuer: [...config.issuers],
      ...(config.audience && { audience: [...config.audience] }),
      clockTolerance: options.clockTolerance,
      ...(options.maxTokenAge !== undefined && { maxTokenAge: options.maxTokenAge }),
      ...(options.tokenType !== undefined && { typ: options.tokenType }),
      requiredClaims: [...options.requiredClaims],
    });
  }

  async verify(token: string): Promise<JWTPayload> {
    let signed = false;
    try {
      const { payload } = await this.withCandidates((getKey) => jwtVerify(token, getKey, this.joseOptions));
      signed = true;
      this.checkWhatJoseLeaves(payload);
      return payload;
    } catch (error) {
      // jose checks claims only once the signature has held.
      this.mismatches.refused(error, signed || (error instanceof SessionError && error.cause instanceof errors.JWTClaimValidationFailed));
      throw error;
    }
  }

  /**
   * Another kind of JWT from this issuer (a logout token, a Security Event Token): this issuer's keys
   * and algorithm allow-list, the caller's claim rules. Failures are `SessionError`s as for `verify`.
   */
  async verifyJwt(token: string, rules: Omit<JWTVerifyOptions, 'algorithms'>): Promise<JWTVerifyResult> {
    return this.withCandidates((getKey) => jwtVerify(token, getKey, { ...rules, algorithms: this.joseOptions.algorithms! }));
  }

  /**
   * The signature alone, by the same keys and allow-list as `verify` (jose's `compactVerify`):
   * for payloads that are not JWT claims, such as the Wycheproof JWS vectors. No claim is read.
   */
  async verifySignature(token: string): Promise<CompactVerifyResult> {
    const result = await this.withCandidates((getKey) => compactVerify(token, getKey, { algorithms: this.joseOptions.algorithms! }));
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
