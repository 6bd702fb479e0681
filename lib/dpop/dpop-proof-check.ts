import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, errors, jwtVerify, type JWK, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import { SessionError } from '../errors/session-error.js';
import type { ReplayStore } from '../replay/replay-store.interface.js';
import type { DpopConfig } from './dpop-options.js';
import { DpopNonces } from './dpop-nonces.js';

/** Scheme, host and path of the request as the client addressed it (no query, no fragment). */
export interface DpopRequestUrl {
  readonly scheme: string;
  readonly host: string;
  readonly path: string;
}

/** Everything the proof is checked against: the request and the access token it comes with. */
export interface DpopProofRequest {
  readonly method: string;
  readonly url: DpopRequestUrl;
  /** A request header by lower-case name. */
  header(name: string): string | undefined;
  /** The access token the proof's `ath` must hash. */
  readonly token: string;
}

export interface VerifiedDpopProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's key: the token's `cnf.jkt` must equal it. */
  readonly jkt: string;
}

/** Members only a private JWK has (RFC 7517, 7518 section 6): such a key never travels in a proof. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const MAX_JTI_LENGTH = 256;

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Origin and path, as `URL` normalizes them (case of scheme and host, default port, dot segments). */
function comparable(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * Checks one DPoP proof (RFC 9449 section 4.3) for one request: size, `typ`, algorithm, embedded
 * public key, signature, `htm`, `htu`, `iat`, `ath`, the server nonce, and last the `jti`, claimed
 * once in the store shared by every instance. Throws `SessionError`: `dpop_invalid` (challenge
 * `invalid_dpop_proof`), `dpop_nonce_required` (`use_dpop_nonce`), `revocation_unavailable` when the
 * store cannot answer (unless `revocationFailOpen`).
 */
export class DpopProofCheck {
  private readonly logger = new Logger('SessionDpop');
  readonly nonces?: DpopNonces;
  private storeDown = false;

  constructor(
    private readonly config: DpopConfig,
    private readonly clockToleranceSeconds: number,
    private readonly replays: ReplayStore | undefined,
    private readonly failOpen: boolean,
    private readonly now: () => number = () => Date.now(),
  ) {
    if (config.nonce) this.nonces = new DpopNonces(config.nonce.secret, config.nonce.lifetimeSeconds, now);
  }

  async check(request: DpopProofRequest): Promise<VerifiedDpopProof> {
    const proof = this.proofOf(request);
    const header = this.checkHeader(proof);
    const payload = await this.verifySignature(proof);
    const iat = this.checkClaims(payload, request);
    const jkt = await calculateJwkThumbprint(header.jwk as JWK, 'sha256');
    await this.claimJti(`dpop:${sha256(`${jkt} ${payload.jti as string}`)}`, iat);
    return { jkt };
  }

  /** A `SessionError` for a proof that fails RFC 9449 section 4.3. */
  invalid(message: string): SessionError {
    return new SessionError('dpop_invalid', { message, dpopChallenge: { error: 'invalid_dpop_proof', algs: this.config.algorithms } });
  }

  private proofOf(request: DpopProofRequest): string {
    const proof = request.header('dpop');
    if (proof === undefined || proof.length === 0) throw this.invalid('A DPoP proof is required (DPoP header)');
    if (Buffer.byteLength(proof) > this.config.maxProofBytes) throw this.invalid(`The DPoP proof is larger than ${this.config.maxProofBytes} bytes`);
    // Node joins repeated headers with a comma, which a compact JWS never holds.
    if (proof.includes(',')) throw this.invalid('Exactly one DPoP header is allowed');
    return proof;
  }

  private checkHeader(proof: string): ProtectedHeaderParameters {
    let header: ProtectedHeaderParameters;
    try {
      header = decodeProtectedHeader(proof);
    } catch {
      throw this.invalid('The DPoP proof is not a JWT');
    }
    if (header.typ !== 'dpop+jwt') throw this.invalid('The DPoP proof typ must be dpop+jwt');
    if (typeof header.alg !== 'string' || !(this.config.algorithms as readonly string[]).includes(header.alg)) {
      throw this.invalid('The DPoP proof algorithm is not accepted');
    }
    const jwk = header.jwk as Record<string, unknown> | undefined;
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw this.invalid('The DPoP proof has no jwk header');
    if (PRIVATE_MEMBERS.some((member) => Object.hasOwn(jwk, member))) throw this.invalid('The DPoP proof jwk must be a public key');
    return header;
  }

  private async verifySignature(proof: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(proof, EmbeddedJWK, {
        typ: 'dpop+jwt',
        algorithms: [...this.config.algorithms],
        requiredClaims: ['iat', 'jti', 'htm', 'htu'],
        clockTolerance: this.clockToleranceSeconds,
        currentDate: new Date(this.now()),
      });
      return payload;
    } catch (error) {
      if (error instanceof errors.JWSSignatureVerificationFailed) throw this.invalid('The DPoP proof signature is invalid');
      if (error instanceof errors.JWTClaimValidationFailed) throw this.invalid(`The DPoP proof has no valid ${error.claim} claim`);
      throw this.invalid('The DPoP proof is malformed');
    }
  }

  /** `htm`, `htu`, `iat` window, `ath`, nonce; returns `iat`. */
  private checkClaims(payload: JWTPayload, request: DpopProofRequest): number {
    if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > MAX_JTI_LENGTH) throw this.invalid('The DPoP proof jti is invalid');
    if (payload.htm !== request.method) throw this.invalid('The DPoP proof is for another HTTP method (htm)');
    if (!this.sameUrl(payload.htu, request.url)) throw this.invalid('The DPoP proof is for another URL (htu)');
    const iat = payload.iat as number;
    const nowSeconds = this.now() / 1000;
    if (iat > nowSeconds + this.clockToleranceSeconds) throw this.invalid('The DPoP proof was issued in the future (iat)');
    if (nowSeconds - iat > this.config.proofMaxAgeSeconds + this.clockToleranceSeconds) throw this.invalid('The DPoP proof is too old (iat)');
    if (typeof payload.ath !== 'string') throw this.invalid('The DPoP proof has no ath (access token hash)');
    if (payload.ath !== sha256(request.token)) throw this.invalid('The DPoP proof ath does not match the access token');
    if (this.nonces && !this.nonces.accepts(payload.nonce)) {
      throw new SessionError('dpop_nonce_required', {
        dpopChallenge: { error: 'use_dpop_nonce', algs: this.config.algorithms, nonce: this.nonces.current() },
      });
    }
    return iat;
  }

  private sameUrl(htu: unknown, url: DpopRequestUrl): boolean {
    if (typeof htu !== 'string') return false;
    try {
      const path = url.path.startsWith('/') ? url.path : `/${url.path}`;
      return comparable(new URL(htu)) === comparable(new URL(`${url.scheme}://${url.host}${path.split(/[?#]/, 1)[0]}`));
    } catch {
      return false;
    }
  }

  /** Last, so that only proofs valid in every other way take room in the store. */
  private async claimJti(id: string, iat: number): Promise<void> {
    // After this a proof is refused as too old anyway.
    const until = (iat + this.config.proofMaxAgeSeconds + 2 * this.clockToleranceSeconds) * 1000;
    let first: boolean;
    try {
      if (!this.replays) throw new SessionError('revocation_unavailable', { message: 'The revocation store offers no replay cache (claimOnce) for DPoP proofs' });
      first = await this.replays.claimOnce(id, until);
    } catch (error) {
      this.storeUnavailable(error);
      return;
    }
    if (this.storeDown) {
      this.storeDown = false;
      this.logger.log('DPoP replay checks resumed');
    }
    if (!first) throw this.invalid('The DPoP proof has been used before (jti)');
  }

  private storeUnavailable(error: unknown): void {
    if (!this.storeDown) {
      this.storeDown = true;
      this.logger.warn(
        this.failOpen
          ? 'The replay store is unavailable: accepting DPoP proofs without a replay check until it recovers (revocationFailOpen)'
          : 'The replay store is unavailable: refusing DPoP proofs with 503 revocation_unavailable until it recovers',
      );
    }
    if (this.failOpen) return;
    throw error instanceof SessionError && error.reason === 'revocation_unavailable' ? error : new SessionError('revocation_unavailable', { cause: error });
  }
}
