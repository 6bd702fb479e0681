import { errors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { SessionError } from '../errors/session-error.js';
import type { KeyResolver, VerificationKey } from '../keys/key-resolver.interface.js';
import type { IssuerConfig, SessionOptions } from '../options/session-options.js';
import { reasonForJoseError } from './jose-error-reason.js';

/**
 * Verifies tokens of one issuer with jose: allow-list, `crit`, signature, `typ`, `exp`, `nbf`,
 * `iss`, `aud`, `maxTokenAge`; then what jose leaves to us.
 */
export class IssuerVerifier {
  private readonly joseOptions: JWTVerifyOptions;
  private readonly clockTolerance: number;

  constructor(
    readonly config: IssuerConfig,
    readonly keys: KeyResolver,
    options: SessionOptions,
  ) {
    this.clockTolerance = options.clockTolerance;
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
    // jose compares `iat` with the clock only under maxTokenAge; a token from the future is never fine.
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + this.clockTolerance) {
      throw new SessionError('claim_invalid', { message: 'The session token was issued in the future' });
    }
  }
}
